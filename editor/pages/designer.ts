/**
 * #/designer[/:processId] — bpmn-js Modeler with the properties panel and our "Quy trình (qt)"
 * group. Every change is validated by the engine in the browser after a short pause; the diagnostics are drawn
 * on the elements they name and listed below the canvas. "Triển khai" deploys a new version.
 */
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import { hasErrors, readProcedure, type Diagnostic } from '../../engine/index.ts';
import { ApiError, api, type Procedure } from '../api-client.ts';
import { showMessage, type Page } from '../app.ts';
import { MODDLE_EXTENSIONS, Modeler, type Canvas, type ElementRegistry } from '../bpmn.ts';
import { el, replace } from '../dom.ts';
import { diagnosticTitle } from '../diagnostic-titles.ts';
import { drawDiagnostics } from '../modules/diagnostics-overlay.ts';
import { drawPlans, planAll } from '../modules/plan.ts';
import { qtPropertiesModule } from '../modules/qt-properties.ts';
import { translateModule } from '../translate.ts';

const VALIDATE_DELAY_MS = 600;

/** A new procedure: one start event, in the qt namespace so the panel's attributes serialise. */
const NEW_DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:qt="https://quytrinh.dev/schema/bpmn/1.0" id="Definitions_new" targetNamespace="https://quytrinh.dev/processes">
  <bpmn:process id="Process_new" name="Quy trình mới" isExecutable="true" qt:deadline="10" qt:deadlineUnit="workingDays">
    <bpmn:startEvent id="Start_new" name="Nhận hồ sơ" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_new">
    <bpmndi:BPMNPlane id="Plane_new" bpmnElement="Process_new">
      <bpmndi:BPMNShape id="Start_new_di" bpmnElement="Start_new"><dc:Bounds x="180" y="160" width="36" height="36" /></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;

const SEVERITY_LABELS: Readonly<Record<string, string>> = { error: 'Lỗi', warning: 'Cảnh báo', info: 'Thông tin' };

export const designerPage: Page = async (root, { params }) => {
  const procedures = await api.procedures();
  const processId = params[0];

  const picker = el('select', { id: 'designer-procedure', 'aria-label': 'Chọn quy trình' },
    el('option', { value: '' }, '— Sơ đồ mới hoặc từ tệp —'),
    procedures.map((p) => el('option', { value: p.processId, selected: p.processId === processId }, `${p.name ?? p.processId} (v${p.latestVersion})`)));
  picker.addEventListener('change', () => { location.hash = picker.value ? `#/designer/${encodeURIComponent(picker.value)}` : '#/designer'; });
  const status = el('span', { id: 'designer-status', class: 'muted' });
  const deployButton = el('button', { type: 'button', class: 'primary', id: 'deploy' }, 'Triển khai');
  const validateButton = el('button', { type: 'button', id: 'validate' }, 'Kiểm tra');
  const downloadButton = el('button', { type: 'button', id: 'download' }, 'Tải XML');
  const fileInput = el('input', { type: 'file', id: 'open-file', accept: '.bpmn,.xml,application/xml,text/xml', hidden: true });
  const openButton = el('button', { type: 'button', id: 'open' }, 'Mở tệp…');
  openButton.addEventListener('click', () => fileInput.click());
  const canvasHost = el('div', { class: 'diagram designer-canvas', id: 'designer-canvas' });
  const panelHost = el('div', { class: 'properties', id: 'properties-panel' });
  const list = el('section', { class: 'card', id: 'diagnostics' });
  const planHost = el('section', { class: 'card', id: 'plan' });

  replace(root,
    el('div', { class: 'toolbar' }, el('h1', {}, 'Thiết kế quy trình'), picker, openButton, fileInput, validateButton, deployButton, downloadButton, status),
    el('div', { class: 'designer' }, canvasHost, panelHost),
    list,
    planHost);

  const modeler = new Modeler({
    container: canvasHost,
    moddleExtensions: MODDLE_EXTENSIONS,
    // The qt group starts open: the norm is what designers come to edit.
    propertiesPanel: { parent: panelHost, layout: { groups: { qt: { open: true }, general: { open: true } } } },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, qtPropertiesModule, translateModule],
  });

  // Live checks run the engine in the browser (same code as the server, no round trip);
  // "Kiểm tra" and deploy ask the server, which is authoritative.
  let generation = 0;
  const validate = async (where: 'browser' | 'server'): Promise<void> => {
    const mine = ++generation;
    const { xml } = await modeler.saveXML({ format: true });
    if (!xml) return;
    status.textContent = 'Đang kiểm tra…';
    try {
      if (where === 'browser') {
        const { definitions, diagnostics } = await readProcedure(xml);
        if (mine !== generation) return;
        showDiagnostics(diagnostics, where);
        // A plan of a diagram that cannot run would mislead: show it only when there is no error.
        drawPlans(modeler, planHost, hasErrors(diagnostics) ? [] : planAll(definitions, new Date()));
      } else {
        const { diagnostics } = await api.validate(xml);
        if (mine === generation) showDiagnostics(diagnostics, where);
      }
    } catch (error) {
      // A refused diagram may come back as a problem+json carrying its diagnostics.
      if (error instanceof ApiError && error.diagnostics.length > 0) {
        if (mine === generation) showDiagnostics(error.diagnostics, where);
        return;
      }
      status.textContent = '';
      showMessage(error);
    }
  };

  const showDiagnostics = (diagnostics: readonly Diagnostic[], where: 'browser' | 'server'): void => {
    drawDiagnostics(modeler, diagnostics);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const verdict = errors > 0 ? `${errors} lỗi, ${diagnostics.length - errors} cảnh báo` : diagnostics.length > 0 ? `Hợp lệ, ${diagnostics.length} cảnh báo` : 'Hợp lệ';
    status.textContent = `${verdict}${where === 'server' ? ' (máy chủ đã kiểm tra)' : ''}`;
    status.className = errors > 0 ? 't-late' : 't-ok';
    renderList(list, diagnostics, (elementId) => {
      const element = modeler.get<ElementRegistry>('elementRegistry').get(elementId);
      if (!element) return;
      modeler.get<{ select(e: unknown): void }>('selection').select(element);
      modeler.get<Canvas & { scrollToElement(e: unknown): void }>('canvas').scrollToElement(element);
    });
  };

  let timer: number | undefined;
  modeler.on('commandStack.changed', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void validate('browser'), VALIDATE_DELAY_MS);
  });

  validateButton.addEventListener('click', () => void validate('server'));
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    picker.value = '';
    void file.text()
      .then((text) => modeler.importXML(text))
      .then(() => { modeler.get<Canvas>('canvas').zoom('fit-viewport', 'auto'); return validate('browser'); })
      .catch((error: unknown) => showMessage(`Không đọc được tệp BPMN: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => { fileInput.value = ''; });
  });
  downloadButton.addEventListener('click', () => void download(modeler));
  deployButton.addEventListener('click', () => {
    deployButton.disabled = true;
    void deploy(modeler, procedures, showDiagnostics).finally(() => { deployButton.disabled = false; });
  });

  const xml = processId ? await latestXml(procedures, processId) : NEW_DIAGRAM;
  await modeler.importXML(xml);
  modeler.get<Canvas>('canvas').zoom('fit-viewport', 'auto');
  await validate('browser');
  return () => {
    window.clearTimeout(timer);
    modeler.destroy();
  };
};

async function latestXml(procedures: readonly Procedure[], processId: string): Promise<string> {
  const procedure = procedures.find((p) => p.processId === processId);
  if (!procedure) throw new Error(`Không tìm thấy quy trình "${processId}".`);
  return api.procedureXml(processId, procedure.latestVersion);
}

function renderList(host: HTMLElement, diagnostics: readonly Diagnostic[], focus: (elementId: string) => void): void {
  if (diagnostics.length === 0) {
    replace(host, el('h2', {}, 'Kết quả kiểm tra'), el('p', { class: 't-ok' }, 'Sơ đồ hợp lệ, không có cảnh báo.'));
    return;
  }
  replace(host,
    el('h2', {}, 'Kết quả kiểm tra'),
    el('table', { class: 'grid', id: 'diagnostics-table' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Mức'), el('th', {}, 'Mã'), el('th', {}, 'Phần tử'), el('th', {}, 'Nội dung'))),
      el('tbody', {}, diagnostics.map((d) => el('tr', { class: d.severity === 'error' ? 't-late' : 't-soon', 'data-element-id': d.elementId ?? '' },
        el('td', {}, SEVERITY_LABELS[d.severity] ?? d.severity),
        el('td', {}, el('code', {}, d.code)),
        el('td', {}, d.elementId ? el('a', { href: 'javascript:void 0', onclick: () => focus(d.elementId!) }, d.elementName ? `${d.elementName} (${d.elementId})` : d.elementId) : '—'),
        el('td', {}, diagnosticTitle(d.code) ? el('strong', { class: 'diag-title' }, diagnosticTitle(d.code), '. ') : '', d.message, d.path && d.path.length > 0 ? el('div', { class: 'muted small' }, `Đường đi: ${d.path.join(' → ')}`) : ''))))));
}

async function deploy(modeler: Modeler, procedures: readonly Procedure[], showDiagnostics: (d: readonly Diagnostic[], where: 'server') => void): Promise<void> {
  const { xml } = await modeler.saveXML({ format: true });
  if (!xml) return;
  try {
    const results = await api.deploy(xml);
    showDiagnostics(results.flatMap((r) => r.diagnostics), 'server');
    showMessage(results.map((r) => (r.created ? `Đã triển khai ${r.processId} phiên bản ${r.version}.` : `Nội dung không đổi: ${r.processId} vẫn là phiên bản ${r.version}.`)).join(' '), 'info');
    const first = results[0];
    if (first && !procedures.some((p) => p.processId === first.processId)) location.hash = `#/designer/${encodeURIComponent(first.processId)}`;
  } catch (error) {
    // A refused diagram: its diagnostics go on the canvas and in the list, the problem in the banner.
    if (error instanceof ApiError && error.diagnostics.length > 0) showDiagnostics(error.diagnostics, 'server');
    showMessage(error);
  }
}

async function download(modeler: Modeler): Promise<void> {
  const { xml } = await modeler.saveXML({ format: true });
  if (!xml) return;
  const link = el('a', { href: URL.createObjectURL(new Blob([xml], { type: 'application/xml' })), download: 'quy-trinh.bpmn' });
  link.click();
  URL.revokeObjectURL(link.href);
}

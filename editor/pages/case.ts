/**
 * #/cases/:id — one dossier: its diagram with the active steps highlighted, the actions allowed
 * now (one button per outcome of each open step), the history and the printable documents.
 */
import { api, type CaseDetail, type CaseStep } from '../api-client.ts';
import { showMessage, type Page } from '../app.ts';
import { MODDLE_EXTENSIONS, NavigatedViewer, type Canvas, type ElementRegistry } from '../bpmn.ts';
import { el, replace } from '../dom.ts';
import { CHANNEL_LABELS, DOCUMENT_LABELS, STATUS_LABELS, eventLabel, formatDateTime, outcomeLabel, timelinessClass, timelinessLabel } from '../labels.ts';

const ACTIVE_MARKER = 'qt-active';
const DONE_MARKER = 'qt-done';

export const casePage: Page = async (root, { params }) => {
  const caseId = params[0];
  if (!caseId) throw new Error('Thiếu mã hồ sơ trong đường dẫn.');
  let detail = await api.caseDetail(caseId);

  const summary = el('section', { class: 'card case-summary', id: 'case-summary' });
  const canvasHost = el('div', { class: 'diagram', id: 'case-diagram' });
  const actions = el('section', { class: 'card', id: 'case-actions' });
  const history = el('section', { class: 'card', id: 'case-history' });
  const documents = el('section', { class: 'card', id: 'case-documents' });
  replace(root,
    el('h1', {}, 'Hồ sơ ', el('span', { id: 'case-code' }, detail.code)),
    el('div', { class: 'case-layout' },
      el('div', {}, canvasHost, history),
      el('div', {}, summary, actions, documents)));

  const viewer = new NavigatedViewer({ container: canvasHost, moddleExtensions: MODDLE_EXTENSIONS });
  const xml = await api.procedureXml(detail.processId, detail.version);
  await viewer.importXML(xml);
  viewer.get<Canvas>('canvas').zoom('fit-viewport', 'auto');

  const render = (next: CaseDetail): void => {
    detail = next;
    renderSummary(summary, next);
    highlight(viewer, next);
    renderActions(actions, next, (step, outcome, comment) => {
      api.complete(next.id, step.stepKey, { caseVersion: detail.caseVersion, outcome, comment: comment || undefined })
        .then(render)
        .catch((error: unknown) => {
          showMessage(error);
          // A 409 means someone else moved the case: show its current state.
          void api.caseDetail(next.id).then(render).catch(() => undefined);
        });
    });
    renderHistory(history, next);
    renderDocuments(documents, next);
  };
  render(detail);
  return () => viewer.destroy();
};

function renderSummary(host: HTMLElement, c: CaseDetail): void {
  const status = c.statusCode !== undefined ? STATUS_LABELS[c.statusCode] ?? c.status : c.status;
  const row = (label: string, value: Node | string): HTMLElement => el('div', { class: 'field' }, el('span', { class: 'label' }, label), el('span', {}, value));
  replace(host,
    el('h2', {}, 'Thông tin hồ sơ'),
    row('Thủ tục', `${c.processId} (v${c.version})`),
    row('Người nộp', c.applicant?.name ?? '—'),
    row('Trạng thái', el('span', { id: 'case-status' }, status)),
    row('Tiếp nhận lúc', formatDateTime(c.receivedAt)),
    row('Hẹn trả kết quả', el('strong', {}, formatDateTime(c.appointmentAt))),
    row('Tình trạng', el('span', { class: `badge ${timelinessClass(c.timeliness)}` }, timelinessLabel(c.timeliness))),
    c.data && typeof c.data['channel'] === 'string' ? row('Hình thức nộp', CHANNEL_LABELS[c.data['channel'] as keyof typeof CHANNEL_LABELS] ?? String(c.data['channel'])) : '');
}

function highlight(viewer: NavigatedViewer, c: CaseDetail): void {
  const canvas = viewer.get<Canvas>('canvas');
  const registry = viewer.get<ElementRegistry>('elementRegistry');
  const done = new Set(c.history.filter((e) => e.type === 'step.completed' && e.elementId).map((e) => e.elementId!));
  const active = new Set([...c.active, ...c.openSteps.map((s) => s.elementId)]);
  for (const element of registry.getAll()) {
    canvas.removeMarker(element.id, ACTIVE_MARKER);
    canvas.removeMarker(element.id, DONE_MARKER);
    if (active.has(element.id)) canvas.addMarker(element.id, ACTIVE_MARKER);
    else if (done.has(element.id)) canvas.addMarker(element.id, DONE_MARKER);
  }
}

function renderActions(host: HTMLElement, c: CaseDetail, complete: (step: CaseStep, outcome: string | undefined, comment: string) => void): void {
  if (c.openSteps.length === 0) {
    replace(host, el('h2', {}, 'Thao tác'), el('p', { class: 'muted', id: 'no-actions' }, 'Hồ sơ không còn bước nào đang mở.'));
    return;
  }
  const comment = el('textarea', { id: 'action-comment', rows: 2, placeholder: 'Ý kiến xử lý (không bắt buộc)' });
  replace(host,
    el('h2', {}, 'Thao tác'),
    c.openSteps.map((step) => el('div', { class: 'step-action', 'data-step': step.elementId },
      el('div', {}, el('strong', {}, step.name ?? step.elementId), ' — hạn ', formatDateTime(step.dueAt),
        ' ', el('span', { class: `badge ${timelinessClass(step.timeliness)}` }, timelinessLabel(step.timeliness))),
      el('div', { class: 'buttons' },
        (step.outcomes && step.outcomes.length > 0 ? step.outcomes : [undefined]).map((outcome) =>
          el('button', {
            type: 'button',
            class: outcome === 'refuse' || outcome === 'return' ? 'secondary' : 'primary',
            'data-outcome': outcome ?? '',
            onclick: (event: Event) => {
              (event.currentTarget as HTMLButtonElement).disabled = true;
              complete(step, outcome, comment.value.trim());
            },
          }, outcomeLabel(outcome)))))),
    el('label', { for: 'action-comment' }, 'Ý kiến'), comment);
}

function renderHistory(host: HTMLElement, c: CaseDetail): void {
  replace(host,
    el('h2', {}, 'Lịch sử xử lý'),
    el('table', { class: 'grid', id: 'history' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Thời gian'), el('th', {}, 'Sự kiện'), el('th', {}, 'Bước'), el('th', {}, 'Người thực hiện'), el('th', {}, 'Kết quả'))),
      el('tbody', {}, c.history.map((event) => el('tr', { 'data-type': event.type },
        el('td', {}, formatDateTime(event.at)),
        el('td', {}, eventLabel(event.type)),
        el('td', {}, event.elementId ?? ''),
        el('td', {}, event.actor ?? ''),
        el('td', {}, typeof event.data?.['outcome'] === 'string' ? outcomeLabel(event.data['outcome']) : ''))))));
}

function renderDocuments(host: HTMLElement, c: CaseDetail): void {
  const types = new Set(c.history.map((e) => e.type));
  const forms = ['receipt', 'control-slip'];
  if (types.has('supplement.requested') || c.statusCode === 5) forms.push('supplement');
  if (types.has('case.refused') || c.statusCode === 3) forms.push('refusal');
  if (types.has('apology.issued')) forms.push('apology');
  replace(host,
    el('h2', {}, 'Giấy tờ in'),
    el('ul', { class: 'links' }, forms.map((form) => el('li', {}, el('a', { href: api.documentUrl(c.id, form), target: '_blank', rel: 'noopener' }, DOCUMENT_LABELS[form] ?? form)))),
    el('a', { href: api.auditCsvUrl(c.id), class: 'small' }, 'Tải nhật ký thời gian các bước (CSV)'));
}

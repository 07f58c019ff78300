/**
 * #/cases/:id — one dossier: its diagram with the active steps highlighted, the actions allowed
 * now (one button per outcome of each open step the user holds), the case-level actions
 * (supplement, apology, withdraw…), the history and the printable documents.
 */
import { api, type CaseActionPath, type CaseDetail, type CaseStep, type Unit, type User } from '../api-client.ts';
import { showMessage, type Page } from '../app.ts';
import { MODDLE_EXTENSIONS, NavigatedViewer, type Canvas, type ElementRegistry } from '../bpmn.ts';
import { el, replace } from '../dom.ts';
import { CHANNEL_LABELS, DOCUMENT_LABELS, ROLE_LABELS, STATUS_LABELS, eventLabel, formatDateTime, outcomeLabel, timelinessClass, timelinessLabel } from '../labels.ts';

const ACTIVE_MARKER = 'qt-active';
const DONE_MARKER = 'qt-done';

/** Case-level actions the server may offer, their route and their Vietnamese wording. */
const CASE_ACTIONS: Readonly<Record<string, { path: CaseActionPath; label: string; needsReason: boolean }>> = {
  supplementRequest: { path: 'supplement-request', label: 'Yêu cầu bổ sung hồ sơ', needsReason: true },
  resubmission: { path: 'resubmission', label: 'Nhận hồ sơ đã bổ sung', needsReason: false },
  apology: { path: 'apology', label: 'Phát hành phiếu xin lỗi, hẹn lại ngày trả', needsReason: true },
  refuse: { path: 'refuse', label: 'Từ chối tiếp nhận', needsReason: false },
  withdraw: { path: 'withdraw', label: 'Công dân rút hồ sơ', needsReason: false },
  stop: { path: 'stop', label: 'Dừng xử lý', needsReason: false },
};

/**
 * Whether the user holds the step: its role in its unit, or officer/unit head anywhere when the
 * step names none. Mirrors server/auth/access.ts `canActOnStep`; the server still decides.
 */
export function mayActOn(user: User, step: Partial<Pick<CaseStep, 'role' | 'unitId'>>): boolean {
  const roles = step.role ? [step.role] : ['officer', 'unitHead'];
  return user.roles.some((r) => roles.includes(r.role) && (!step.unitId || r.unitId === step.unitId));
}

interface Handlers {
  complete(step: CaseStep, outcome: string | undefined, comment: string): void;
  claim(step: CaseStep, claim: boolean): void;
  caseAction(path: CaseActionPath, body: Record<string, unknown>): void;
}

export const casePage: Page = async (root, { params, user }) => {
  const caseId = params[0];
  if (!caseId) throw new Error('Thiếu mã hồ sơ trong đường dẫn.');
  const [first, procedures, units] = await Promise.all([api.caseDetail(caseId), api.procedures().catch(() => []), api.units().catch((): Unit[] => [])]);
  const unitName = (id: string | undefined): string => units.find((u) => u.id === id)?.name ?? id ?? '';
  let detail = first;
  const procedureName = procedures.find((p) => p.processId === detail.processId)?.name ?? detail.processId;

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
  await viewer.importXML(await api.procedureXml(detail.processId, detail.version));
  viewer.get<Canvas>('canvas').zoom('fit-viewport', 'auto');
  const registry = viewer.get<ElementRegistry>('elementRegistry');
  const elementName = (id: string | null | undefined): string => (id ? registry.get(id)?.businessObject.name ?? id : '');

  const refreshAfter = (request: Promise<CaseDetail>): void => {
    request.then(render).catch((error: unknown) => {
      showMessage(error);
      // A 409 means someone else moved the case meanwhile: show its current state.
      void api.caseDetail(detail.id).then(render).catch(() => undefined);
    });
  };
  const handlers: Handlers = {
    complete: (step, outcome, comment) => refreshAfter(api.complete(detail.id, step.stepKey, { caseVersion: detail.caseVersion, outcome, comment: comment || undefined })),
    claim: (step, claim) => refreshAfter(api.claim(detail.id, step.stepKey, detail.caseVersion, claim)),
    caseAction: (path, body) => refreshAfter(api.caseAction(detail.id, path, { caseVersion: detail.caseVersion, ...body })),
  };

  function render(next: CaseDetail): void {
    detail = next;
    renderSummary(summary, next, procedureName);
    highlight(viewer, next);
    renderActions(actions, next, user, handlers, unitName);
    renderHistory(history, next, elementName);
    renderDocuments(documents, next);
  }
  render(detail);
  return () => viewer.destroy();
};

function renderSummary(host: HTMLElement, c: CaseDetail, procedureName: string): void {
  const status = c.statusCode !== undefined ? STATUS_LABELS[c.statusCode] ?? c.status : c.status;
  const row = (label: string, value: Node | string): HTMLElement => el('div', { class: 'field' }, el('span', { class: 'label' }, label), el('span', {}, value));
  const channel = c.channel as keyof typeof CHANNEL_LABELS | undefined;
  replace(host,
    el('h2', {}, 'Thông tin hồ sơ'),
    row('Thủ tục', `${procedureName} (phiên bản ${c.version})`),
    row('Người nộp', c.applicant?.name ?? '—'),
    channel ? row('Hình thức nộp', CHANNEL_LABELS[channel] ?? channel) : '',
    row('Trạng thái', el('span', { id: 'case-status' }, status)),
    c.clock === 'stopped' ? row('Thời hạn', el('span', { class: 'badge t-soon' }, 'Tạm dừng chờ bổ sung')) : '',
    row('Tiếp nhận lúc', formatDateTime(c.receivedAt)),
    row('Hẹn trả kết quả', el('strong', {}, formatDateTime(c.appointmentAt))),
    row('Tình trạng', el('span', { class: `badge ${timelinessClass(c.timeliness)}` }, timelinessLabel(c.timeliness))));
}

function highlight(viewer: NavigatedViewer, c: CaseDetail): void {
  const canvas = viewer.get<Canvas>('canvas');
  const registry = viewer.get<ElementRegistry>('elementRegistry');
  // Finished steps and the end event the case reached show the path taken.
  const done = new Set(c.history.filter((e) => (e.type === 'step.completed' || e.type === 'case.ended') && e.elementId).map((e) => e.elementId!));
  const active = new Set([...c.active, ...c.openSteps.map((s) => s.elementId)]);
  for (const element of registry.getAll()) {
    canvas.removeMarker(element.id, ACTIVE_MARKER);
    canvas.removeMarker(element.id, DONE_MARKER);
    if (active.has(element.id)) canvas.addMarker(element.id, ACTIVE_MARKER);
    else if (done.has(element.id)) canvas.addMarker(element.id, DONE_MARKER);
  }
}

function renderActions(host: HTMLElement, c: CaseDetail, user: User, handlers: Handlers, unitName: (id: string | undefined) => string): void {
  const offered = (action: string, stepKey?: string): boolean => c.actions.some((a) => a.action === action && a.stepKey === stepKey);
  const comment = el('textarea', { id: 'action-comment', rows: 2, placeholder: 'Ý kiến xử lý (không bắt buộc)' });
  const disableThen = (fn: () => void) => (event: Event): void => {
    (event.currentTarget as HTMLButtonElement).disabled = true;
    fn();
  };
  const steps = c.openSteps.map((step) => {
    const mine = mayActOn(user, step) && offered('complete', step.stepKey);
    return el('div', { class: 'step-action', 'data-step': step.elementId },
      el('div', {}, el('strong', {}, step.name ?? step.elementId), ' — hạn ', formatDateTime(step.dueAt),
        ' ', el('span', { class: `badge ${timelinessClass(step.timeliness)}` }, timelinessLabel(step.timeliness))),
      step.claimedBy ? el('div', { class: 'muted small' }, `Đang do ${step.claimedBy} xử lý`) : '',
      mine
        ? el('div', { class: 'buttons' },
          (step.outcomes && step.outcomes.length > 0 ? step.outcomes : [undefined]).map((outcome) =>
            el('button', {
              type: 'button',
              class: outcome === 'refuse' || outcome === 'return' ? 'secondary' : 'primary',
              'data-outcome': outcome ?? '',
              onclick: disableThen(() => handlers.complete(step, outcome, comment.value.trim())),
            }, outcomeLabel(outcome))),
          offered('claim', step.stepKey) ? el('button', { type: 'button', class: 'claim', onclick: disableThen(() => handlers.claim(step, true)) }, 'Nhận xử lý') : '',
          offered('release', step.stepKey) ? el('button', { type: 'button', class: 'release', onclick: disableThen(() => handlers.claim(step, false)) }, 'Trả lại hàng chờ') : '')
        : el('div', { class: 'muted small waiting' }, `Chờ ${ROLE_LABELS[step.role ?? ''] ?? step.role ?? 'cán bộ'}${step.unitId ? ` — ${unitName(step.unitId)}` : ''} xử lý`));
  });
  const caseLevel = c.actions.filter((a) => CASE_ACTIONS[a.action]).map((a) => a.action);
  const worker = user.roles.some((r) => r.role === 'officer' || r.role === 'unitHead');
  replace(host,
    el('h2', {}, 'Thao tác'),
    c.openSteps.length === 0 ? el('p', { class: 'muted', id: 'no-actions' }, c.endedAt ? `Hồ sơ đã kết thúc lúc ${formatDateTime(c.endedAt)}.` : 'Không có bước nào đang mở.') : steps,
    c.openSteps.some((s) => mayActOn(user, s)) ? [el('label', { for: 'action-comment' }, 'Ý kiến'), comment] : '',
    worker && caseLevel.length > 0 ? caseActionsForm(caseLevel, handlers) : '');
}

function caseActionsForm(actions: readonly string[], handlers: Handlers): HTMLElement {
  const reason = el('textarea', { id: 'case-action-reason', rows: 2, placeholder: 'Lý do / nội dung' });
  const newAppointment = el('input', { id: 'apology-date', type: 'datetime-local' });
  const signedBy = el('input', { id: 'apology-signed-by', placeholder: 'Người ký (thủ trưởng cơ quan)' });
  const buttons = actions.map((action) => {
    const spec = CASE_ACTIONS[action]!;
    return el('button', {
      type: 'button',
      'data-action': action,
      onclick: () => {
        const text = reason.value.trim();
        if (spec.needsReason && !text) return showMessage('Hãy nhập lý do trước khi thực hiện thao tác này.');
        if (action === 'apology') {
          if (!newAppointment.value || !signedBy.value.trim()) return showMessage('Phiếu xin lỗi cần ngày hẹn mới và người ký.');
          // datetime-local has no zone: the officer means Vietnamese time.
          return handlers.caseAction(spec.path, { reason: text, newAppointmentAt: `${newAppointment.value}:00+07:00`, signedBy: signedBy.value.trim() });
        }
        return handlers.caseAction(spec.path, text ? { reason: text } : {});
      },
    }, spec.label);
  });
  return el('details', { class: 'case-level' },
    el('summary', {}, 'Thao tác khác với hồ sơ'),
    el('label', { for: 'case-action-reason' }, 'Lý do'), reason,
    actions.includes('apology') ? [el('label', { for: 'apology-date' }, 'Ngày hẹn trả mới (phiếu xin lỗi)'), newAppointment, signedBy] : '',
    el('div', { class: 'buttons' }, buttons));
}

function renderHistory(host: HTMLElement, c: CaseDetail, elementName: (id: string | null | undefined) => string): void {
  replace(host,
    el('h2', {}, 'Lịch sử xử lý'),
    el('table', { class: 'grid', id: 'history' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Thời gian'), el('th', {}, 'Sự kiện'), el('th', {}, 'Bước'), el('th', {}, 'Người thực hiện'), el('th', {}, 'Kết quả / ghi chú'))),
      el('tbody', {}, c.history.map((event) => {
        const data = event.data ?? {};
        const note = typeof data['outcome'] === 'string' ? outcomeLabel(data['outcome']) : typeof data['comment'] === 'string' ? data['comment'] : typeof data['reason'] === 'string' ? data['reason'] : '';
        return el('tr', { 'data-type': event.type },
          el('td', {}, formatDateTime(event.at)),
          el('td', {}, eventLabel(event.type)),
          el('td', { title: event.elementId ?? '' }, elementName(event.elementId)),
          el('td', {}, event.actor ?? ''),
          el('td', {}, note));
      }))));
}

function renderDocuments(host: HTMLElement, c: CaseDetail): void {
  const types = new Set(c.history.map((e) => e.type));
  const forms = ['receipt', 'control-slip'];
  if (types.has('supplement.requested') || c.statusCode === 5) forms.push('supplement');
  if (types.has('case.refused') || c.statusCode === 3) forms.push('refusal');
  if (types.has('apology.issued')) forms.push('apology');
  replace(host,
    el('h2', {}, 'Giấy tờ in'),
    el('ul', { class: 'links' }, forms.map((form) => el('li', {}, el('a', { href: api.documentUrl(c.id, form), target: '_blank', rel: 'noopener', 'data-form': form }, DOCUMENT_LABELS[form] ?? form)))),
    el('a', { href: api.auditCsvUrl(c.id), class: 'small', id: 'audit-csv' }, 'Tải nhật ký thời gian các bước (CSV)'));
}

/** #/cases — search the dossiers the user may see: text, status, overdue / due soon, procedure. */
import { api, type CaseSummary } from '../api-client.ts';
import { showMessage, type Page } from '../app.ts';
import { el, replace } from '../dom.ts';
import { STATUS_LABELS, formatDateTime, timelinessClass, timelinessLabel } from '../labels.ts';

const PAGE_SIZE = '50';

export const casesPage: Page = async (root) => {
  const procedures = await api.procedures();
  const text = el('input', { id: 'cases-q', type: 'search', placeholder: 'Mã hồ sơ hoặc tên người nộp' });
  const status = el('select', { id: 'cases-status' }, el('option', { value: '' }, 'Mọi trạng thái'),
    Object.entries(STATUS_LABELS).map(([code, label]) => el('option', { value: code }, `${code}. ${label}`)));
  const procedure = el('select', { id: 'cases-procedure' }, el('option', { value: '' }, 'Mọi thủ tục'),
    procedures.map((p) => el('option', { value: p.processId }, p.name ?? p.processId)));
  const urgency = el('select', { id: 'cases-urgency' }, el('option', { value: '' }, 'Mọi thời hạn'), el('option', { value: 'overdue' }, 'Quá hạn'), el('option', { value: 'dueSoon' }, 'Sắp đến hạn'));
  const results = el('div', { id: 'cases-results' });
  const more = el('button', { type: 'button', id: 'cases-more', hidden: true }, 'Xem thêm');
  let cursor: string | undefined;

  const tableOf = (items: readonly CaseSummary[]): HTMLElement => el('table', { class: 'grid', id: 'cases' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Mã hồ sơ'), el('th', {}, 'Người nộp'), el('th', {}, 'Thủ tục'), el('th', {}, 'Trạng thái'), el('th', {}, 'Tiếp nhận'), el('th', {}, 'Hẹn trả'), el('th', {}, 'Tình trạng'))),
    el('tbody', {}, items.map(row)));
  const row = (c: CaseSummary): HTMLElement => el('tr', { class: timelinessClass(c.timeliness), 'data-case-id': c.id },
    el('td', {}, el('a', { href: `#/cases/${encodeURIComponent(c.id)}` }, c.code)),
    el('td', {}, c.applicant?.name ?? ''),
    el('td', {}, procedures.find((p) => p.processId === c.processId)?.name ?? c.processId),
    el('td', {}, c.statusCode !== undefined ? STATUS_LABELS[c.statusCode] ?? String(c.statusCode) : c.status ?? ''),
    el('td', {}, formatDateTime(c.receivedAt)),
    el('td', {}, formatDateTime(c.appointmentAt)),
    el('td', {}, el('span', { class: `badge ${timelinessClass(c.timeliness)}` }, timelinessLabel(c.timeliness))));

  const search = async (append: boolean): Promise<void> => {
    const query: Record<string, string> = { limit: PAGE_SIZE };
    if (text.value.trim()) query['q'] = text.value.trim();
    if (status.value) query['status'] = status.value;
    if (procedure.value) query['processId'] = procedure.value;
    if (urgency.value) query[urgency.value] = 'true';
    if (append && cursor) query['cursor'] = cursor;
    const page = await api.cases(query);
    cursor = page.nextCursor ?? undefined;
    more.hidden = !cursor;
    const tbody = results.querySelector('tbody');
    if (append && tbody) for (const c of page.items) tbody.append(row(c));
    else replace(results, page.items.length === 0 ? el('p', { class: 'muted' }, 'Không có hồ sơ nào phù hợp.') : tableOf(page.items));
  };
  const form = el('form', { class: 'filters', id: 'cases-filter' }, text, status, procedure, urgency, el('button', { type: 'submit', class: 'primary' }, 'Tìm'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    search(false).catch((error: unknown) => showMessage(error));
  });
  more.addEventListener('click', () => { search(true).catch((error: unknown) => showMessage(error)); });
  replace(root, el('h1', {}, 'Tra cứu hồ sơ'), form, results, more);
  await search(false);
};

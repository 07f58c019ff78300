/**
 * #/inbox: the officer's open steps sorted by due time, coloured by timeliness, and the form to
 * receive a new dossier (Tiếp nhận hồ sơ).
 */
import { api, type InboxItem, type Procedure, type Unit } from '../api-client.ts';
import { onSubmit, type Page } from '../app.ts';
import { el, replace } from '../dom.ts';
import { CHANNEL_LABELS, formatDateTime, timelinessClass, timelinessLabel } from '../labels.ts';

/** Earliest due first; steps without a due instant (outside the clock) last. */
export function byDue(a: Pick<InboxItem, 'dueAt'>, b: Pick<InboxItem, 'dueAt'>): number {
  const da = a.dueAt ? Date.parse(a.dueAt) : Number.POSITIVE_INFINITY;
  const db = b.dueAt ? Date.parse(b.dueAt) : Number.POSITIVE_INFINITY;
  return da - db;
}

export const inboxPage: Page = async (root, { user }) => {
  const [items, procedures, units] = await Promise.all([api.inbox(), api.procedures(), api.units().catch((): Unit[] => [])]);
  const unitName = (id: string | null | undefined): string => units.find((u) => u.id === id)?.name ?? id ?? '—';
  const myUnits = [...new Set(user.roles.filter((r) => r.role === 'officer' || r.role === 'unitHead').map((r) => r.unitId))];

  const table = items.length === 0
    ? el('p', { class: 'muted', id: 'inbox-empty' }, 'Không có việc nào đang chờ xử lý.')
    : el('table', { class: 'grid', id: 'inbox' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Mã hồ sơ'), el('th', {}, 'Bước xử lý'), el('th', {}, 'Đơn vị'), el('th', {}, 'Hạn xử lý'), el('th', {}, 'Tình trạng'))),
      el('tbody', {}, [...items].sort(byDue).map((item) =>
        el('tr', { class: timelinessClass(item.timeliness), 'data-case-id': item.caseId, 'data-step': item.elementId },
          el('td', {}, el('a', { href: `#/cases/${encodeURIComponent(item.caseId)}` }, item.caseCode)),
          el('td', {}, item.name ?? item.elementId, item.claimedBy ? el('div', { class: 'muted small' }, `Đang do ${item.claimedBy} xử lý`) : ''),
          el('td', {}, unitName(item.unitId)),
          el('td', {}, formatDateTime(item.dueAt)),
          el('td', {}, el('span', { class: `badge ${timelinessClass(item.timeliness)}` }, timelinessLabel(item.timeliness)))))));

  replace(root,
    el('div', { class: 'two-columns' },
      el('section', {}, el('h1', {}, 'Hộp việc của tôi'), table),
      el('section', {}, receiveForm(procedures, myUnits, unitName))));
};

function receiveForm(procedures: readonly Procedure[], unitIds: readonly string[], unitName: (id: string) => string): HTMLElement {
  const procedure = el('select', { name: 'processId', id: 'receive-procedure', required: true },
    procedures.map((p) => el('option', { value: p.processId }, `${p.code ? `${p.code} — ` : ''}${p.name ?? p.processId}`)));
  const unit = el('select', { name: 'unitId', id: 'receive-unit', required: true }, unitIds.map((id) => el('option', { value: id }, unitName(id))));
  const channel = el('select', { name: 'channel', id: 'receive-channel' },
    Object.entries(CHANNEL_LABELS).map(([value, label]) => el('option', { value }, label)));
  const name = el('input', { name: 'applicantName', id: 'receive-name', required: true, placeholder: 'Nguyễn Văn A' });
  const idNumber = el('input', { name: 'idNumber', id: 'receive-id-number', placeholder: 'Số CCCD' });
  const phone = el('input', { name: 'phone', id: 'receive-phone', type: 'tel' });
  const address = el('input', { name: 'address', id: 'receive-address' });
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Tiếp nhận');
  const form = el('form', { class: 'card', id: 'receive-form' },
    el('h2', {}, 'Tiếp nhận hồ sơ'),
    el('label', { for: 'receive-procedure' }, 'Thủ tục'), procedure,
    el('label', { for: 'receive-unit' }, 'Đơn vị tiếp nhận'), unit,
    el('label', { for: 'receive-channel' }, 'Hình thức nộp'), channel,
    el('label', { for: 'receive-name' }, 'Họ và tên người nộp'), name,
    el('label', { for: 'receive-id-number' }, 'Số giấy tờ tùy thân'), idNumber,
    el('label', { for: 'receive-phone' }, 'Số điện thoại'), phone,
    el('label', { for: 'receive-address' }, 'Địa chỉ'), address,
    submit);
  const optional = (value: string): string | undefined => value.trim() || undefined;
  onSubmit(form, () =>
    api.receiveCase({
      processId: procedure.value,
      unitId: unit.value,
      channel: channel.value as keyof typeof CHANNEL_LABELS,
      applicant: { name: name.value.trim(), idNumber: optional(idNumber.value), phone: optional(phone.value), address: optional(address.value) },
    }).then((created) => { location.hash = `#/cases/${encodeURIComponent(created.id)}`; }));
  return form;
}

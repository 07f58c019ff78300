/** #/calendars — the working calendars (national and the units' own) and the form creating a unit calendar. */
import { api, type CalendarSummary } from '../api-client.ts';
import type { Page } from '../app.ts';
import { el, replace } from '../dom.ts';
import { formatDateTime } from '../labels.ts';
import { previewBeforeSaving } from '../modules/calendar-change.ts';

export const calendarsPage: Page = async (root) => {
  const calendars = await api.calendars();
  const link = (name: string, year?: number): string => `#/calendars/${encodeURIComponent(name)}${year === undefined ? '' : `/${year}`}`;
  const titleOf = (name: string | null): string => calendars.find((c) => c.name === name)?.displayName ?? name ?? '—';
  replace(root,
    el('div', { class: 'two-columns' },
      el('section', {},
        el('h1', {}, 'Lịch làm việc'),
        el('table', { class: 'grid', id: 'calendars' },
          el('thead', {}, el('tr', {}, el('th', {}, 'Lịch'), el('th', {}, 'Kế thừa từ'), el('th', {}, 'Phiên bản'), el('th', {}, 'Thông báo nghỉ lễ đã nhập'), el('th', {}, 'Cập nhật lúc'))),
          el('tbody', {}, calendars.map((c) => el('tr', { 'data-calendar': c.name },
            el('td', {}, el('a', { href: link(c.name) }, c.displayName ?? c.name), el('div', { class: 'muted small' }, c.name)),
            el('td', {}, c.base ? titleOf(c.base) : 'Lịch gốc (toàn quốc)'),
            el('td', {}, String(c.version)),
            el('td', {}, c.noticeYears.length > 0 ? c.noticeYears.map((year) => el('a', { href: link(c.name, year), class: 'tag' }, String(year))) : '—'),
            el('td', {}, formatDateTime(c.updatedAt))))))),
      el('section', {}, newCalendarForm(calendars, link))));
};

/** A unit calendar inherits everything from its base; its own office hours are set on its page. */
function newCalendarForm(calendars: readonly CalendarSummary[], link: (name: string) => string): HTMLElement {
  const name = el('input', { id: 'calendar-name', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]*', placeholder: 'cb-ttpvhcc' });
  const displayName = el('input', { id: 'calendar-display-name', placeholder: 'Trung tâm Phục vụ hành chính công tỉnh' });
  const base = el('select', { id: 'calendar-base' }, calendars.map((c) => el('option', { value: c.name }, c.displayName ?? c.name)));
  const preview = el('div', { id: 'calendar-create-result' });
  const form = el('form', { class: 'card', id: 'calendar-create' },
    el('h2', {}, 'Tạo lịch riêng cho đơn vị'),
    el('p', { class: 'muted small' }, 'Lịch mới kế thừa ngày nghỉ lễ và giờ làm việc của lịch gốc; giờ làm việc riêng đặt sau ở trang của lịch.'),
    el('label', { for: 'calendar-name' }, 'Mã lịch (chữ không dấu, số, dấu chấm, gạch)'), name,
    el('label', { for: 'calendar-display-name' }, 'Tên lịch'), displayName,
    el('label', { for: 'calendar-base' }, 'Kế thừa từ lịch'), base,
    el('button', { type: 'submit', class: 'primary' }, 'Xem trước'),
    preview);
  previewBeforeSaving(form, preview,
    () => {
      const input = { name: name.value.trim(), base: base.value, ...(displayName.value.trim() && { displayName: displayName.value.trim() }) };
      return (dryRun) => api.createCalendar(input, dryRun);
    },
    (result) => { location.hash = link(result.calendar.name); });
  return form;
}

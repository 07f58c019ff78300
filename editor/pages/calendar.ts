/**
 * #/calendars/:name[/:year] — one working calendar for one year: its exceptional days (holidays,
 * make-up days, swapped days with the notice that decided them) and weekly office hours; the form
 * entering the year's official notice and, for a unit calendar, its own office hours. Both
 * changes are previewed before they are saved (modules/calendar-change.ts).
 */
import { CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR, WEEKDAYS, type DayOverride, type NoticeBreak, type TimeRange, type Weekday } from '../../engine/index.ts';
import { api, type CalendarView } from '../api-client.ts';
import { showMessage, type Page } from '../app.ts';
import { el, replace } from '../dom.ts';
import { DAY_KIND_LABELS, WEEKDAY_LABELS, formatDate, formatDateTime, formatHours } from '../labels.ts';
import { previewBeforeSaving } from '../modules/calendar-change.ts';

/**
 * Office hours as the administrator types them, `07:30-11:30, 13:00-17:00` (the en dash that
 * formatHours writes is read too); undefined when the text is not such a list. Whether the
 * ranges are in order is the server's check.
 * @example parseHours('7:30-11:30, 13:00–17:00') // [['07:30', '11:30'], ['13:00', '17:00']]
 */
export function parseHours(text: string): TimeRange[] | undefined {
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  const ranges: TimeRange[] = [];
  for (const part of parts) {
    const match = /^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$/.exec(part);
    if (!match) return undefined;
    ranges.push([`${match[1]!.padStart(2, '0')}:${match[2]}`, `${match[3]!.padStart(2, '0')}:${match[4]}`]);
  }
  return ranges.length > 0 ? ranges : undefined;
}

export const calendarPage: Page = async (root, { params }) => {
  const name = params[0]!;
  const year = params[1] && /^\d{4}$/.test(params[1]) ? Number(params[1]) : undefined;
  const render = (view: CalendarView): void => {
    // After a save the page shows the year again as stored, with the new version to edit against.
    const reload = (): void => { api.calendar(name, view.year).then(render).catch((error: unknown) => showMessage(error)); };
    replace(root,
      header(view),
      el('div', { class: 'two-columns' },
        el('section', {}, daysTable(view), noticeForm(view, reload)),
        el('section', {}, weeklyHoursCard(view), view.base ? weeklyHoursForm(view, reload) : '')));
  };
  render(await api.calendar(name, year));
};

function header(view: CalendarView): HTMLElement[] {
  const yearLink = (y: number): string => `#/calendars/${encodeURIComponent(view.name)}/${y}`;
  const yearInput = el('input', { type: 'number', id: 'calendar-year', min: CALENDAR_MIN_YEAR, max: CALENDAR_MAX_YEAR, value: view.year, 'aria-label': 'Năm' });
  const yearForm = el('form', { class: 'filters', id: 'calendar-year-form' },
    el('a', { href: yearLink(view.year - 1) }, `‹ ${view.year - 1}`), yearInput, el('button', { type: 'submit' }, 'Xem năm'), el('a', { href: yearLink(view.year + 1) }, `${view.year + 1} ›`));
  yearForm.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = yearLink(Number(yearInput.value));
  });
  const notice = view.effectiveNotice;
  return [
    el('div', { class: 'toolbar' }, el('h1', {}, el('a', { href: '#/calendars' }, 'Lịch làm việc'), ' › ', view.displayName ?? view.name, ` — năm ${view.year}`), yearForm),
    el('p', { class: 'muted', id: 'calendar-summary' },
      `Mã lịch ${view.name}, phiên bản ${view.version}`,
      view.lineage.length > 1 ? `, kế thừa ${view.lineage.slice(1).join(' → ')}` : '',
      '. ',
      notice ? `Thông báo năm ${view.year}: ${notice.notice}${notice.issuer ? ` của ${notice.issuer}` : ''}${notice.issuedOn ? ` ngày ${formatDate(notice.issuedOn)}` : ''}.` : `Chưa có thông báo nghỉ lễ năm ${view.year}: ngày lễ được tính theo quy tắc.`,
      view.updatedAt ? ` Cập nhật lúc ${formatDateTime(view.updatedAt)}.` : ''),
  ];
}

function daysTable(view: CalendarView): HTMLElement {
  return el('div', { class: 'card' },
    el('h2', {}, `Các ngày khác thường năm ${view.year}`),
    el('table', { class: 'grid', id: 'calendar-days' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Ngày'), el('th', {}, 'Thứ'), el('th', {}, 'Loại'), el('th', {}, 'Giờ làm việc'), el('th', {}, 'Lý do'), el('th', {}, 'Văn bản'))),
      el('tbody', {}, view.days.map((day) => el('tr', { class: day.working ? 'day-worked' : 'day-off', 'data-date': day.date },
        el('td', {}, formatDate(day.date)),
        el('td', {}, day.weekday),
        el('td', {}, DAY_KIND_LABELS[day.kind]),
        el('td', {}, formatHours(day.hours)),
        el('td', {}, day.reason ?? ''),
        el('td', {}, day.notice ?? ''))))));
}

/** Rows of inputs the administrator adds and removes; `read` gives their values in order. */
interface RowInputs<T> {
  readonly cells: readonly HTMLElement[];
  read(): T;
}

function editableRows<T>(id: string, headers: readonly string[], initial: readonly T[], create: (value?: T) => RowInputs<T>, addLabel: string): { node: HTMLElement; values(): T[] } {
  const rows = new Map<HTMLElement, RowInputs<T>>();
  const body = el('tbody');
  // Adding or removing a row changes the form as typing does: a preview of the old content is dropped.
  const changed = (): void => { body.dispatchEvent(new Event('input', { bubbles: true })); };
  const add = (value?: T): void => {
    const inputs = create(value);
    const row: HTMLElement = el('tr', {}, inputs.cells.map((cell) => el('td', {}, cell)),
      el('td', {}, el('button', { type: 'button', class: 'remove', 'aria-label': 'Xoá dòng', onclick: () => { rows.delete(row); row.remove(); changed(); } }, '×')));
    rows.set(row, inputs);
    body.append(row);
  };
  for (const value of initial) add(value);
  const node = el('div', {},
    el('table', { class: 'grid rows', id },
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)), el('th', {}, ''))),
      body),
    el('button', { type: 'button', id: `${id}-add`, onclick: () => { add(); changed(); } }, addLabel));
  return { node, values: () => [...rows.values()].map((r) => r.read()) };
}

function dayInputs(day?: DayOverride): RowInputs<DayOverride> {
  const date = el('input', { type: 'date', required: true, value: day?.date, 'aria-label': 'Ngày' });
  const working = el('select', { 'aria-label': 'Nghỉ hay làm việc' },
    el('option', { value: 'off', selected: day?.working !== true }, 'Nghỉ'),
    el('option', { value: 'worked', selected: day?.working === true }, 'Làm việc (làm bù)'));
  const reason = el('input', { required: true, value: day?.reason, placeholder: 'Hoán đổi: nghỉ thứ Sáu…', 'aria-label': 'Lý do' });
  const notice = el('input', { value: day?.notice, placeholder: 'như số văn bản', 'aria-label': 'Văn bản' });
  return {
    cells: [date, working, reason, notice],
    read: () => {
      const isWorking = working.value === 'worked';
      return {
        date: date.value,
        working: isWorking,
        reason: reason.value.trim(),
        ...(notice.value.trim() && { notice: notice.value.trim() }),
        // Hours set in the stored notice are kept; a day entered here works a full day.
        ...(isWorking && day?.hours && { hours: day.hours }),
      };
    },
  };
}

function breakInputs(period?: NoticeBreak): RowInputs<NoticeBreak> {
  const from = el('input', { type: 'date', required: true, value: period?.from, 'aria-label': 'Từ ngày' });
  const to = el('input', { type: 'date', required: true, value: period?.to, 'aria-label': 'Đến hết ngày' });
  const reason = el('input', { required: true, value: period?.reason, placeholder: 'Đợt nghỉ Tết Nguyên đán…', 'aria-label': 'Lý do' });
  const notice = el('input', { value: period?.notice, placeholder: 'như số văn bản', 'aria-label': 'Văn bản' });
  return {
    cells: [from, to, reason, notice],
    read: () => ({ from: from.value, to: to.value, reason: reason.value.trim(), ...(notice.value.trim() && { notice: notice.value.trim() }) }),
  };
}

/**
 * This calendar's own notice for the year, replaced whole on save. The holiday dates a notice
 * fixes and its source are kept as stored: they come from the national notice, not from this form.
 */
function noticeForm(view: CalendarView, saved: () => void): HTMLElement {
  const own = view.notice;
  const number = el('input', { id: 'notice-number', required: true, value: own?.notice, placeholder: '9441/TB-BNV' });
  const issuer = el('input', { id: 'notice-issuer', value: own?.issuer, placeholder: 'Bộ Nội vụ' });
  const issuedOn = el('input', { id: 'notice-issued-on', type: 'date', value: own?.issuedOn });
  const days = editableRows('notice-days', ['Ngày', 'Nghỉ / làm việc', 'Lý do', 'Văn bản'], own?.days ?? [], dayInputs, 'Thêm ngày');
  const breaks = editableRows('notice-breaks', ['Từ ngày', 'Đến hết ngày', 'Lý do', 'Văn bản'], own?.breaks ?? [], breakInputs, 'Thêm đợt nghỉ');
  const ruleName = (key: string): string => view.holidayRules.find((r) => r.key === key)?.name ?? key;
  const fixedHolidays = Object.entries(own?.holidays ?? {});
  const preview = el('div', { id: 'notice-preview' });
  const form = el('form', { class: 'card', id: 'notice-form' },
    el('h2', {}, `Thông báo nghỉ lễ năm ${view.year} của lịch này`),
    el('p', { class: 'muted small' },
      'Nhập theo văn bản: ngày nghỉ hoán đổi, ngày làm bù, các đợt nghỉ. Khi lưu, thông báo này thay cho thông báo năm ', String(view.year),
      ' đã có của lịch, và hạn xử lý của các hồ sơ đang mở được tính lại.',
      !own && view.effectiveNotice ? ` Lịch đang theo thông báo ${view.effectiveNotice.notice} của lịch gốc; các ngày nhập ở đây áp dụng thêm.` : ''),
    el('label', { for: 'notice-number' }, 'Số văn bản'), number,
    el('label', { for: 'notice-issuer' }, 'Cơ quan ban hành'), issuer,
    el('label', { for: 'notice-issued-on' }, 'Ngày ban hành'), issuedOn,
    el('h3', {}, 'Ngày nghỉ, ngày làm bù'), days.node,
    el('h3', {}, 'Đợt nghỉ (tính cả thứ Bảy, Chủ nhật)'), breaks.node,
    fixedHolidays.length > 0
      ? el('p', { class: 'muted small', id: 'notice-holidays' }, 'Ngày lễ văn bản ấn định (giữ nguyên): ',
        fixedHolidays.map(([key, dates]) => `${ruleName(key)}: ${dates.map(formatDate).join(', ')}`).join('; '), '.')
      : '',
    el('button', { type: 'submit', class: 'primary' }, 'Xem trước thay đổi'),
    preview);
  previewBeforeSaving(form, preview,
    () => {
      const notice = {
        notice: number.value.trim(),
        ...(issuer.value.trim() && { issuer: issuer.value.trim() }),
        ...(issuedOn.value && { issuedOn: issuedOn.value }),
        ...(own?.source && { source: own.source }),
        ...(own?.holidays && { holidays: own.holidays }),
        days: days.values(),
        breaks: breaks.values(),
      };
      return (dryRun) => api.setYearNotice(view.name, view.year, notice, view.version, dryRun);
    },
    saved);
  return form;
}

function weeklyHoursCard(view: CalendarView): HTMLElement {
  return el('div', { class: 'card' },
    el('h2', {}, 'Giờ làm việc trong tuần'),
    el('table', { class: 'grid', id: 'weekly-hours' },
      el('tbody', {}, WEEKDAYS.map((d) => el('tr', { 'data-weekday': d }, el('th', {}, WEEKDAY_LABELS[d]), el('td', {}, formatHours(view.weeklyHours[d])))))));
}

/** Per weekday: the base calendar's hours (not sent), hours of its own, or a day off. */
function weeklyHoursForm(view: CalendarView, saved: () => void): HTMLElement {
  const own = view.spec.weeklyHours ?? {};
  const rows = WEEKDAYS.map((d) => {
    const set = own[d];
    const mode = el('select', { id: `weekly-${d}-mode`, 'aria-label': `${WEEKDAY_LABELS[d]}: theo lịch gốc, giờ riêng hay nghỉ` },
      el('option', { value: 'base', selected: set === undefined }, 'Như lịch gốc'),
      el('option', { value: 'own', selected: set !== undefined && set.length > 0 }, 'Giờ riêng'),
      el('option', { value: 'off', selected: set !== undefined && set.length === 0 }, 'Nghỉ'));
    // Starts from the hours in force, so choosing "Giờ riêng" begins with something to adjust.
    const shown = set && set.length > 0 ? set : view.weeklyHours[d] ?? [];
    const hours = el('input', { id: `weekly-${d}-hours`, value: shown.length > 0 ? formatHours(shown) : '', placeholder: '07:30-11:30, 13:00-17:00', disabled: mode.value !== 'own', 'aria-label': `Giờ làm việc ${WEEKDAY_LABELS[d]}` });
    mode.addEventListener('change', () => { hours.disabled = mode.value !== 'own'; });
    return { weekday: d, mode, hours };
  });
  const preview = el('div', { id: 'weekly-preview' });
  const form = el('form', { class: 'card', id: 'weekly-form' },
    el('h2', {}, 'Giờ làm việc riêng của lịch'),
    el('table', { class: 'grid rows' }, el('tbody', {}, rows.map((r) => el('tr', {}, el('th', {}, WEEKDAY_LABELS[r.weekday]), el('td', {}, r.mode), el('td', {}, r.hours))))),
    el('button', { type: 'submit', class: 'primary' }, 'Xem trước thay đổi'),
    preview);
  previewBeforeSaving(form, preview,
    () => {
      const weeklyHours: Partial<Record<Weekday, readonly TimeRange[]>> = {};
      for (const r of rows) {
        if (r.mode.value === 'off') weeklyHours[r.weekday] = [];
        if (r.mode.value !== 'own') continue;
        const ranges = parseHours(r.hours.value);
        if (!ranges) throw new Error(`Giờ làm việc ${WEEKDAY_LABELS[r.weekday]} cần có dạng 07:30-11:30, 13:00-17:00.`);
        weeklyHours[r.weekday] = ranges;
      }
      return (dryRun) => api.setWeeklyHours(view.name, weeklyHours, view.version, dryRun);
    },
    saved);
  return form;
}

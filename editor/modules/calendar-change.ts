/**
 * Every change of a working calendar goes the same way: the request is first sent with
 * `?dryRun=true` and its answer shown (the days that change, the open dossiers whose due dates
 * would move), then the administrator confirms and the same request is sent for real. A change
 * moves appointments already promised to applicants, so it is never saved unseen.
 */
import { WEEKDAYS, type WeeklyHours } from '../../engine/index.ts';
import type { CalendarChangeResult, DayDiff } from '../api-client.ts';
import { onSubmit, problemNote, showMessage } from '../app.ts';
import { diagnosticTitle } from '../diagnostic-titles.ts';
import { el, replace } from '../dom.ts';
import { WEEKDAY_LABELS, formatDate, formatDateTime, formatHours } from '../labels.ts';

/** Sends one change, as a preview (`dryRun`) or for real. */
export type CalendarChange = (dryRun: boolean) => Promise<CalendarChangeResult>;

/**
 * Submitting `form` previews the change that `read` builds from it in `host`; confirming saves
 * exactly what was previewed. Editing the form drops the preview, which no longer describes it.
 * `read` throws a Vietnamese message when the form cannot make a request.
 */
export function previewBeforeSaving(form: HTMLFormElement, host: HTMLElement, read: () => CalendarChange, saved: (result: CalendarChangeResult) => void): void {
  form.addEventListener('input', () => replace(host));
  onSubmit(form, async () => {
    replace(host);
    const change = read();
    const preview = await change(true);
    replace(host, previewOf(preview, () => save(change)));
  }, (error) => replace(host, problemNote(error)));

  const save = (change: CalendarChange): void => {
    for (const button of host.querySelectorAll('button')) button.disabled = true;
    change(false)
      .then((result) => {
        replace(host);
        showMessage(`Đã lưu lịch ${result.calendar.name} (phiên bản ${result.calendar.version}); ${result.recomputed.count} hồ sơ đang mở được tính lại hạn.`, 'info');
        saved(result);
      })
      .catch((error: unknown) => replace(host, problemNote(error)));
  };
}

function previewOf(preview: CalendarChangeResult, confirm: () => void): HTMLElement {
  const { count, cases } = preview.recomputed;
  return el('div', { class: 'preview', id: 'calendar-preview' },
    el('h3', {}, 'Xem trước (chưa lưu)'),
    'added' in preview.diff ? dayChanges(preview.diff) : weeklyChanges(preview.diff.weeklyHours),
    el('p', { id: 'preview-cases' }, count === 0
      ? 'Không hồ sơ đang mở nào phải tính lại hạn.'
      : `${count} hồ sơ đang mở sẽ được tính lại hạn xử lý${count > cases.length ? ` (liệt kê ${cases.length} hồ sơ đầu)` : ''}:`),
    cases.length > 0
      ? el('table', { class: 'grid' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Mã hồ sơ'), el('th', {}, 'Hẹn trả hiện nay'), el('th', {}, 'Hẹn trả mới'), el('th', {}, 'Số bước đổi hạn'))),
        el('tbody', {}, cases.map((c) => el('tr', {},
          el('td', {}, el('a', { href: `#/cases/${encodeURIComponent(c.caseId)}` }, c.code)),
          el('td', {}, formatDateTime(c.previousAppointmentAt)),
          el('td', {}, formatDateTime(c.appointmentAt)),
          el('td', {}, String(c.steps))))))
      : '',
    preview.diagnostics.length > 0
      ? el('ul', { class: 'warnings' }, preview.diagnostics.map((d) => el('li', {}, diagnosticTitle(d.code) ? el('strong', {}, diagnosticTitle(d.code), '. ') : '', d.message)))
      : '',
    el('div', { class: 'buttons' },
      el('button', { type: 'button', class: 'primary', id: 'calendar-confirm', onclick: confirm }, 'Xác nhận lưu')));
}

function dayChanges(diff: DayDiff): HTMLElement {
  const groups = [['Thêm', diff.added], ['Bỏ', diff.removed], ['Sửa', diff.changed]] as const;
  const rows = groups.flatMap(([label, days]) => days.map((day) => el('li', { 'data-date': day.date },
    el('strong', {}, `${label} ${formatDate(day.date)}`), ` — ${day.working ? 'làm việc' : 'nghỉ'}`,
    day.reason ? `: ${day.reason}` : '', day.notice ? ` (${day.notice})` : '')));
  return rows.length > 0 ? el('ul', { id: 'preview-days' }, rows) : el('p', { id: 'preview-days' }, 'Không ngày nào thay đổi.');
}

function weeklyChanges({ before, after }: { readonly before: WeeklyHours; readonly after: WeeklyHours }): HTMLElement {
  const changed = WEEKDAYS.filter((d) => formatHours(before[d]) !== formatHours(after[d]));
  return changed.length > 0
    ? el('ul', { id: 'preview-days' }, changed.map((d) => el('li', {}, el('strong', {}, WEEKDAY_LABELS[d]), `: ${formatHours(before[d])} → ${formatHours(after[d])}`)))
    : el('p', { id: 'preview-days' }, 'Giờ làm việc không thay đổi.');
}

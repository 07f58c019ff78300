/**
 * Formatting for printed forms: HTML escaping (every value that came from a user goes through
 * `esc`) and Vietnamese date/time wording in the office zone.
 */
import { DateTime } from 'luxon';

const ZONE = 'Asia/Ho_Chi_Minh';

/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value).replace(/[&<>"'`]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c]!);
}

function local(iso: string): DateTime {
  return DateTime.fromISO(iso, { setZone: true }).setZone(ZONE);
}

/** Forms leave blanks as dotted lines for handwriting when a value is unknown. */
export const BLANK = '…………';

/** @example timeAndDate('2026-03-02T01:05:00Z') // '08 giờ 05 phút, ngày 02 tháng 03 năm 2026' */
export function timeAndDate(iso: string | null | undefined): string {
  if (!iso) return `…giờ…phút, ngày…tháng…năm…`;
  const d = local(iso);
  return `${d.toFormat('HH')} giờ ${d.toFormat('mm')} phút, ngày ${d.toFormat('dd')} tháng ${d.toFormat('MM')} năm ${d.toFormat('yyyy')}`;
}

/** @example dateWords('2026-03-02T01:05:00Z') // 'ngày 02 tháng 03 năm 2026' */
export function dateWords(iso: string | null | undefined): string {
  if (!iso) return 'ngày…tháng…năm…';
  const d = local(iso);
  return `ngày ${d.toFormat('dd')} tháng ${d.toFormat('MM')} năm ${d.toFormat('yyyy')}`;
}

/** The control slip's short form: `08 giờ 05 phút, ngày 02/03/2026`. */
export function timeAndShortDate(iso: string | null | undefined): string {
  if (!iso) return '…giờ…phút, ngày…/…/…';
  const d = local(iso);
  return `${d.toFormat('HH')} giờ ${d.toFormat('mm')} phút, ngày ${d.toFormat('dd/MM/yyyy')}`;
}

const UNIT_WORDS: Record<string, string> = { workingDays: 'ngày làm việc', workingHours: 'giờ làm việc', calendarDays: 'ngày' };

/** @example normWords({ amount: 10, unit: 'workingDays' }) // '10 ngày làm việc' */
export function normWords(norm: { amount: number; unit: string } | undefined): string {
  if (!norm) return BLANK;
  return `${String(norm.amount).replace('.', ',')} ${UNIT_WORDS[norm.unit] ?? norm.unit}`;
}

export const TIMELINESS_WORDS: Record<string, string> = { early: 'Trước hạn', onTime: 'Đúng hạn', late: 'Quá hạn', withinDeadline: 'Trong hạn', overdue: 'Quá hạn' };

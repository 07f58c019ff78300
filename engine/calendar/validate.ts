/**
 * Checks a calendar before it is stored: an admin edits a year's notice as JSON, and a mistake
 * must be reported when it is saved, not when a deadline first falls in that year.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { DiagnosticCollector } from '../diagnostics.ts';
import { isEngineError } from '../errors.ts';
import { createCalendar } from './calendar.ts';
import { BUILTIN_CALENDARS } from './data/vietnam.ts';
import { MAX_YEAR, MIN_YEAR, civilOf, parseHhMm, parseIsoDate } from './days.ts';
import { WEEKDAYS, resolveCalendarSpec } from './spec.ts';
import type { CalendarResolver, CalendarSpec, DayOverride, TimeRange } from './spec.ts';

function checkRanges(out: DiagnosticCollector, ranges: unknown, where: string): void {
  if (!Array.isArray(ranges)) {
    out.error('CALENDAR_HOURS', `${where}: office hours must be a list of ["HH:mm", "HH:mm"] pairs.`);
    return;
  }
  let previousEnd = -1;
  for (const range of ranges as TimeRange[]) {
    const from = Array.isArray(range) && typeof range[0] === 'string' ? parseHhMm(range[0]) : undefined;
    const to = Array.isArray(range) && typeof range[1] === 'string' ? parseHhMm(range[1]) : undefined;
    if (from === undefined || to === undefined || from >= to) {
      out.error('CALENDAR_HOURS', `${where}: ${JSON.stringify(range)} is not a time range. Try ["07:30", "11:30"].`);
      return;
    }
    if (from < previousEnd) out.error('CALENDAR_HOURS', `${where}: office hours overlap or are out of order. Try separate, ordered ranges.`);
    previousEnd = to;
  }
}

function checkDays(out: DiagnosticCollector, days: readonly DayOverride[] | undefined, where: string, year?: number): void {
  if (days === undefined) return;
  if (!Array.isArray(days)) {
    out.error('CALENDAR_DAY', `${where}: "days" must be a list.`);
    return;
  }
  const seen = new Set<string>();
  for (const day of days) {
    const epochDay = typeof day?.date === 'string' ? parseIsoDate(day.date) : undefined;
    if (epochDay === undefined) {
      out.error('CALENDAR_DAY', `${where}: day ${JSON.stringify(day?.date)} is not a date. Try YYYY-MM-DD.`);
      continue;
    }
    if (typeof day.working !== 'boolean') out.error('CALENDAR_DAY', `${where}: day ${day.date} needs "working": true or false.`);
    if (typeof day.reason !== 'string' || day.reason.trim() === '') out.error('CALENDAR_DAY', `${where}: day ${day.date} needs a "reason" (shown to officers and on slips).`);
    if (day.hours !== undefined) checkRanges(out, day.hours, `${where} ${day.date}`);
    if (year !== undefined && civilOf(epochDay).year !== year) out.warning('CALENDAR_DAY_YEAR', `${where}: day ${day.date} is not in ${year}. Try moving it to the notice of its own year.`);
    if (seen.has(day.date)) out.warning('CALENDAR_DAY_DUPLICATE', `${where}: day ${day.date} is listed twice; the last entry wins.`);
    seen.add(day.date);
  }
}

/**
 * Diagnostics for a calendar: shape, dates, office hours, holiday rules, notices, inheritance, and
 * a trial build of every year a notice covers. Empty when the calendar can be stored.
 *
 * @example validateCalendarSpec({ id: 'x', base: 'vn-civil-service', days: [{ date: '2026-02-30', working: false, reason: 'r' }] })
 * // [{ code: 'CALENDAR_DAY', severity: 'error', … }]
 */
export function validateCalendarSpec(spec: CalendarSpec, resolve: CalendarResolver = (id) => BUILTIN_CALENDARS[id]): Diagnostic[] {
  const out = new DiagnosticCollector();
  if (typeof spec !== 'object' || spec === null) return [{ code: 'CALENDAR_SHAPE', severity: 'error', message: 'A calendar is a JSON object with at least an "id".' }];
  if (typeof spec.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(spec.id)) out.error('CALENDAR_SHAPE', `Calendar id ${JSON.stringify(spec.id)} must be letters, digits, ".", "_" or "-".`);
  for (const [weekday, ranges] of Object.entries(spec.weeklyHours ?? {})) {
    if (!(WEEKDAYS as readonly string[]).includes(weekday)) out.error('CALENDAR_HOURS', `weeklyHours has "${weekday}". Try one of ${WEEKDAYS.join(', ')}.`);
    else checkRanges(out, ranges, `weeklyHours.${weekday}`);
  }
  for (const [index, season] of (spec.seasons ?? []).entries()) {
    const where = `seasons[${index}]`;
    for (const end of [season?.from, season?.to]) {
      if (typeof end !== 'string' || !/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(end)) out.error('CALENDAR_SEASON', `${where}: ${JSON.stringify(end)} is not MM-DD. Try e.g. "04-15".`);
    }
    for (const [weekday, ranges] of Object.entries(season?.weeklyHours ?? {})) {
      if (!(WEEKDAYS as readonly string[]).includes(weekday)) out.error('CALENDAR_HOURS', `${where}.weeklyHours has "${weekday}". Try one of ${WEEKDAYS.join(', ')}.`);
      else checkRanges(out, ranges, `${where}.weeklyHours.${weekday}`);
    }
  }
  for (const rule of spec.holidays?.rules ?? []) {
    const anchors = [rule.solar, rule.lunar].filter((a) => a !== undefined);
    if (anchors.length !== 1 || !/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(String(anchors[0]))) out.error('CALENDAR_HOLIDAY', `Holiday rule "${rule.key}" needs exactly one of "solar" or "lunar" as MM-DD.`, { elementId: rule.key });
    for (const span of [rule.daysBefore, rule.daysAfter]) {
      if (span !== undefined && (!Number.isInteger(span) || span < 0 || span > 10)) out.error('CALENDAR_HOLIDAY', `Holiday rule "${rule.key}" has a span of ${span} days. Try a whole number from 0 to 10.`, { elementId: rule.key });
    }
  }
  checkDays(out, spec.days, 'days');
  const years = new Set<number>();
  for (const notice of spec.notices ?? []) {
    const where = `notice ${notice.notice ?? '(no number)'}`;
    if (!Number.isInteger(notice.year) || notice.year < MIN_YEAR || notice.year > MAX_YEAR) {
      out.error('CALENDAR_NOTICE', `${where}: year ${notice.year} is outside ${MIN_YEAR}–${MAX_YEAR}.`);
      continue;
    }
    if (typeof notice.notice !== 'string' || notice.notice.trim() === '') out.error('CALENDAR_NOTICE', `${where} for ${notice.year} needs its document number in "notice" (e.g. 9441/TB-BNV).`);
    if (years.has(notice.year)) out.warning('CALENDAR_NOTICE_DUPLICATE', `${where}: ${notice.year} has two notices; they are merged, the later entries win.`);
    years.add(notice.year);
    for (const [key, dates] of Object.entries(notice.holidays ?? {})) {
      checkDays(out, (Array.isArray(dates) ? dates : []).map((date) => ({ date, working: false, reason: key })), `${where} holidays.${key}`, notice.year);
    }
    checkDays(out, notice.days, where, notice.year);
    for (const period of notice.breaks ?? []) {
      const from = typeof period?.from === 'string' ? parseIsoDate(period.from) : undefined;
      const to = typeof period?.to === 'string' ? parseIsoDate(period.to) : undefined;
      if (from === undefined || to === undefined || to < from || to - from > 31) out.error('CALENDAR_BREAK', `${where}: break ${JSON.stringify(period?.from)}–${JSON.stringify(period?.to)} is not a period of at most a month. Try two YYYY-MM-DD dates in order.`);
      else if (civilOf(from).year !== notice.year && civilOf(to).year !== notice.year) out.warning('CALENDAR_DAY_YEAR', `${where}: break ${period.from}–${period.to} is not in ${notice.year}.`);
    }
  }
  if (out.items.some((d) => d.severity === 'error')) return out.items;

  try {
    const resolved = resolveCalendarSpec(spec, resolve);
    if (WEEKDAYS.every((d) => (resolved.weeklyHours[d] ?? []).length === 0)) out.error('CALENDAR_HOURS', 'The calendar has no office hours on any weekday. Try e.g. "mon": [["07:30", "11:30"], ["13:00", "17:00"]].');
    const keys = new Set(resolved.holidays.rules.map((r) => r.key));
    for (const notice of spec.notices ?? []) {
      for (const key of Object.keys(notice.holidays ?? {})) {
        if (!keys.has(key)) out.warning('CALENDAR_NOTICE_KEY', `Notice ${notice.notice} sets days for "${key}", which no holiday rule has; they are ignored. Try one of ${[...keys].join(', ')}.`, { elementId: key });
      }
    }
    if (out.items.some((d) => d.severity === 'error')) return out.items;
    const calendar = createCalendar(spec, resolve);
    for (const year of new Set([...resolved.notices.map((n) => n.year), ...resolved.days.map((d) => Number(d.date.slice(0, 4)))])) {
      calendar.exceptionalDays(year);
    }
  } catch (cause) {
    if (!isEngineError(cause)) throw cause;
    out.error('CALENDAR_INVALID', cause.message);
  }
  return out.items;
}

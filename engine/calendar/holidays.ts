/**
 * Statutory holidays of one Gregorian year from the rules (solar and lunar anchors, spans,
 * make-up days), with a yearly notice's exact dates taking precedence per holiday key.
 */
import { DeadlineCalendarError } from '../errors.ts';
import { civilOf, epochDayOf, isoDateOf, isoWeekdayOf, parseIsoDate } from './days.ts';
import { lunarOfEpochDay, lunarToEpochDay } from './lunar.ts';
import { WEEKDAYS } from './spec.ts';
import type { HolidayRule, HolidayRules, YearNotice } from './spec.ts';

/** A generated day off. */
export interface HolidayDay {
  readonly epochDay: number;
  readonly key: string;
  readonly kind: 'holiday' | 'makeUp';
  /** Vietnamese reason, e.g. "Tết Nguyên đán (29 tháng Chạp)" or "Nghỉ bù Giỗ Tổ Hùng Vương (26/04 là Chủ nhật)". */
  readonly reason: string;
  readonly notice?: string;
  readonly basis: string;
}

const WEEKDAY_NAMES = ['thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy', 'Chủ nhật'];
const LUNAR_MONTH_NAMES = ['Giêng', 'Hai', 'Ba', 'Tư', 'Năm', 'Sáu', 'Bảy', 'Tám', 'Chín', 'Mười', 'Một', 'Chạp'];

/** Vietnamese name of an epoch day's weekday ("thứ Hai" … "Chủ nhật"). */
export function weekdayName(epochDay: number): string {
  return WEEKDAY_NAMES[isoWeekdayOf(epochDay) - 1]!;
}

function dayMonth(epochDay: number): string {
  const { month, day } = civilOf(epochDay);
  return `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}`;
}

function lunarLabel(epochDay: number): string {
  const lunar = lunarOfEpochDay(epochDay);
  const day = lunar.day <= 10 ? `mùng ${lunar.day}` : String(lunar.day);
  return `${day} tháng ${LUNAR_MONTH_NAMES[lunar.month - 1]}${lunar.leap ? ' nhuận' : ''} âm lịch`;
}

function parseMonthDay(text: string, rule: HolidayRule): [number, number] {
  const m = /^(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new DeadlineCalendarError(`Holiday rule "${rule.key}" has date "${text}". Try the form MM-DD.`);
  return [Number(m[1]), Number(m[2])];
}

/** Days (epoch) that a rule yields in a Gregorian year, before make-up. */
function ruleDays(rule: HolidayRule, year: number): number[] {
  if ((rule.fromYear !== undefined && year < rule.fromYear) || (rule.toYear !== undefined && year > rule.toYear)) return [];
  const anchors: number[] = [];
  if (rule.solar !== undefined) {
    const [month, day] = parseMonthDay(rule.solar, rule);
    anchors.push(epochDayOf(year, month, day));
  } else if (rule.lunar !== undefined) {
    const [month, day] = parseMonthDay(rule.lunar, rule);
    // A lunar date of lunar year y can fall in Gregorian y or y + 1 (months 11–12).
    for (const lunarYear of [year - 1, year]) {
      const anchor = lunarToEpochDay(lunarYear, month, day);
      if (anchor !== undefined) anchors.push(anchor);
    }
  } else {
    throw new DeadlineCalendarError(`Holiday rule "${rule.key}" has neither "solar" nor "lunar". Try adding one.`);
  }
  const days: number[] = [];
  for (const anchor of anchors) {
    for (let d = anchor - (rule.daysBefore ?? 0); d <= anchor + (rule.daysAfter ?? 0); d += 1) {
      if (civilOf(d).year === year) days.push(d);
    }
  }
  return days;
}

/**
 * Every statutory day off of a Gregorian year, by epoch day.
 *
 * A notice that lists exact dates for a key replaces that key's generated dates and make-up days
 * (the notice already decided them). For the other keys, each day that falls on a weekly rest day
 * is made up on the next day that is neither a rest day, a holiday, a notice's day off nor
 * already a make-up day, in date order — so Tết's weekend days are made up after the whole break.
 */
export function holidaysOfYear(year: number, rules: HolidayRules, notice: YearNotice | undefined): Map<number, HolidayDay> {
  const restWeekdays = new Set(rules.restDays.map((d) => WEEKDAYS.indexOf(d) + 1));
  const isRest = (epochDay: number): boolean => restWeekdays.has(isoWeekdayOf(epochDay));
  const result = new Map<number, HolidayDay>();
  const noticeDaysOff = new Set((notice?.days ?? []).filter((d) => !d.working).map((d) => parseIsoDate(d.date)));
  const toMakeUp: { epochDay: number; rule: HolidayRule }[] = [];

  for (const rule of rules.rules) {
    const fixed = notice?.holidays?.[rule.key];
    if (fixed) {
      for (const date of fixed) {
        const epochDay = parseIsoDate(date);
        if (epochDay === undefined) throw new DeadlineCalendarError(`Notice ${notice?.notice} lists "${date}" for ${rule.key}. Try the form YYYY-MM-DD.`);
        result.set(epochDay, { epochDay, key: rule.key, kind: 'holiday', reason: describe(rule, epochDay), notice: notice!.notice, basis: rule.basis });
      }
      continue;
    }
    for (const epochDay of ruleDays(rule, year)) {
      result.set(epochDay, { epochDay, key: rule.key, kind: 'holiday', reason: describe(rule, epochDay), basis: rule.basis });
      if (rule.makeUp !== false && isRest(epochDay)) toMakeUp.push({ epochDay, rule });
    }
  }

  toMakeUp.sort((a, b) => a.epochDay - b.epochDay);
  for (const { epochDay, rule } of toMakeUp) {
    let candidate = epochDay + 1;
    while (isRest(candidate) || result.has(candidate) || noticeDaysOff.has(candidate)) candidate += 1;
    result.set(candidate, {
      epochDay: candidate,
      key: rule.key,
      kind: 'makeUp',
      reason: `Nghỉ bù ${rule.name} (${dayMonth(epochDay)} là ${weekdayName(epochDay)})`,
      basis: `${rule.basis}; nghỉ bù: [C] BLLĐ 45/2019/QH14 Đ.111(3)`,
    });
  }
  return result;
}

function describe(rule: HolidayRule, epochDay: number): string {
  if (rule.lunar !== undefined) return `${rule.name} (${lunarLabel(epochDay)})`;
  return rule.key === 'nationalDay' && !isoDateOf(epochDay).endsWith('09-02') ? `${rule.name} (ngày liền kề 02/9)` : rule.name;
}

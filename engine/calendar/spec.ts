/**
 * A working calendar as plain JSON data: the server stores it in the database, an admin edits a
 * year's notice, and the engine turns it into fast day tables (see calendar.ts).
 */
import { DeadlineCalendarError } from '../errors.ts';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
/** ISO weekday order: index 0 = Monday. */
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** A span of office hours in local time, `['07:30', '11:30']`; the end is exclusive. */
export type TimeRange = readonly [from: string, to: string];

export type WeeklyHours = Readonly<Partial<Record<Weekday, readonly TimeRange[]>>>;

/**
 * Office hours for part of every year (provinces with summer and winter hours), e.g.
 * `{ from: '04-15', to: '10-14', weeklyHours: { mon: [['07:00', '11:30'], ['13:30', '17:00']], … } }`.
 * `from`/`to` are `MM-DD`, both included; a season may wrap over the new year (`11-01` … `02-28`).
 * Weekdays it names replace the calendar's weekly hours inside the season.
 */
export interface Season {
  readonly name?: string;
  readonly from: string;
  readonly to: string;
  readonly weeklyHours: WeeklyHours;
}

/** One statutory holiday rule; a year's dates are generated from it unless a notice sets them. */
export interface HolidayRule {
  /** Stable key a yearly notice refers to, e.g. `tet`, `nationalDay`. */
  readonly key: string;
  /** Vietnamese name shown as the reason of the day off. */
  readonly name: string;
  /** Gregorian anchor date `MM-DD`. Exactly one of `solar` and `lunar` is set. */
  readonly solar?: string;
  /** Lunar anchor date `MM-DD` on the Vietnamese calendar (UTC+7), non-leap month. */
  readonly lunar?: string;
  /** Extra consecutive days off before the anchor (Tết: 1 = the last day of the old lunar year). */
  readonly daysBefore?: number;
  /** Extra consecutive days off after the anchor (Tết: 3 = mùng 2 to mùng 4). */
  readonly daysAfter?: number;
  /** Whether a day of this holiday falling on a weekly rest day is made up on the next working day (Labour Code Art. 111(3)); default true. */
  readonly makeUp?: boolean;
  readonly fromYear?: number;
  readonly toYear?: number;
  /** Legal basis and how sure we are ([C] confirmed, [S] secondary, [I] inferred; see shared/docs/domain.md). */
  readonly basis: string;
}

export interface HolidayRules {
  /** Weekly rest days a holiday must fall on to be made up (the civil service: Saturday and Sunday). */
  readonly restDays: readonly Weekday[];
  readonly rules: readonly HolidayRule[];
}

/** A single day set explicitly: a swap in a notice, or a unit's own exception. */
export interface DayOverride {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly working: boolean;
  /** Office hours when working. Default: a full day (the first working weekday's hours, Monday's) for a notice's day; the weekday's own hours, else a full day, for a unit's day. */
  readonly hours?: readonly TimeRange[];
  readonly reason: string;
  /** The document that decided it, if any. */
  readonly notice?: string;
}

/** A year's official notice (e.g. Thông báo 9441/TB-BNV for 2026): exact holiday dates and swaps. */
export interface YearNotice {
  readonly year: number;
  /** Document number, e.g. `9441/TB-BNV`. */
  readonly notice: string;
  readonly issuer?: string;
  /** `YYYY-MM-DD`. */
  readonly issuedOn?: string;
  /** Where the text was read, with its evidence label. */
  readonly source?: string;
  /** Exact days off per holiday key; replaces the dates (and make-up days) generated for that key. */
  readonly holidays?: Readonly<Record<string, readonly string[]>>;
  /** Swapped days: a weekday off, a Saturday worked. */
  readonly days?: readonly DayOverride[];
  /**
   * The announced break periods, weekends included ("nghỉ từ thứ Bảy 14/02 đến hết Chủ nhật
   * 22/02"): every day inside is off, also for a unit that normally works on Saturdays.
   */
  readonly breaks?: readonly NoticeBreak[];
}

/** A continuous break announced by a notice, both ends included. */
export interface NoticeBreak {
  /** `YYYY-MM-DD`. */
  readonly from: string;
  /** `YYYY-MM-DD`, included. */
  readonly to: string;
  readonly reason: string;
  /** The document that announced it, when not the notice itself. */
  readonly notice?: string;
}

/**
 * A working calendar. The zone is always Asia/Ho_Chi_Minh (UTC+7).
 *
 * @example
 * const desk: CalendarSpec = { id: 'desk-sat', base: 'vn-civil-service', weeklyHours: { sat: [['07:30', '11:30']] } };
 */
export interface CalendarSpec {
  /** Stable name, used by procedures (`qt:calendar`) and the CLI `--calendar`. */
  readonly id: string;
  readonly name?: string;
  /** Bumped on every edit; due instants computed with an older version are recomputed. */
  readonly version?: number;
  /** Inherit everything from this calendar; fields given here override or extend it. */
  readonly base?: string;
  /** Weekday → office hours; a weekday absent or empty is a rest day. Merged per weekday over the base. */
  readonly weeklyHours?: WeeklyHours;
  /** Seasonal office hours; replaces the base's seasons when given. */
  readonly seasons?: readonly Season[];
  /** Replaces the base's rules when given. */
  readonly holidays?: HolidayRules;
  /** Yearly notices; merged per year over the base's (this calendar's entries win per key and date). */
  readonly notices?: readonly YearNotice[];
  /** The unit's own exceptions; they win over notices and holidays. */
  readonly days?: readonly DayOverride[];
}

/** A spec with its inheritance applied: no `base`, every field present. */
export interface ResolvedCalendarSpec {
  readonly id: string;
  readonly name?: string;
  readonly version: number;
  /** The chain of calendars it was built from, most specific first. */
  readonly lineage: readonly string[];
  readonly weeklyHours: WeeklyHours;
  readonly seasons: readonly Season[];
  readonly holidays: HolidayRules;
  readonly notices: readonly YearNotice[];
  readonly days: readonly DayOverride[];
}

/** Looks a calendar up by id (the built-in ones, or the server's table). */
export type CalendarResolver = (id: string) => CalendarSpec | undefined;

function mergeNotices(base: readonly YearNotice[], own: readonly YearNotice[]): YearNotice[] {
  const byYear = new Map<number, YearNotice>();
  for (const notice of [...base, ...own]) {
    const previous = byYear.get(notice.year);
    if (!previous) {
      byYear.set(notice.year, notice);
      continue;
    }
    const days = new Map<string, DayOverride>();
    for (const day of [...(previous.days ?? []), ...(notice.days ?? [])]) days.set(day.date, day);
    byYear.set(notice.year, { ...previous, ...notice, holidays: { ...previous.holidays, ...notice.holidays }, days: [...days.values()], breaks: [...(previous.breaks ?? []), ...(notice.breaks ?? [])] });
  }
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}

/**
 * Applies `base` inheritance: weekly hours merge per weekday, holiday rules are replaced, notices
 * merge per year, unit days are appended (the more specific calendar wins per date).
 * Throws {@link DeadlineCalendarError} on an unknown base or an inheritance cycle.
 */
export function resolveCalendarSpec(spec: CalendarSpec, resolve: CalendarResolver, seen: readonly string[] = []): ResolvedCalendarSpec {
  if (seen.includes(spec.id)) throw new DeadlineCalendarError(`Calendar inheritance cycle: ${[...seen, spec.id].join(' → ')}. Try removing one "base".`);
  if (!spec.base) {
    if (!spec.holidays) throw new DeadlineCalendarError(`Calendar "${spec.id}" has no base and no holiday rules. Try "base": "vn-civil-service".`);
    return {
      id: spec.id,
      ...(spec.name !== undefined ? { name: spec.name } : {}),
      version: spec.version ?? 1,
      lineage: [spec.id],
      weeklyHours: spec.weeklyHours ?? {},
      seasons: spec.seasons ?? [],
      holidays: spec.holidays,
      notices: mergeNotices([], spec.notices ?? []),
      days: spec.days ?? [],
    };
  }
  const baseSpec = resolve(spec.base);
  if (!baseSpec) throw new DeadlineCalendarError(`Calendar "${spec.id}" inherits from unknown calendar "${spec.base}". Try one of the calendars the server lists.`);
  const base = resolveCalendarSpec(baseSpec, resolve, [...seen, spec.id]);
  const name = spec.name ?? base.name;
  return {
    id: spec.id,
    ...(name !== undefined ? { name } : {}),
    version: spec.version ?? 1,
    lineage: [spec.id, ...base.lineage],
    weeklyHours: { ...base.weeklyHours, ...spec.weeklyHours },
    seasons: spec.seasons ?? base.seasons,
    holidays: spec.holidays ?? base.holidays,
    notices: mergeNotices(base.notices, spec.notices ?? []),
    days: [...base.days, ...(spec.days ?? [])],
  };
}

/**
 * The calendar with one year's notice replaced (or added) and its version bumped: what the admin
 * API stores when an admin enters or corrects a year's notice.
 *
 * @example withYearNotice(VN_CIVIL_SERVICE, { year: 2027, notice: '…/TB-BNV', holidays: { tet: [...] } })
 */
export function withYearNotice(spec: CalendarSpec, notice: YearNotice): CalendarSpec {
  const notices = [...(spec.notices ?? []).filter((n) => n.year !== notice.year), notice].sort((a, b) => a.year - b.year);
  return { ...spec, version: (spec.version ?? 1) + 1, notices };
}

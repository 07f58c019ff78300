/**
 * Civil-date arithmetic on whole days, without luxon, for the hot paths of the working calendar.
 *
 * A day is an "epoch day": the number of days since 1970-01-01 in the proleptic Gregorian
 * calendar. Vietnam has kept UTC+7 without daylight saving since 13 June 1975, so for every
 * date the calendar supports (1976 onwards) local wall-clock time is simply UTC + 7 h and an
 * instant maps to its local day and time of day by integer arithmetic.
 */

/** Vietnam's offset from UTC in milliseconds (UTC+7, no daylight saving since 1975). */
export const VN_OFFSET_MS = 7 * 3_600_000;
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
/** The IANA zone every DateTime the calendar returns is set to. */
export const VN_ZONE = 'Asia/Ho_Chi_Minh';

/** Earliest and latest year the working calendar accepts (fixed UTC+7; lunar method and ΔT tested). */
export const MIN_YEAR = 1976;
export const MAX_YEAR = 2199;

/** Epoch day of a proleptic Gregorian date (month 1–12). Howard Hinnant's days_from_civil. */
export function epochDayOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Inverse of {@link epochDayOf}: the civil date of an epoch day. */
export function civilOf(epochDay: number): { year: number; month: number; day: number } {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** ISO weekday of an epoch day: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekdayOf(epochDay: number): number {
  return ((((epochDay + 3) % 7) + 7) % 7) + 1;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `YYYY-MM-DD` of an epoch day. */
export function isoDateOf(epochDay: number): string {
  const { year, month, day } = civilOf(epochDay);
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch day of a `YYYY-MM-DD` string, or undefined when it is not a real date. */
export function parseIsoDate(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const epochDay = epochDayOf(year, month, day);
  const back = civilOf(epochDay);
  return back.month === month && back.day === day ? epochDay : undefined;
}

const HH_MM = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** Minutes after local midnight of an `HH:mm` string (24:00 allowed as end of day), or undefined. */
export function parseHhMm(text: string): number | undefined {
  const m = HH_MM.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 1440 ? minutes : undefined;
}

/** `HH:mm` of minutes after midnight. */
export function formatHhMm(minutes: number): string {
  return `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/** Local (UTC+7) epoch day of an instant in epoch milliseconds. */
export function localDayOf(epochMs: number): number {
  return Math.floor((epochMs + VN_OFFSET_MS) / DAY_MS);
}

/** Epoch milliseconds of local (UTC+7) midnight starting an epoch day. */
export function localMidnightMs(epochDay: number): number {
  return epochDay * DAY_MS - VN_OFFSET_MS;
}

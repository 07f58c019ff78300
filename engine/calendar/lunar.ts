/**
 * The Vietnamese lunisolar calendar (âm lịch), computed from astronomy at a given UTC offset
 * (UTC+7 for Vietnam; UTC+8 reproduces the simplified Chinese reckoning and shows why a
 * "Chinese lunar" library is wrong for Vietnam in years such as 1985, 2007 and 2030).
 *
 * Written from the published rules (J. Meeus, "Astronomical Algorithms", 2nd ed.: ch. 49 for
 * the true new moons with all periodic and planetary corrections, ch. 25 for the apparent solar
 * longitude; ΔT from the Espenak–Meeus polynomials) and the calendar rules described by
 * Hồ Ngọc Đức (calrules.html), not from any existing implementation:
 * - a lunar month begins on the local civil day that contains the new moon;
 * - the month containing the winter solstice (solar longitude 270°) is month 11;
 * - when 13 months start between two consecutive months 11, the first month after month 11
 *   that contains no major solar term (longitude a multiple of 30°) is a leap month and takes
 *   the number of the month before it. A month "contains" a term when the solar longitude at
 *   local midnight starting the month and at local midnight starting the next month lie in
 *   different 30° sectors.
 * Verified against the Tết and Giỗ Tổ table 1990–2050 of shared/docs/domain-verified.md §6.2.
 */
import { civilOf, epochDayOf } from './days.ts';

const DEG = Math.PI / 180;
const SYNODIC_MONTH = 29.530588861;
/** Julian day of 1970-01-01 00:00 UT minus 0.5: JDN = epoch day + this. */
const JDN_OF_EPOCH_DAY_0 = 2_440_588;

const sinDeg = (degrees: number): number => Math.sin(degrees * DEG);

/** ΔT = TT − UT in seconds for a decimal year (Espenak & Meeus 2006, NASA eclipse pages). */
export function deltaTSeconds(year: number): number {
  if (year >= 2005 && year < 2050) {
    const t = year - 2000;
    return 62.92 + 0.32217 * t + 0.005589 * t * t;
  }
  if (year >= 1986 && year < 2005) {
    const t = year - 2000;
    return 63.86 + 0.3345 * t - 0.060374 * t ** 2 + 0.0017275 * t ** 3 + 0.000651814 * t ** 4 + 0.00002373599 * t ** 5;
  }
  if (year >= 1961 && year < 1986) {
    const t = year - 1975;
    return 45.45 + 1.067 * t - t * t / 260 - t ** 3 / 718;
  }
  if (year >= 1941 && year < 1961) {
    const t = year - 1950;
    return 29.07 + 0.407 * t - t * t / 233 + t ** 3 / 2547;
  }
  if (year >= 1920 && year < 1941) {
    const t = year - 1920;
    return 21.2 + 0.84493 * t - 0.0761 * t * t + 0.0020936 * t ** 3;
  }
  if (year >= 1900 && year < 1920) {
    const t = year - 1900;
    return -2.79 + 1.494119 * t - 0.0598939 * t * t + 0.0061966 * t ** 3 - 0.000197 * t ** 4;
  }
  if (year >= 2050 && year < 2150) return -20 + 32 * ((year - 1820) / 100) ** 2 - 0.5628 * (2150 - year);
  const u = (year - 1820) / 100;
  return -20 + 32 * u * u;
}

/**
 * Julian Ephemeris Day (TT) of the true new moon number k (k = 0: 6 January 2000).
 * Meeus ch. 49, including the 14 planetary-argument corrections (error of a few seconds).
 */
export function newMoonJde(k: number): number {
  const T = k / 1236.85;
  const T2 = T * T;
  const T3 = T2 * T;
  const T4 = T3 * T;
  let jde = 2451550.09766 + SYNODIC_MONTH * k + 0.00015437 * T2 - 0.00000015 * T3 + 0.00000000073 * T4;
  const E = 1 - 0.002516 * T - 0.0000074 * T2;
  const M = 2.5534 + 29.1053567 * k - 0.0000014 * T2 - 0.00000011 * T3;
  const Mp = 201.5643 + 385.81693528 * k + 0.0107582 * T2 + 0.00001238 * T3 - 0.000000058 * T4;
  const F = 160.7108 + 390.67050284 * k - 0.0016118 * T2 - 0.00000227 * T3 + 0.000000011 * T4;
  const Om = 124.7746 - 1.56375588 * k + 0.0020672 * T2 + 0.00000215 * T3;
  jde +=
    -0.4072 * sinDeg(Mp) +
    0.17241 * E * sinDeg(M) +
    0.01608 * sinDeg(2 * Mp) +
    0.01039 * sinDeg(2 * F) +
    0.00739 * E * sinDeg(Mp - M) -
    0.00514 * E * sinDeg(Mp + M) +
    0.00208 * E * E * sinDeg(2 * M) -
    0.00111 * sinDeg(Mp - 2 * F) -
    0.00057 * sinDeg(Mp + 2 * F) +
    0.00056 * E * sinDeg(2 * Mp + M) -
    0.00042 * sinDeg(3 * Mp) +
    0.00042 * E * sinDeg(M + 2 * F) +
    0.00038 * E * sinDeg(M - 2 * F) -
    0.00024 * E * sinDeg(2 * Mp - M) -
    0.00017 * sinDeg(Om) -
    0.00007 * sinDeg(Mp + 2 * M) +
    0.00004 * sinDeg(2 * Mp - 2 * F) +
    0.00004 * sinDeg(3 * M) +
    0.00003 * sinDeg(Mp + M - 2 * F) +
    0.00003 * sinDeg(2 * Mp + 2 * F) -
    0.00003 * sinDeg(Mp + M + 2 * F) +
    0.00003 * sinDeg(Mp - M + 2 * F) -
    0.00002 * sinDeg(Mp - M - 2 * F) -
    0.00002 * sinDeg(3 * Mp + M) +
    0.00002 * sinDeg(4 * Mp);
  const planetary: readonly (readonly [number, number, number])[] = [
    [0.000325, 299.77 + 0.107408 * k - 0.009173 * T2, 0],
    [0.000165, 251.88, 0.016321],
    [0.000164, 251.83, 26.651886],
    [0.000126, 349.42, 36.412478],
    [0.00011, 84.66, 18.206239],
    [0.000062, 141.74, 53.303771],
    [0.00006, 207.14, 2.453732],
    [0.000056, 154.84, 7.30686],
    [0.000047, 34.52, 27.261239],
    [0.000042, 207.19, 0.121824],
    [0.00004, 291.34, 1.844379],
    [0.000037, 161.72, 24.198154],
    [0.000035, 239.56, 25.513099],
    [0.000023, 331.55, 3.592518],
  ];
  for (const [amplitude, base, rate] of planetary) jde += amplitude * sinDeg(base + rate * k);
  return jde;
}

/** Apparent geocentric longitude of the Sun in degrees [0, 360) at a Julian Ephemeris Day (Meeus ch. 25, ±0.01°). */
export function sunApparentLongitude(jde: number): number {
  const T = (jde - 2451545.0) / 36525;
  const L0 = 280.46646 + 36000.76983 * T + 0.0003032 * T * T;
  const M = 357.52911 + 35999.05029 * T - 0.0001537 * T * T;
  const C = (1.914602 - 0.004817 * T - 0.000014 * T * T) * sinDeg(M) + (0.019993 - 0.000101 * T) * sinDeg(2 * M) + 0.000289 * sinDeg(3 * M);
  const omega = 125.04 - 1934.136 * T;
  const apparent = L0 + C - 0.00569 - 0.00478 * sinDeg(omega);
  return ((apparent % 360) + 360) % 360;
}

const jdeFromUt = (jdUt: number): number => jdUt + deltaTSeconds(2000 + (jdUt - 2451544.5) / 365.2425) / 86_400;
const jdUtFromJde = (jde: number): number => jde - deltaTSeconds(2000 + (jde - 2451544.5) / 365.2425) / 86_400;

const newMoonDayCache = new Map<string, number>();

/** Epoch day (local civil date at UTC+offsetHours) on which new moon number k falls. */
export function newMoonDay(k: number, offsetHours: number): number {
  const key = `${offsetHours}:${k}`;
  const cached = newMoonDayCache.get(key);
  if (cached !== undefined) return cached;
  const jdUt = jdUtFromJde(newMoonJde(k));
  const day = Math.floor(jdUt + 0.5 + offsetHours / 24) - JDN_OF_EPOCH_DAY_0;
  newMoonDayCache.set(key, day);
  return day;
}

/** The 30° sector (0–11) of the solar longitude at local midnight starting an epoch day. */
function solarSectorAtDayStart(epochDay: number, offsetHours: number): number {
  const jdUt = epochDay + JDN_OF_EPOCH_DAY_0 - 0.5 - offsetHours / 24;
  return Math.floor(sunApparentLongitude(jdeFromUt(jdUt)) / 30);
}

/** Number of the new moon on or just before an epoch day (approximate index, then corrected). */
function newMoonIndexOnOrBefore(epochDay: number, offsetHours: number): number {
  let k = Math.floor((epochDay + JDN_OF_EPOCH_DAY_0 - 2451550.1) / SYNODIC_MONTH);
  while (newMoonDay(k + 1, offsetHours) <= epochDay) k += 1;
  while (newMoonDay(k, offsetHours) > epochDay) k -= 1;
  return k;
}

/** New moon number starting month 11, the month that contains the December solstice of a Gregorian year. */
function month11Index(gregorianYear: number, offsetHours: number): number {
  const k = newMoonIndexOnOrBefore(epochDayOf(gregorianYear, 12, 31), offsetHours);
  // Sector 9 = longitude 270°–300°: the solstice passed before this month began, so the previous
  // month holds it.
  return solarSectorAtDayStart(newMoonDay(k, offsetHours), offsetHours) >= 9 ? k - 1 : k;
}

/** One lunar month: its number (1–12), whether it is the leap (nhuận) month, first day and length. */
export interface LunarMonth {
  readonly month: number;
  readonly leap: boolean;
  /** Epoch day of mùng 1. */
  readonly startDay: number;
  readonly length: 29 | 30;
}

const blockCache = new Map<string, readonly LunarMonth[]>();

/**
 * The months from month 11 that contains the solstice of December `gregorianYear − 1` up to
 * (excluding) the month 11 of December `gregorianYear`: 11, 12 of the old lunar year, then
 * 1…10 of the lunar year whose Tết falls in `gregorianYear`, with one leap month in 13-month spans.
 */
function monthsFromMonth11(gregorianYear: number, offsetHours: number): readonly LunarMonth[] {
  const key = `${offsetHours}:${gregorianYear}`;
  const cached = blockCache.get(key);
  if (cached) return cached;
  const first = month11Index(gregorianYear - 1, offsetHours);
  const next = month11Index(gregorianYear, offsetHours);
  const count = next - first;
  let leapIndex = -1;
  if (count === 13) {
    for (let i = 1; i < count; i += 1) {
      const sectorAtStart = solarSectorAtDayStart(newMoonDay(first + i, offsetHours), offsetHours);
      const sectorAtNext = solarSectorAtDayStart(newMoonDay(first + i + 1, offsetHours), offsetHours);
      if (sectorAtStart === sectorAtNext) {
        leapIndex = i;
        break;
      }
    }
  }
  const months: LunarMonth[] = [];
  let number = 11;
  for (let i = 0; i < count; i += 1) {
    const leap = i === leapIndex;
    if (i > 0 && !leap) number = (number % 12) + 1;
    const startDay = newMoonDay(first + i, offsetHours);
    const length = (newMoonDay(first + i + 1, offsetHours) - startDay) as 29 | 30;
    months.push({ month: number, leap, startDay, length });
  }
  blockCache.set(key, months);
  return months;
}

/** A date of the lunar calendar. `year` is the lunar year, named by the Gregorian year its Tết falls in. */
export interface LunarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly leap: boolean;
  /** Days in this lunar month (29 or 30). */
  readonly monthLength: 29 | 30;
}

/**
 * Epoch day of a lunar date, or undefined when that date does not exist (a leap month that this
 * year does not have, or day 30 of a 29-day month).
 *
 * @example lunarToEpochDay(2026, 3, 10) // Giỗ Tổ Hùng Vương 2026 = epoch day of 2026-04-26
 */
export function lunarToEpochDay(lunarYear: number, month: number, day: number, leap = false, offsetHours = 7): number | undefined {
  const block = monthsFromMonth11(month >= 11 ? lunarYear + 1 : lunarYear, offsetHours);
  // In the block of lunarYear + 1 months 11/12 come first; in the block of lunarYear months 11/12
  // belong to the previous lunar year, so skip them.
  const candidates = month >= 11 ? block.slice(0, block.findIndex((m) => m.month === 1)) : block.slice(block.findIndex((m) => m.month === 1));
  const found = candidates.find((m) => m.month === month && m.leap === leap);
  if (!found || day < 1 || day > found.length) return undefined;
  return found.startDay + day - 1;
}

/**
 * Lunar date of an epoch day.
 *
 * @example lunarOfEpochDay(epochDayOf(2026, 2, 17)) // { year: 2026, month: 1, day: 1, leap: false, monthLength: 30 }
 */
export function lunarOfEpochDay(epochDay: number, offsetHours = 7): LunarDate {
  const { year } = civilOf(epochDay);
  for (const gregorianYear of [year + 1, year]) {
    const block = monthsFromMonth11(gregorianYear, offsetHours);
    const first = block[0];
    if (!first || first.startDay > epochDay) continue;
    for (let i = block.length - 1; i >= 0; i -= 1) {
      const m = block[i]!;
      if (m.startDay <= epochDay) {
        const firstMonth1 = block.findIndex((x) => x.month === 1);
        const lunarYear = i < firstMonth1 ? gregorianYear - 1 : gregorianYear;
        return { year: lunarYear, month: m.month, day: epochDay - m.startDay + 1, leap: m.leap, monthLength: m.length };
      }
    }
  }
  throw new RangeError(`No lunar date for epoch day ${epochDay}`);
}

/** Epoch day of Tết Nguyên đán (mùng 1 tháng Giêng) of a lunar year. */
export function tetEpochDay(lunarYear: number, offsetHours = 7): number {
  const day = lunarToEpochDay(lunarYear, 1, 1, false, offsetHours);
  if (day === undefined) throw new RangeError(`No Tết for lunar year ${lunarYear}`);
  return day;
}

/** The months of a lunar year in order (12, or 13 with the leap month), for display and tests. */
export function lunarYearMonths(lunarYear: number, offsetHours = 7): readonly LunarMonth[] {
  const current = monthsFromMonth11(lunarYear, offsetHours);
  const next = monthsFromMonth11(lunarYear + 1, offsetHours);
  return [...current.slice(current.findIndex((m) => m.month === 1)), ...next.slice(0, next.findIndex((m) => m.month === 1))];
}

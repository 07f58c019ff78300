/**
 * Norms as short text, for the CLI and forms: `"0.5 wd"`, `"40 h"`, `"21 cd"`.
 */
import type { Norm, NormUnit } from './norm.ts';

const UNIT_ALIASES: Readonly<Record<string, NormUnit>> = {
  h: 'workingHours',
  wh: 'workingHours',
  'working-hours': 'workingHours',
  workingHours: 'workingHours',
  d: 'workingDays',
  wd: 'workingDays',
  'working-days': 'workingDays',
  workingDays: 'workingDays',
  cd: 'calendarDays',
  'calendar-days': 'calendarDays',
  calendarDays: 'calendarDays',
};

/**
 * Reads `"<amount> <unit>"` (space optional, decimal point or comma). Units: `h|wh|working-hours`, `d|wd|working-days`,
 * `cd|calendar-days`. Returns undefined when the text is not a non-negative norm.
 *
 * @example parseNormText('0.5 wd') // { amount: 0.5, unit: 'workingDays' }
 */
export function parseNormText(text: string): Norm | undefined {
  const m = /^\s*(\d+(?:[.,]\d+)?)\s*([A-Za-z-]+)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = UNIT_ALIASES[m[2]!];
  // Vietnamese writes the decimal comma ("0,5 ngày làm việc").
  const amount = Number(m[1]!.replace(',', '.'));
  return unit && Number.isFinite(amount) ? { amount, unit } : undefined;
}

const VIETNAMESE_UNITS: Readonly<Record<NormUnit, string>> = {
  workingHours: 'giờ làm việc',
  workingDays: 'ngày làm việc',
  calendarDays: 'ngày',
};

/** Vietnamese text of a norm, as published: `"0,5 ngày làm việc"`, `"40 giờ làm việc"`. */
export function formatNormVi(norm: Norm): string {
  return `${String(norm.amount).replace('.', ',')} ${VIETNAMESE_UNITS[norm.unit]}`;
}

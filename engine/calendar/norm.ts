/**
 * A step norm or a deadline: an amount with an explicit unit. 1 working day = 8 working hours
 * (Nghệ An 3854/QĐ-UBND: "40 giờ làm việc (tương đương với 05 ngày làm việc)").
 */
export type NormUnit = 'workingHours' | 'workingDays' | 'calendarDays';

export interface Norm {
  readonly amount: number;
  readonly unit: NormUnit;
}

export const NORM_UNITS: readonly NormUnit[] = ['workingHours', 'workingDays', 'calendarDays'];

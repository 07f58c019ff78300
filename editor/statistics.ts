/**
 * Pure reductions behind the reviewer's page: step intervals (GET /api/cases/:id/audit?format=json)
 * folded into per-step and per-unit figures. No DOM here, so they are unit-tested in Node.
 */
import type { StepInterval } from './api-client.ts';

/** Per-step figures over every case that passed through the step. */
export interface StepStatistics {
  readonly elementId: string;
  name: string;
  visits: number;
  finished: number;
  totalHours: number;
  maxHours: number;
  late: number;
  normHours?: number;
}

/** Hours an interval took: wall-clock hours for a calendar-day norm, working hours otherwise. */
export function spentHours(interval: StepInterval): number | undefined {
  if (interval.norm?.unit === 'calendarDays' && typeof interval.calendarMinutes === 'number') return interval.calendarMinutes / 60;
  if (typeof interval.workingMinutes === 'number') return interval.workingMinutes / 60;
  return undefined;
}

function normHoursOf(interval: StepInterval): number | undefined {
  return typeof interval.normMinutes === 'number' ? interval.normMinutes / 60 : undefined;
}

/** Folds step intervals into per-step statistics; `norms` (hours, from the diagram) fill gaps. */
export function reduceIntervals(intervals: readonly StepInterval[], norms: ReadonlyMap<string, number>): Map<string, StepStatistics> {
  const stats = new Map<string, StepStatistics>();
  for (const interval of intervals) {
    const s = stats.get(interval.elementId) ?? { elementId: interval.elementId, name: interval.name ?? interval.elementId, visits: 0, finished: 0, totalHours: 0, maxHours: 0, late: 0, normHours: norms.get(interval.elementId) };
    stats.set(interval.elementId, s);
    s.visits++;
    s.normHours ??= normHoursOf(interval);
    const hours = spentHours(interval);
    if (interval.leftAt && hours !== undefined) {
      s.finished++;
      s.totalHours += hours;
      s.maxHours = Math.max(s.maxHours, hours);
    }
    const late = interval.timeliness === 'late' || interval.timeliness === 'overdue' || (hours !== undefined && s.normHours !== undefined && hours > s.normHours);
    if (late) s.late++;
  }
  return stats;
}

/** Per unit: how many step visits finished, and how many of those were late. */
export function byUnit(intervals: readonly StepInterval[]): Map<string, { visits: number; late: number }> {
  const units = new Map<string, { visits: number; late: number }>();
  for (const interval of intervals) {
    const unit = interval.unit ?? '—';
    const u = units.get(unit) ?? { visits: 0, late: 0 };
    units.set(unit, u);
    u.visits++;
    if (interval.timeliness === 'late' || interval.timeliness === 'overdue') u.late++;
  }
  return units;
}

export function meanHours(s: StepStatistics): number | undefined {
  return s.finished > 0 ? s.totalHours / s.finished : undefined;
}

/** Heat from 0 (well within the norm) to 1 (twice the norm or more). */
export function heat(s: StepStatistics): number | undefined {
  const mean = meanHours(s);
  if (mean === undefined || !s.normHours) return undefined;
  return Math.max(0, Math.min(1, mean / s.normHours / 2));
}

/**
 * Per-step statistics over step intervals: how long each step really takes in working time
 * against its norm, and how often it is late. The reviewer's heatmap and the Decision 1085
 * simplification review read these figures.
 */
import type { StepInterval } from './intervals.ts';

export interface StepStatistics {
  readonly elementId: string;
  readonly name?: string;
  /** Completed visits measured. */
  readonly count: number;
  /** Visits still open. */
  readonly open: number;
  readonly meanMinutes: number;
  readonly medianMinutes: number;
  readonly p90Minutes: number;
  readonly maxMinutes: number;
  /** The norm of the most recent visit, in minutes of its measure. */
  readonly normMinutes?: number;
  readonly early: number;
  readonly onTime: number;
  readonly late: number;
  /** Late visits / classified completed visits; 0 when none were classified. */
  readonly lateRate: number;
}

/**
 * Nearest-rank percentile of an ascending list (p in 0..100); 0 for an empty list.
 *
 * @example percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) // 9
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** The median of an ascending list (mean of the two middle values for an even count). */
export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Minutes measured for an interval: calendar minutes for calendar-day norms, working minutes otherwise. */
export function spentMinutes(interval: StepInterval): number {
  return interval.norm?.unit === 'calendarDays' ? interval.calendarMinutes : interval.workingMinutes;
}

/**
 * Statistics per element id, in order of first appearance. Cancelled visits are left out
 * (the step did not finish its work); steps outside the clock are measured but never late.
 *
 * @example stepStatistics(stepIntervals(events, { workingTime }))[0].p90Minutes
 */
export function stepStatistics(intervals: readonly StepInterval[]): StepStatistics[] {
  const groups = new Map<string, StepInterval[]>();
  for (const i of intervals) {
    const list = groups.get(i.elementId);
    if (list) list.push(i);
    else groups.set(i.elementId, [i]);
  }
  return [...groups.entries()].map(([elementId, list]) => {
    const completed = list.filter((i) => i.end === 'completed');
    const minutes = completed.map(spentMinutes).sort((a, b) => a - b);
    const count = minutes.length;
    const early = completed.filter((i) => i.timeliness === 'early').length;
    const onTime = completed.filter((i) => i.timeliness === 'onTime').length;
    const late = completed.filter((i) => i.timeliness === 'late').length;
    const classified = early + onTime + late;
    const name = list.find((i) => i.name !== undefined)?.name;
    const norm = [...list].reverse().find((i) => i.normMinutes !== undefined)?.normMinutes;
    return {
      elementId,
      ...(name !== undefined && { name }),
      count,
      open: list.filter((i) => i.end === 'open').length,
      meanMinutes: count === 0 ? 0 : minutes.reduce((a, b) => a + b, 0) / count,
      medianMinutes: median(minutes),
      p90Minutes: percentile(minutes, 90),
      maxMinutes: count === 0 ? 0 : minutes[count - 1]!,
      ...(norm !== undefined && { normMinutes: norm }),
      early,
      onTime,
      late,
      lateRate: classified === 0 ? 0 : late / classified,
    };
  });
}

export interface UnitStatistics {
  readonly unit: string;
  /** Completed steps of the unit. */
  readonly completed: number;
  readonly early: number;
  readonly onTime: number;
  readonly late: number;
  /** Late / classified completed steps; 0 when none were classified. */
  readonly lateRate: number;
  /** Steps still open, and how many of them are past their due instant. */
  readonly open: number;
  readonly overdue: number;
  /** Mean minutes of the completed steps (in each step's own measure). */
  readonly meanMinutes: number;
}

/**
 * On-time figures per unit that owned the steps (steps outside the clock are left out), units
 * in order of first appearance; steps without a unit are grouped under `''`.
 *
 * @example statisticsByUnit(intervals).find((u) => u.unit === 'CB-SYT-BTXH')?.lateRate
 */
export function statisticsByUnit(intervals: readonly StepInterval[]): UnitStatistics[] {
  const groups = new Map<string, StepInterval[]>();
  for (const i of intervals) {
    if (i.outsideClock) continue;
    const key = i.unit ?? '';
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  }
  return [...groups.entries()].map(([unit, list]) => {
    const completed = list.filter((i) => i.end === 'completed');
    const count = (t: StepInterval['timeliness']) => completed.filter((i) => i.timeliness === t).length;
    const early = count('early');
    const onTime = count('onTime');
    const late = count('late');
    const open = list.filter((i) => i.end === 'open');
    return {
      unit,
      completed: completed.length,
      early,
      onTime,
      late,
      lateRate: early + onTime + late === 0 ? 0 : late / (early + onTime + late),
      open: open.length,
      overdue: open.filter((i) => i.timeliness === 'overdue').length,
      meanMinutes: completed.length === 0 ? 0 : completed.reduce((sum, i) => sum + spentMinutes(i), 0) / completed.length,
    };
  });
}

/** Small time helpers of the server: timeliness classes and BPMN timer expressions. */
import type { TimerSpec } from '../../engine/index.ts';
import type { WorkingCalendar } from './ports.ts';

const VN_OFFSET_MS = 7 * 3_600_000;

/** The local (Asia/Ho_Chi_Minh, UTC+7 without DST) calendar date of an instant. */
function localDate(iso: string): string {
  return new Date(new Date(iso).getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

export type FinishedTimeliness = 'early' | 'onTime' | 'late';
export type OpenTimeliness = 'withinDeadline' | 'dueSoon' | 'overdue';

/**
 * Finished work: late after the due instant; early when finished on a local day before the due
 * day; on time when finished on the due day itself, at or before the due instant. (The same
 * definition as engine/audit: "early" means a whole day ahead, not minutes ahead.)
 */
export function classifyFinished(finishedAt: string, dueAt: string): FinishedTimeliness {
  if (new Date(finishedAt).getTime() > new Date(dueAt).getTime()) return 'late';
  return localDate(finishedAt) < localDate(dueAt) ? 'early' : 'onTime';
}

/** Open work: overdue after the due instant; due soon within `dueSoonMinutes` working minutes of it. */
export function classifyOpen(now: string, dueAt: string, calendar: WorkingCalendar, dueSoonMinutes: number): OpenTimeliness {
  if (new Date(now).getTime() > new Date(dueAt).getTime()) return 'overdue';
  return calendar.workingMinutesBetween(now, dueAt) <= dueSoonMinutes ? 'dueSoon' : 'withinDeadline';
}

const DURATION = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an ISO 8601 duration in calendar time (months = 30 days, years = 365). */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const n = (i: number): number => Number(m[i] ?? 0);
  const days = n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4);
  return ((days * 24 + n(5)) * 60 + n(6)) * 60_000 + n(7) * 1000;
}

/**
 * When a BPMN timer fires: a duration after `from`, a date, or the first repetition of a cycle
 * (`R3/PT10H`). Undefined when the expression cannot be read (the engine's validator reports it).
 */
export function timerDueAt(timer: TimerSpec, from: string): string | undefined {
  const base = new Date(from).getTime();
  switch (timer.kind) {
    case 'duration': {
      const ms = durationMs(timer.expression);
      return ms === undefined ? undefined : new Date(base + ms).toISOString();
    }
    case 'date': {
      const at = new Date(timer.expression).getTime();
      return Number.isNaN(at) ? undefined : new Date(at).toISOString();
    }
    case 'cycle': {
      const parts = timer.expression.split('/');
      const duration = parts.find((p) => p.startsWith('P'));
      const ms = duration ? durationMs(duration) : undefined;
      return ms === undefined ? undefined : new Date(base + ms).toISOString();
    }
  }
}

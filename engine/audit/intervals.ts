/**
 * Step intervals: the audit stream of a case reduced to one row per visit of a step (entered,
 * left, who, how long in working time, early / on time / late). Everything here is pure; the
 * working-time arithmetic comes in through {@link WorkingTime} so the same reducer runs in the
 * server, the CLI and the browser.
 */
import { classifyFinished } from '../calendar/calendar.ts';
import type { AuditEvent, AuditEventData } from './events.ts';
import type { Norm } from '../calendar/norm.ts';

/** Working-time measurement supplied by the caller (normally the case's working calendar). */
export interface WorkingTime {
  /** Working minutes between two ISO instants; 0 when `to` is not after `from`. */
  workingMinutesBetween(from: string, to: string): number;
}

/** Finished: early / on time / late. Still open: within deadline / overdue. */
export type Timeliness = 'early' | 'onTime' | 'late' | 'withinDeadline' | 'overdue';

export interface StepInterval {
  readonly caseId: string;
  readonly stepKey: string;
  readonly elementId: string;
  readonly name?: string;
  readonly role?: string;
  readonly unit?: string;
  readonly enteredAt: string;
  readonly leftAt?: string;
  /** The officer who last claimed the step. */
  readonly claimedBy?: string;
  /** The officer who completed or cancelled it. */
  readonly actor?: string;
  readonly outcome?: string;
  readonly end: 'completed' | 'cancelled' | 'open';
  readonly outsideClock: boolean;
  readonly norm?: Norm;
  /** The norm in minutes of its own measure (working minutes, or calendar minutes for calendar days). */
  readonly normMinutes?: number;
  readonly dueAt?: string;
  /** Working minutes spent, minus time the case's clock was stopped (supplement rounds). */
  readonly workingMinutes: number;
  /** Calendar minutes spent (wall-clock), for calendar-day norms. */
  readonly calendarMinutes: number;
  readonly timeliness?: Timeliness;
}

export interface IntervalOptions {
  readonly workingTime: WorkingTime;
  /** Open steps are measured up to this instant; without it they have no timeliness. */
  readonly now?: string;
}

const MINUTES_PER_WORKING_DAY = 8 * 60;

/** @example normMinutes({ amount: 0.5, unit: 'workingDays' }) // 240 */
export function normMinutes(norm: Norm): number {
  switch (norm.unit) {
    case 'workingHours':
      return Math.round(norm.amount * 60);
    case 'workingDays':
      return Math.round(norm.amount * MINUTES_PER_WORKING_DAY);
    case 'calendarDays':
      return Math.round(norm.amount * 24 * 60);
  }
}

function ms(iso: string): number {
  return Date.parse(iso);
}

/**
 * Classifies a finished step or case against its due instant (the calendar's rule, shared so
 * the audit and the server agree): late after the due instant, early on an earlier local day,
 * otherwise on time.
 *
 * @example classifyFinished('2026-03-02T09:00:00+07:00', '2026-03-03T17:00:00+07:00') // 'early'
 */
export { classifyFinished };

/**
 * Classifies by minutes spent against the norm when no due instant was recorded: the rule the
 * published one-stop reports apply (allotted > spent → early, equal → on time, less → late).
 */
export function classifyBySpent(spentMinutes: number, allottedMinutes: number): 'early' | 'onTime' | 'late' {
  if (spentMinutes > allottedMinutes) return 'late';
  return spentMinutes < allottedMinutes ? 'early' : 'onTime';
}

/** An interval during which the case's clock was stopped (waiting for the applicant's supplement). */
export interface Pause {
  readonly from: string;
  readonly to?: string;
}

/** The supplement rounds of one case's events, in order. */
export function pausesOf(events: readonly AuditEvent[]): Pause[] {
  const pauses: Pause[] = [];
  let openFrom: string | undefined;
  for (const e of events) {
    if (e.type === 'supplement.requested' && openFrom === undefined) openFrom = e.at;
    else if (e.type === 'supplement.received' && openFrom !== undefined) {
      pauses.push({ from: openFrom, to: e.at });
      openFrom = undefined;
    }
  }
  if (openFrom !== undefined) pauses.push({ from: openFrom });
  return pauses;
}

function pausedWorkingMinutes(from: string, to: string, pauses: readonly Pause[], workingTime: WorkingTime): number {
  let paused = 0;
  for (const p of pauses) {
    const start = ms(p.from) > ms(from) ? p.from : from;
    const end = p.to === undefined || ms(p.to) > ms(to) ? to : p.to;
    if (ms(end) > ms(start)) paused += workingTime.workingMinutesBetween(start, end);
  }
  return paused;
}

/** Groups events by case, keeping each case's order. */
export function groupByCase(events: readonly AuditEvent[]): Map<string, AuditEvent[]> {
  const byCase = new Map<string, AuditEvent[]>();
  for (const e of events) {
    const list = byCase.get(e.caseId);
    if (list) list.push(e);
    else byCase.set(e.caseId, [e]);
  }
  return byCase;
}

interface Draft {
  caseId: string;
  stepKey: string;
  elementId: string;
  opened: AuditEventData['step.opened'];
  enteredAt: string;
  claimedBy?: string;
  actor?: string;
  outcome?: string;
  leftAt?: string;
  end: StepInterval['end'];
}

function finish(d: Draft, pauses: readonly Pause[], options: IntervalOptions): StepInterval {
  const until = d.leftAt ?? options.now;
  const { workingTime } = options;
  const working = until === undefined ? 0 : Math.max(0, workingTime.workingMinutesBetween(d.enteredAt, until) - pausedWorkingMinutes(d.enteredAt, until, pauses, workingTime));
  const calendar = until === undefined ? 0 : Math.max(0, Math.round((ms(until) - ms(d.enteredAt)) / 60_000));
  const norm = d.opened.norm;
  const allotted = norm ? normMinutes(norm) : undefined;
  const spent = norm?.unit === 'calendarDays' ? calendar : working;
  const dueAt = d.opened.dueAt;
  const outsideClock = d.opened.outsideClock === true;
  let timeliness: Timeliness | undefined;
  if (!outsideClock && d.end === 'completed' && d.leftAt !== undefined) {
    if (dueAt) timeliness = classifyFinished(d.leftAt, dueAt);
    else if (allotted !== undefined) timeliness = classifyBySpent(spent, allotted);
  } else if (!outsideClock && d.end === 'open' && options.now !== undefined) {
    if (dueAt) timeliness = ms(options.now) > ms(dueAt) ? 'overdue' : 'withinDeadline';
    else if (allotted !== undefined) timeliness = spent > allotted ? 'overdue' : 'withinDeadline';
  }
  return {
    caseId: d.caseId,
    stepKey: d.stepKey,
    elementId: d.elementId,
    ...(d.opened.name !== undefined && { name: d.opened.name }),
    ...(d.opened.role !== undefined && { role: d.opened.role }),
    ...(d.opened.unit !== undefined && { unit: d.opened.unit }),
    enteredAt: d.enteredAt,
    ...(d.leftAt !== undefined && { leftAt: d.leftAt }),
    ...(d.claimedBy !== undefined && { claimedBy: d.claimedBy }),
    ...(d.actor !== undefined && { actor: d.actor }),
    ...(d.outcome !== undefined && { outcome: d.outcome }),
    end: d.end,
    outsideClock,
    ...(norm !== undefined && { norm, normMinutes: allotted }),
    ...(dueAt !== undefined && { dueAt }),
    workingMinutes: working,
    calendarMinutes: calendar,
    ...(timeliness !== undefined && { timeliness }),
  };
}

/**
 * Reduces audit events (of one or many cases, each case in append order) to step intervals,
 * ordered by case then by entry. A step key opened again after it closed starts a new interval.
 *
 * @example stepIntervals(events, { workingTime: calendar, now: '2026-03-02T10:00:00+07:00' })
 */
export function stepIntervals(events: readonly AuditEvent[], options: IntervalOptions): StepInterval[] {
  const result: StepInterval[] = [];
  for (const [caseId, caseEvents] of groupByCase(events)) {
    const pauses = pausesOf(caseEvents);
    const open = new Map<string, Draft>();
    const drafts: Draft[] = [];
    for (const e of caseEvents) {
      const key = e.stepKey ?? e.elementId;
      if (key === undefined) continue;
      if (e.type === 'step.opened') {
        const draft: Draft = { caseId, stepKey: key, elementId: e.elementId ?? key, opened: (e.data ?? {}) as AuditEventData['step.opened'], enteredAt: e.at, end: 'open' };
        open.set(key, draft);
        drafts.push(draft);
        continue;
      }
      const draft = open.get(key);
      if (!draft) continue;
      if (e.type === 'step.claimed') {
        if (e.actor !== undefined) draft.claimedBy = e.actor;
      } else if (e.type === 'step.released') {
        delete draft.claimedBy;
      } else if (e.type === 'step.completed' || e.type === 'step.cancelled') {
        draft.end = e.type === 'step.completed' ? 'completed' : 'cancelled';
        draft.leftAt = e.at;
        if (e.actor !== undefined) draft.actor = e.actor;
        const outcome = (e.data as AuditEventData['step.completed'] | undefined)?.outcome;
        if (outcome !== undefined) draft.outcome = outcome;
        open.delete(key);
      }
    }
    for (const d of drafts) result.push(finish(d, pauses, options));
  }
  return result;
}

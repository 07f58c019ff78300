/**
 * The deadline clock of one case as a pure reducer over its clock events (the same events the
 * audit log records), so the server, the dry-run and the step-time audit all agree on the due
 * instant after supplement rounds and the one extension.
 */
import type { DateTime } from 'luxon';
import { DeadlineCalendarError } from '../errors.ts';
import type { SupplementMode } from '../bpmn/model.ts';
import type { AuditEvent } from '../audit/events.ts';
import type { Norm } from './norm.ts';
import { DAY_MS } from './days.ts';
import { normWorkingMs, toEpochMs, toVnDateTime } from './calendar.ts';
import type { InstantInput, WorkingCalendar } from './calendar.ts';

/** What happens to a case's clock. */
export type ClockEvent =
  /**
   * The dossier was received: the receipt instant, to which the cut-off rule is applied. Passing an
   * already computed effective start gives the same result (the rule is idempotent).
   */
  | { readonly type: 'received'; readonly at: InstantInput }
  /** A request to supplement was sent (Phiếu yêu cầu bổ sung): the clock stops. */
  | { readonly type: 'supplementRequested'; readonly at: InstantInput }
  /** The complete supplement was received: the clock runs again (restart or pause mode). */
  | { readonly type: 'supplementReceived'; readonly at: InstantInput }
  /** The apology and extension letter (BM.04) set a new appointment; allowed once (Decree 61 Art. 19(9)). */
  | { readonly type: 'extended'; readonly newAppointment: InstantInput; readonly at?: InstantInput };

export interface DeadlineSpec {
  readonly norm: Norm;
  /** `restart` (default, Decree 61 Art. 19(4)): the full norm runs again from the resubmission; `pause`: the time already spent counts. */
  readonly supplementMode?: SupplementMode;
  readonly calendar: WorkingCalendar;
  /** Receipt cut-off `HH:mm`, default `15:00`; also applied to the resubmission. */
  readonly cutoff?: string;
}

export interface ClockPause {
  /** When the supplement was requested. */
  readonly from: DateTime;
  /** When the clock ran again (the effective start of the resubmission). */
  readonly to: DateTime;
}

export interface DeadlineState {
  readonly state: 'running' | 'stopped';
  /** The current appointment: the extension's if one was issued, else the norm's due instant. Absent while stopped. */
  readonly dueAt?: DateTime;
  /** The due instant the norm alone gives (absent while stopped). */
  readonly computedDueAt?: DateTime;
  /** Effective start of the first receipt. */
  readonly receivedStart: DateTime;
  /** Effective start of the current running period. */
  readonly runningSince?: DateTime;
  /** While stopped: since when. */
  readonly stoppedSince?: DateTime;
  /** The latest instant a supplement may be requested: 3 working days after the effective start (Decree 61 Art. 19(4)). */
  readonly supplementRequestDeadline: DateTime;
  readonly pausedIntervals: readonly ClockPause[];
  /** Number of supplement requests. */
  readonly rounds: number;
  readonly extended: boolean;
  /** Working minutes (calendar minutes for calendar-day norms) that count towards the norm so far in this count. */
  readonly spentMinutes: number;
}

const MINUTE = 60_000;

/**
 * Replays a case's clock events.
 *
 * Restart mode: on the complete resubmission the whole norm runs again from its effective start
 * (the next working morning when received after the cut-off). Pause mode: the time spent before
 * the request still counts; the remainder runs from the resubmission's effective start. The
 * extension replaces the appointment; later resubmissions still recompute `computedDueAt`, and
 * `dueAt` stays the extension's appointment. Throws {@link DeadlineCalendarError} on an
 * impossible sequence (no receipt first, events out of order, a resubmission without request, a
 * second extension).
 *
 * @example
 * computeDeadline({ norm: { amount: 10, unit: 'workingDays' }, calendar }, [
 *   { type: 'received', at: '2026-03-02T08:00' },
 *   { type: 'supplementRequested', at: '2026-03-04T10:00' },
 *   { type: 'supplementReceived', at: '2026-03-10T16:00' },
 * ]).dueAt // restart: 10 WD from 2026-03-11 07:30
 */
export function computeDeadline(spec: DeadlineSpec, events: readonly ClockEvent[]): DeadlineState {
  const { calendar, norm } = spec;
  const cutoff = spec.cutoff ?? '15:00';
  const mode = spec.supplementMode ?? 'restart';
  const first = events[0];
  if (!first || first.type !== 'received') throw new DeadlineCalendarError('A case clock starts with a "received" event. Try putting the receipt first.');
  const calendarDays = norm.unit === 'calendarDays';
  const normMs = calendarDays ? Math.round(norm.amount * DAY_MS) : normWorkingMs(norm);
  const spentBetween = (a: number, b: number): number => (calendarDays ? b - a : calendar.workingMsBetween(a, b));
  const dueFrom = (startMs: number, remainingMs: number): number =>
    calendarDays ? calendar.addNormMs(startMs, { amount: remainingMs / DAY_MS, unit: 'calendarDays' }) : calendar.addWorkingMs(startMs, remainingMs);

  const receivedStartMs = toEpochMs(calendar.effectiveStart(first.at, cutoff));
  let lastAt = toEpochMs(first.at);
  let runningSince: number | undefined = receivedStartMs;
  let stoppedSince: number | undefined;
  let spentMs = 0;
  let computedDue: number | undefined = dueFrom(receivedStartMs, normMs);
  let extension: number | undefined;
  let rounds = 0;
  const pauses: ClockPause[] = [];

  for (const event of events.slice(1)) {
    const at = toEpochMs(event.type === 'extended' ? (event.at ?? event.newAppointment) : event.at);
    if (event.type !== 'extended' && at < lastAt) throw new DeadlineCalendarError(`Clock event ${event.type} at ${toVnDateTime(at).toISO()} is earlier than the previous event. Try ordering the events by time.`);
    if (event.type !== 'extended') lastAt = at;
    switch (event.type) {
      case 'received':
        throw new DeadlineCalendarError('A case is received only once. Try "supplementReceived" for a resubmission.');
      case 'supplementRequested': {
        if (runningSince === undefined) throw new DeadlineCalendarError('A supplement was requested while the clock was already stopped. Try recording the resubmission first.');
        spentMs += Math.max(0, spentBetween(runningSince, at));
        stoppedSince = at;
        runningSince = undefined;
        computedDue = undefined;
        rounds += 1;
        break;
      }
      case 'supplementReceived': {
        if (stoppedSince === undefined) throw new DeadlineCalendarError('A supplement was received but none was requested. Try recording "supplementRequested" first.');
        const resume = toEpochMs(calendar.effectiveStart(at, cutoff));
        pauses.push({ from: toVnDateTime(stoppedSince), to: toVnDateTime(resume) });
        if (mode === 'restart') spentMs = 0;
        runningSince = resume;
        stoppedSince = undefined;
        computedDue = dueFrom(resume, Math.max(0, normMs - spentMs));
        break;
      }
      case 'extended': {
        if (extension !== undefined) throw new DeadlineCalendarError('The appointment may be set again only once (Decree 61 Art. 19(9)). Try keeping the first extension.');
        extension = toEpochMs(event.newAppointment);
        break;
      }
    }
  }

  const due = runningSince === undefined ? undefined : (extension ?? computedDue);
  return {
    state: runningSince === undefined ? 'stopped' : 'running',
    ...(due !== undefined ? { dueAt: toVnDateTime(due) } : {}),
    ...(computedDue !== undefined ? { computedDueAt: toVnDateTime(computedDue) } : {}),
    receivedStart: toVnDateTime(receivedStartMs),
    ...(runningSince !== undefined ? { runningSince: toVnDateTime(runningSince) } : {}),
    ...(stoppedSince !== undefined ? { stoppedSince: toVnDateTime(stoppedSince) } : {}),
    supplementRequestDeadline: calendar.addNorm(receivedStartMs, { amount: 3, unit: 'workingDays' }),
    pausedIntervals: pauses,
    rounds,
    extended: extension !== undefined,
    spentMinutes: spentMs / MINUTE,
  };
}

/**
 * The clock events of one case's audit log (in log order): `case.received` (its `receivedAt`,
 * else the event time), `supplement.requested`, `supplement.received`, and `apology.issued` with a
 * `newAppointmentAt`. Other events do not move the clock. Feed the result to {@link computeDeadline}
 * to recompute a case's due instant, e.g. after its calendar changed.
 */
export function clockEventsFromAudit(events: readonly AuditEvent[]): ClockEvent[] {
  const clock: ClockEvent[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'case.received': {
        const receivedAt = event.data?.['receivedAt'];
        clock.push({ type: 'received', at: typeof receivedAt === 'string' ? receivedAt : event.at });
        break;
      }
      case 'supplement.requested':
        clock.push({ type: 'supplementRequested', at: event.at });
        break;
      case 'supplement.received':
        clock.push({ type: 'supplementReceived', at: event.at });
        break;
      case 'apology.issued': {
        const newAppointment = event.data?.['newAppointmentAt'];
        if (typeof newAppointment === 'string') clock.push({ type: 'extended', newAppointment, at: event.at });
        break;
      }
      default:
        break;
    }
  }
  return clock;
}

/**
 * Case timeliness from the audit stream: when the clock started, the appointment (after
 * supplement restarts, recomputations and the one allowed extension), when processing finished,
 * and the classification the one-stop statistics report.
 */
import type { AuditEvent, AuditEventData } from './events.ts';
import { classifyFinished, groupByCase, type Timeliness } from './intervals.ts';

export interface CaseTimeliness {
  readonly caseId: string;
  readonly code?: string;
  readonly processId?: string;
  /** The receiving unit (the `case.received` event's unit). */
  readonly unit?: string;
  readonly channel?: 'desk' | 'online' | 'post';
  readonly receivedAt?: string;
  readonly effectiveStart?: string;
  /** The appointment before any apology letter (after supplement restarts and recomputations). */
  readonly appointmentAt?: string;
  /** The new appointment set by the apology letter, if one was issued. */
  readonly extendedAppointmentAt?: string;
  /** When processing finished: the case ended, or the result-return step (outside the clock) opened. */
  readonly finishedAt?: string;
  readonly supplementRounds: number;
  readonly apologyIssued: boolean;
  /** Refused, withdrawn, stopped or abandoned: not counted early/on time/late. */
  readonly closedWithoutResult?: 'refused' | 'withdrawn' | 'stopped' | 'abandoned';
  readonly closedAt?: string;
  readonly timeliness?: Timeliness;
}

const CLOSED: Partial<Record<AuditEvent['type'], CaseTimeliness['closedWithoutResult']>> = {
  'case.refused': 'refused',
  'case.withdrawn': 'withdrawn',
  'case.stopped': 'stopped',
  'case.abandoned': 'abandoned',
};

function reduceCase(caseId: string, events: readonly AuditEvent[], now: string | undefined): CaseTimeliness {
  let received: AuditEventData['case.received'] = {};
  let receivedEventAt: string | undefined;
  let unit: string | undefined;
  let closedAt: string | undefined;
  let appointmentAt: string | undefined;
  let extendedAppointmentAt: string | undefined;
  let finishedAt: string | undefined;
  let supplementRounds = 0;
  let apologyIssued = false;
  let closedWithoutResult: CaseTimeliness['closedWithoutResult'];
  for (const e of events) {
    switch (e.type) {
      case 'case.received':
        received = (e.data ?? {}) as AuditEventData['case.received'];
        receivedEventAt = e.at;
        unit = e.unit;
        appointmentAt = received.appointmentAt;
        break;
      case 'supplement.requested':
        supplementRounds += 1;
        break;
      case 'supplement.received':
      case 'case.deadlineRecomputed': {
        const next = (e.data as { appointmentAt?: string } | undefined)?.appointmentAt;
        if (next !== undefined) appointmentAt = next;
        break;
      }
      case 'apology.issued': {
        apologyIssued = true;
        const next = (e.data as AuditEventData['apology.issued'] | undefined)?.newAppointmentAt;
        if (next !== undefined) extendedAppointmentAt = next;
        break;
      }
      case 'step.opened':
        if ((e.data as AuditEventData['step.opened'] | undefined)?.outsideClock === true) finishedAt ??= e.at;
        break;
      case 'case.ended':
        finishedAt ??= e.at;
        break;
      default: {
        const closed = CLOSED[e.type];
        if (closed !== undefined && closedWithoutResult === undefined) {
          closedWithoutResult = closed;
          closedAt = e.at;
        }
      }
    }
  }
  let timeliness: Timeliness | undefined;
  if (closedWithoutResult === undefined && appointmentAt !== undefined) {
    if (finishedAt !== undefined) {
      // A case that needed an apology letter stays late in the statistics (Decree 61 Art. 19(9)).
      timeliness = apologyIssued ? 'late' : classifyFinished(finishedAt, appointmentAt);
    } else if (now !== undefined) {
      timeliness = Date.parse(now) > Date.parse(appointmentAt) || apologyIssued ? 'overdue' : 'withinDeadline';
    }
  }
  return {
    caseId,
    ...(received.code !== undefined && { code: received.code }),
    ...(received.processId !== undefined && { processId: received.processId }),
    ...(unit !== undefined && { unit }),
    ...(received.channel !== undefined && { channel: received.channel }),
    ...((received.receivedAt ?? receivedEventAt) !== undefined && { receivedAt: received.receivedAt ?? receivedEventAt }),
    ...(received.effectiveStart !== undefined && { effectiveStart: received.effectiveStart }),
    ...(appointmentAt !== undefined && { appointmentAt }),
    ...(extendedAppointmentAt !== undefined && { extendedAppointmentAt }),
    ...(finishedAt !== undefined && { finishedAt }),
    supplementRounds,
    apologyIssued,
    ...(closedWithoutResult !== undefined && { closedWithoutResult }),
    ...(closedAt !== undefined && { closedAt }),
    ...(timeliness !== undefined && { timeliness }),
  };
}

/**
 * One row per case in the stream, in order of first appearance.
 *
 * @example caseTimeliness(events, '2026-03-10T08:00:00+07:00')[0].timeliness // 'withinDeadline'
 */
export function caseTimeliness(events: readonly AuditEvent[], now?: string): CaseTimeliness[] {
  return [...groupByCase(events)].map(([caseId, list]) => reduceCase(caseId, list, now));
}

export interface TimelinessSummary {
  readonly received: number;
  readonly finished: number;
  readonly early: number;
  readonly onTime: number;
  readonly late: number;
  readonly inProgress: number;
  readonly withinDeadline: number;
  readonly overdue: number;
  readonly closedWithoutResult: number;
  readonly apologies: number;
  /** (early + on time) / finished; 1 when nothing finished. */
  readonly onTimeRate: number;
}

/** The counts of the one-stop statistics table (received, resolved early/on time/late, in progress). */
export function summarizeTimeliness(cases: readonly CaseTimeliness[]): TimelinessSummary {
  const count = (t: Timeliness) => cases.filter((c) => c.timeliness === t).length;
  const early = count('early');
  const onTime = count('onTime');
  const late = count('late');
  const finished = early + onTime + late;
  const withinDeadline = count('withinDeadline');
  const overdue = count('overdue');
  return {
    received: cases.length,
    finished,
    early,
    onTime,
    late,
    inProgress: withinDeadline + overdue,
    withinDeadline,
    overdue,
    closedWithoutResult: cases.filter((c) => c.closedWithoutResult !== undefined).length,
    apologies: cases.filter((c) => c.apologyIssued).length,
    onTimeRate: finished === 0 ? 1 : (early + onTime) / finished,
  };
}

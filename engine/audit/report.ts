/**
 * The periodic one-stop statistics table (Biểu số II.06a/VPCP/KSTT, layout in
 * shared/docs/domain-verified.md §5): per receiving unit, dossiers received (new online / new in
 * person or by post / carried over), resolved early / on time / late, and in progress within the
 * deadline / overdue at the end of the period. A pure reduction of case timeliness rows.
 */
import { classifyFinished } from './intervals.ts';
import type { CaseTimeliness } from './timeliness.ts';

export interface PeriodReportRow {
  /** Receiving unit id; `''` for cases without one. The total row has `unit: '*'`. */
  readonly unit: string;
  /** Col. 3–6: received = new online + new in person/post + carried over from before the period. */
  readonly received: number;
  readonly newOnline: number;
  readonly newDeskOrPost: number;
  readonly carriedOver: number;
  /** Col. 7–10: resolved in the period. */
  readonly resolved: number;
  readonly early: number;
  readonly onTime: number;
  readonly late: number;
  /** Col. 11–13: still in progress at the end of the period. */
  readonly inProgress: number;
  readonly withinDeadline: number;
  readonly overdue: number;
  /** Refused, withdrawn, stopped or abandoned in the period (not in the table's columns). */
  readonly closedWithoutResult: number;
  /** (early + on time) / resolved; 1 when nothing was resolved. */
  readonly onTimeRate: number;
}

const at = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

type Counts = { -readonly [K in keyof Omit<PeriodReportRow, 'unit' | 'onTimeRate'>]: number };

function emptyCounts(): Counts {
  return { received: 0, newOnline: 0, newDeskOrPost: 0, carriedOver: 0, resolved: 0, early: 0, onTime: 0, late: 0, inProgress: 0, withinDeadline: 0, overdue: 0, closedWithoutResult: 0 };
}

function row(unit: string, c: Counts): PeriodReportRow {
  return { unit, ...c, onTimeRate: c.resolved === 0 ? 1 : (c.early + c.onTime) / c.resolved };
}

/**
 * One row per receiving unit (in order of first appearance) and a total row last.
 *
 * @example periodReport(caseTimeliness(events), '2026-01-01T00:00:00+07:00', '2026-03-31T23:59:59+07:00')
 */
export function periodReport(cases: readonly CaseTimeliness[], from: string, to: string): PeriodReportRow[] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const byUnit = new Map<string, Counts>();
  const total = emptyCounts();
  for (const c of cases) {
    const received = at(c.receivedAt);
    if (received === undefined || received > end) continue;
    const finished = at(c.finishedAt);
    const closed = at(c.closedAt);
    const leftAt = finished ?? closed;
    // Finished or closed before the period began: not part of this period at all.
    if (leftAt !== undefined && leftAt < start) continue;
    const counts = byUnit.get(c.unit ?? '') ?? emptyCounts();
    byUnit.set(c.unit ?? '', counts);
    const add = (key: keyof Counts) => {
      counts[key] += 1;
      total[key] += 1;
    };
    add('received');
    if (received < start) add('carriedOver');
    else add(c.channel === 'online' ? 'newOnline' : 'newDeskOrPost');
    if (closed !== undefined && closed <= end && finished === undefined) {
      add('closedWithoutResult');
    } else if (finished !== undefined && finished <= end) {
      add('resolved');
      // An apology letter keeps the case late (Decree 61 Art. 19(9)).
      const t = c.apologyIssued ? 'late' : c.appointmentAt ? classifyFinished(c.finishedAt!, c.appointmentAt) : 'onTime';
      add(t);
    } else {
      add('inProgress');
      const appointment = at(c.appointmentAt);
      add(c.apologyIssued || (appointment !== undefined && end > appointment) ? 'overdue' : 'withinDeadline');
    }
  }
  return [...[...byUnit.entries()].map(([unit, c]) => row(unit, c)), row('*', total)];
}

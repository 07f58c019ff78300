/**
 * The process control slip (Phiếu kiểm soát quá trình giải quyết hồ sơ, form BM.05) as data:
 * one row per handover of the dossier, with the time to the minute, the giver, the receiver and
 * the result of the step just handed over. Circular 01/2018 and 3621/QĐ-BYT (BM.05) say the
 * trail is kept automatically by the system: here it is a reduction of the audit log.
 */
import type { AuditEvent } from './events.ts';
import { stepIntervals, type IntervalOptions, type StepInterval } from './intervals.ts';

export interface ControlSlipRow {
  readonly caseId: string;
  /** 1-based row number. */
  readonly index: number;
  readonly handedAt: string;
  /** The step that handed the dossier over; absent for the first row (from the receiving desk). */
  readonly fromStepKey?: string;
  readonly fromStepName?: string;
  readonly giverUnit?: string;
  readonly giverActor?: string;
  readonly toStepKey: string;
  readonly toStepName?: string;
  readonly receiverUnit?: string;
  readonly receiverRole?: string;
  /** Who took the step over: the officer who claimed it, else the one who completed it. */
  readonly receiverActor?: string;
  /** Early / on time / late of the step handed over, as the receiving party records it. */
  readonly result?: 'early' | 'onTime' | 'late';
  /** The outcome chosen at the handing step (e.g. `approve`, `return`). */
  readonly outcome?: string;
}

/**
 * Builds the slip rows of every case in the stream. A step opened right after receipt is handed
 * over by the receiving desk (the `case.received` actor and unit).
 *
 * @example controlSlipRows(events, { workingTime })[0].giverUnit // 'TTPVHCC'
 */
export function controlSlipRows(events: readonly AuditEvent[], options: IntervalOptions): ControlSlipRow[] {
  const intervals = stepIntervals(events, options);
  const byCase = new Map<string, StepInterval[]>();
  for (const i of intervals) {
    const list = byCase.get(i.caseId);
    if (list) list.push(i);
    else byCase.set(i.caseId, [i]);
  }
  const receipts = new Map<string, AuditEvent>();
  for (const e of events) if (e.type === 'case.received' && !receipts.has(e.caseId)) receipts.set(e.caseId, e);

  const rows: ControlSlipRow[] = [];
  for (const [caseId, list] of byCase) {
    const receipt = receipts.get(caseId);
    let index = 0;
    for (const to of list) {
      const enteredMs = Date.parse(to.enteredAt);
      // The giver is the step completed last at or before this step opened (a parallel join
      // is handed over by whichever branch finished last).
      let from: StepInterval | undefined;
      for (const candidate of list) {
        if (candidate === to || candidate.end !== 'completed' || candidate.leftAt === undefined) continue;
        const leftMs = Date.parse(candidate.leftAt);
        if (leftMs <= enteredMs && (from === undefined || leftMs >= Date.parse(from.leftAt!))) from = candidate;
      }
      index += 1;
      const receiverActor = to.claimedBy ?? to.actor;
      const giverUnit = from ? from.unit : receipt?.unit;
      const giverActor = from ? from.actor : receipt?.actor;
      const result = from?.timeliness;
      rows.push({
        caseId,
        index,
        handedAt: to.enteredAt,
        ...(from !== undefined && { fromStepKey: from.stepKey }),
        ...(from?.name !== undefined && { fromStepName: from.name }),
        ...(giverUnit !== undefined && { giverUnit }),
        ...(giverActor !== undefined && { giverActor }),
        toStepKey: to.stepKey,
        ...(to.name !== undefined && { toStepName: to.name }),
        ...(to.unit !== undefined && { receiverUnit: to.unit }),
        ...(to.role !== undefined && { receiverRole: to.role }),
        ...(receiverActor !== undefined && { receiverActor }),
        ...((result === 'early' || result === 'onTime' || result === 'late') && { result }),
        ...(from?.outcome !== undefined && { outcome: from.outcome }),
      });
    }
  }
  return rows;
}

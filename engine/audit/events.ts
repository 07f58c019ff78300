/**
 * The audit vocabulary. The server appends one row per event, each chained to the previous
 * event of its case by hash; step intervals, the control slip (BM.05), exports and the
 * simplification review are all pure reductions of these events.
 */
export type AuditEventType =
  | 'case.received'
  | 'case.refused'
  | 'case.withdrawn'
  | 'case.stopped'
  | 'case.abandoned'
  | 'case.ended'
  | 'case.resultReturned'
  | 'case.migrated'
  | 'case.deadlineRecomputed'
  | 'step.opened'
  | 'step.claimed'
  | 'step.released'
  | 'step.completed'
  | 'step.cancelled'
  | 'supplement.requested'
  | 'supplement.received'
  | 'apology.issued'
  | 'timer.fired'
  | 'message.received'
  | 'calendar.changed';

export interface AuditEvent {
  readonly type: AuditEventType;
  /** ISO instant with offset. */
  readonly at: string;
  readonly caseId: string;
  readonly actor?: string;
  readonly unit?: string;
  readonly elementId?: string;
  readonly stepKey?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

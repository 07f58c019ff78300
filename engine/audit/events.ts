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
  | 'calendar.changed'
  // Administration (chain `admin:users`): who changed accounts, roles, units and API tokens.
  | 'user.created'
  | 'user.updated'
  | 'unit.created'
  | 'unit.updated'
  | 'token.created'
  | 'token.revoked';

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

/**
 * What `data` carries per event type. The reducers in engine/audit read these keys; writers
 * (the server) should fill them. Every key is optional so older rows stay readable.
 */
export interface AuditEventData {
  'case.received': {
    readonly processId?: string;
    readonly version?: number;
    readonly code?: string;
    readonly channel?: 'desk' | 'online' | 'post';
    readonly applicantName?: string;
    /** When the dossier was physically received (may precede the effective start). */
    readonly receivedAt?: string;
    /** When the clock starts (after the receipt cut-off / on the next working morning). */
    readonly effectiveStart?: string;
    /** The appointment for the result (ngày hẹn trả). */
    readonly appointmentAt?: string;
  };
  'step.opened': {
    readonly name?: string;
    readonly role?: string;
    readonly unit?: string;
    readonly norm?: { readonly amount: number; readonly unit: 'workingHours' | 'workingDays' | 'calendarDays' };
    /** The step's due instant computed by the server's calendar. */
    readonly dueAt?: string;
    readonly outsideClock?: boolean;
  };
  'step.completed': { readonly outcome?: string; readonly comment?: string; readonly timeliness?: 'early' | 'onTime' | 'late' };
  'step.cancelled': { readonly reason?: string };
  'supplement.requested': { readonly reason?: string; readonly items?: readonly string[] };
  /** The complete resubmission; `appointmentAt` is the new appointment (restart) or the resumed one (pause). */
  'supplement.received': { readonly appointmentAt?: string; readonly mode?: 'restart' | 'pause' };
  'apology.issued': { readonly reason?: string; readonly newAppointmentAt?: string; readonly previousAppointmentAt?: string | null; readonly signedBy?: string };
  'case.deadlineRecomputed': { readonly appointmentAt?: string };
  /** An open case moved to a newer version of its procedure (server/services/case-migration.ts); `active` = where it was. */
  'case.migrated': { readonly fromVersion?: number; readonly toVersion?: number; readonly fromHash?: string; readonly toHash?: string; readonly active?: readonly string[] };
  'case.ended': { readonly endEventId?: string; readonly result?: 'completed' | 'terminated' | 'error' };
  'case.refused': { readonly reason?: string };
}

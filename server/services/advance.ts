/**
 * One advance is one transaction: read the case with its version, send the event to the engine,
 * write the snapshot, the step rows, the timers, the audit events and the outbox messages, and bump
 * the version with `UPDATE … WHERE case_version = ?`. A stale version is refused, never lost.
 * Effects that reach outside the database (service handlers, child cases) run after the commit.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEventType, CaseData, EngineEvent, Norm, OpenStep, PersistedCase, ProcedureSpec, StepResult } from '../../engine/index.ts';
import { appendAudit } from '../audit/chain.ts';
import type { AuditAppend } from '../audit/chain.ts';
import { Problem, notFound } from '../errors.ts';
import { fromJson } from '../storage/db.ts';
import type { Tx } from '../storage/db.ts';
import { prepared, preparedInsert } from '../storage/prepared.ts';
import type { CaseRow, CaseStepRow } from '../storage/schema.ts';
import type { Actor, ServiceDeps } from './context.ts';
import { loadVersion } from './definitions.ts';
import type { LoadedVersion } from './definitions.ts';
import type { WorkingCalendar } from './ports.ts';
import { classifyFinished, timerDueAt } from './time.ts';

/** Status codes 1–10 (domain.md, national-portal vocabulary). */
export const STATUS = {
  registered: 1,
  accepted: 2,
  refused: 3,
  inProcess: 4,
  supplementRequested: 5,
  feeRequested: 6,
  withdrawn: 7,
  stopped: 8,
  processed: 9,
  resultReturned: 10,
} as const;

/** The columns of a case row an advance may change (commitChange writes them all). */
type CaseChanges = Partial<Pick<CaseRow, 'version' | 'status_code' | 'clock_state' | 'appointment_at' | 'due_at' | 'ended_at' | 'end_event_id' | 'timeliness' | 'apology_count' | 'supplement_rounds'>>;

// The statements of every advance, compiled once (server/storage/prepared.ts).
const claimExpectedVersion = prepared<{ id: string; expected: number }, CaseRow>((db, p) =>
  db.updateTable('cases').set((eb) => ({ case_version: eb('case_version', '+', 1) })).where('id', '=', p.id).where('case_version', '=', p.expected).returningAll(),
);
const claimNextVersion = prepared<{ id: string }, CaseRow>((db, p) => db.updateTable('cases').set((eb) => ({ case_version: eb('case_version', '+', 1) })).where('id', '=', p.id).returningAll());
const writeCase = prepared<Pick<CaseRow, 'id' | keyof CaseChanges | 'audit_seq' | 'audit_hash' | 'snapshot' | 'clock' | 'data' | 'case_version' | 'updated_at'>, never>((db, p) =>
  db
    .updateTable('cases')
    .set({
      version: p.version,
      status_code: p.status_code,
      clock_state: p.clock_state,
      appointment_at: p.appointment_at,
      due_at: p.due_at,
      ended_at: p.ended_at,
      end_event_id: p.end_event_id,
      timeliness: p.timeliness,
      apology_count: p.apology_count,
      supplement_rounds: p.supplement_rounds,
      audit_seq: p.audit_seq,
      audit_hash: p.audit_hash,
      snapshot: p.snapshot,
      clock: p.clock,
      data: p.data,
      case_version: p.case_version,
      updated_at: p.updated_at,
    })
    .where('id', '=', p.id),
);
/** A step row of a case, open or closed (none when the case has no such step): what acting on it needs. */
export const stepOfCase = prepared<{ caseId: string; stepKey: string }, Pick<CaseStepRow, 'element_id' | 'name' | 'unit_id' | 'outcomes' | 'due_at' | 'claimed_by' | 'closed_at'>>((db, p) =>
  db.selectFrom('case_steps').select(['element_id', 'name', 'unit_id', 'outcomes', 'due_at', 'claimed_by', 'closed_at']).where('case_id', '=', p.caseId).where('step_key', '=', p.stepKey),
);
const closeStepRow = prepared<{ caseId: string; stepKey: string; closedAt: string; outcome: string | null; closedBy: string | null; reason: string; timeliness: string | null }, never>((db, p) =>
  db
    .updateTable('case_steps')
    .set({ closed_at: p.closedAt, outcome: p.outcome, closed_by: p.closedBy, close_reason: p.reason, timeliness: p.timeliness })
    .where('case_id', '=', p.caseId)
    .where('step_key', '=', p.stepKey)
    .where('closed_at', 'is', null),
);
const deletePendingTimer = prepared<{ caseId: string; timerKey: string }, never>((db, p) => db.deleteFrom('timers').where('case_id', '=', p.caseId).where('timer_key', '=', p.timerKey).where('fired_at', 'is', null));
const deletePendingTimers = prepared<{ caseId: string }, never>((db, p) => db.deleteFrom('timers').where('case_id', '=', p.caseId).where('fired_at', 'is', null));
const insertSteps = preparedInsert('case_steps', ['case_id', 'step_key', 'element_id', 'name', 'kind', 'role', 'unit_id', 'norm', 'outcomes', 'outside_clock', 'opened_at', 'due_at', 'claimed_by', 'claimed_at', 'closed_at', 'outcome', 'closed_by', 'close_reason', 'timeliness']);
const insertTimers = preparedInsert('timers', ['id', 'case_id', 'timer_key', 'element_id', 'purpose', 'due_at', 'claimed_by', 'claimed_until', 'fired_at']);
const insertOutbox = preparedInsert('outbox', ['topic', 'payload', 'created_at', 'next_attempt_at', 'delivered_at', 'last_error']);

export interface AwaitedMessage {
  readonly name: string;
  readonly elementId: string;
  readonly stopsClock: boolean;
}

/** The `snapshot` column: the engine's persisted case plus what the server reads without the engine. */
export interface StoredSnapshot {
  readonly engine: PersistedCase;
  readonly active: readonly string[];
  readonly awaiting: readonly AwaitedMessage[];
}

/** The `clock` column: bookkeeping of stops and notifications. */
export interface ClockInfo {
  /** The clock stopped (supplement requested) at this instant. */
  readonly stoppedAt?: string;
  /** Pause mode: working minutes already spent when the clock stopped. */
  readonly workedMinutes?: number;
  /** When the current run of the clock began (effective start, or the last resubmission). */
  readonly runningSince?: string;
  /** When processing finished (the case ended or the result-return step opened). */
  readonly finishedAt?: string;
}

/** Work to do once the transaction has committed. */
export type AfterCommit =
  | { readonly kind: 'service'; readonly caseId: string; readonly stepKey: string; readonly handler?: string }
  | { readonly kind: 'child'; readonly caseId: string; readonly stepKey: string; readonly calledElement: string; readonly data: CaseData }
  /** A child case ended: its parent's call activity may continue. */
  | { readonly kind: 'childEnded'; readonly parentCaseId: string; readonly parentStepKey: string; readonly endEventId: string; readonly data: CaseData };

/** A case being changed inside one transaction: the row as read plus the changes so far. */
export class CaseChange {
  readonly audit: AuditAppend[] = [];
  readonly after: AfterCommit[] = [];
  readonly outbox: { topic: string; payload: Record<string, unknown> }[] = [];
  /** Step rows this transaction already read while open (due instant, unit), so closing them needs no second read. */
  readonly openStepRows = new Map<string, { readonly due_at: string | null; readonly unit_id: string | null }>();
  update: CaseChanges = {};
  /** The case row as `commitChange` wrote it. */
  committed: CaseRow | undefined;
  snapshot: StoredSnapshot;
  clock: ClockInfo;
  data: CaseData;

  constructor(
    readonly row: CaseRow,
    readonly definition: LoadedVersion,
    readonly calendar: WorkingCalendar,
    readonly actor: Actor,
    readonly now: string,
  ) {
    this.snapshot = fromJson<StoredSnapshot>(row.snapshot, { engine: { definitionHash: definition.hash, machine: null }, active: [], awaiting: [] });
    this.clock = fromJson<ClockInfo>(row.clock, {});
    this.data = fromJson<CaseData>(row.data, {});
  }

  get statusCode(): number {
    return this.update.status_code ?? this.row.status_code;
  }
  get ended(): boolean {
    return (this.update.ended_at ?? this.row.ended_at) != null;
  }
  get dueAt(): string | null {
    return this.update.due_at !== undefined ? this.update.due_at : this.row.due_at;
  }
  get appointmentAt(): string | null {
    return this.update.appointment_at !== undefined ? this.update.appointment_at : this.row.appointment_at;
  }

  /** Queues an audit event of this case, attributed to the actor and the request. */
  event(type: AuditEventType, fields: { elementId?: string; stepKey?: string; data?: Record<string, unknown>; unit?: string } = {}): void {
    this.audit.push({
      type,
      at: this.now,
      caseId: this.row.id,
      ...(this.actor.username ? { actor: this.actor.username } : {}),
      ...((fields.unit ?? this.actor.unitId) ? { unit: fields.unit ?? this.actor.unitId } : {}),
      ...(fields.elementId ? { elementId: fields.elementId } : {}),
      ...(fields.stepKey ? { stepKey: fields.stepKey } : {}),
      ...(fields.data ? { data: fields.data } : {}),
      ...(this.actor.requestId ? { requestId: this.actor.requestId } : {}),
    });
  }

  notify(topic: string, payload: Record<string, unknown>): void {
    this.outbox.push({ topic, payload: { caseId: this.row.id, caseCode: this.row.code, ...payload } });
  }
}

/** Due instant of a step that opens now: the norm counted from when the case's clock runs. */
export function stepDueAt(change: CaseChange, norm: Norm | undefined): string | null {
  if (!norm) return null;
  const from = [change.now, change.row.effective_start].sort().at(-1)!;
  return change.calendar.addNorm(from, norm);
}

async function openStep(trx: Tx, change: CaseChange, step: OpenStep): Promise<void> {
  const dueAt = step.outsideClock ? null : stepDueAt(change, step.norm);
  const unitId = step.unit ?? change.row.unit_id;
  await insertSteps(trx, [
    {
      case_id: change.row.id,
      step_key: step.stepKey,
      element_id: step.elementId,
      name: step.name ?? null,
      kind: step.kind,
      role: step.role ?? null,
      unit_id: unitId,
      norm: step.norm ? JSON.stringify(step.norm) : null,
      outcomes: JSON.stringify(step.outcomes),
      outside_clock: step.outsideClock ? 1 : 0,
      opened_at: change.now,
      due_at: dueAt,
      claimed_by: null,
      claimed_at: null,
      closed_at: null,
      outcome: null,
      closed_by: null,
      close_reason: null,
      timeliness: null,
    },
  ]);
  change.event('step.opened', {
    elementId: step.elementId,
    stepKey: step.stepKey,
    unit: unitId,
    data: { ...(step.name ? { name: step.name } : {}), ...(step.role ? { role: step.role } : {}), unit: unitId, ...(step.norm ? { norm: step.norm } : {}), ...(dueAt ? { dueAt } : {}), outsideClock: step.outsideClock },
  });
  change.notify('step.assigned', { stepKey: step.stepKey, elementId: step.elementId, role: step.role ?? null, unitId, dueAt });
  // No timer for the step's own due instant: the scheduler reads the open steps past theirs (announceOverdueSteps).
  // Opening the result-return step (outside the clock) means processing is finished.
  if (step.outsideClock && !change.clock.finishedAt) finishProcessing(change, STATUS.processed);
}

/** Processing is finished: classify against the appointment and stop counting. */
function finishProcessing(change: CaseChange, status: number): void {
  change.clock = { ...change.clock, finishedAt: change.now };
  change.update.status_code = status;
  const appointment = change.appointmentAt;
  // An apology letter moves the appointment, but the case still counts as late (Decree 61 Art. 19(9)).
  const apologised = (change.update.apology_count ?? change.row.apology_count) > 0;
  change.update.timeliness = apologised ? 'late' : appointment ? classifyFinished(change.now, appointment) : null;
}

/** Closes a step row; `reason` says whether the officer completed it or it was cancelled. */
export async function closeStep(trx: Tx, change: CaseChange, stepKey: string, elementId: string, reason: 'completed' | 'cancelled', outcome?: string, extra: Record<string, unknown> = {}): Promise<void> {
  const step = change.openStepRows.get(stepKey) ?? (await stepOfCase(trx, { caseId: change.row.id, stepKey }))[0];
  change.openStepRows.delete(stepKey);
  const timeliness = step?.due_at && reason === 'completed' ? classifyFinished(change.now, step.due_at) : null;
  await closeStepRow(trx, { caseId: change.row.id, stepKey, closedAt: change.now, outcome: outcome ?? null, closedBy: change.actor.username ?? null, reason, timeliness });
  change.event(reason === 'completed' ? 'step.completed' : 'step.cancelled', {
    elementId,
    stepKey,
    ...(step?.unit_id ? { unit: step.unit_id } : {}),
    data: reason === 'completed' ? { ...(outcome ? { outcome } : {}), ...(timeliness ? { timeliness } : {}), ...extra } : { ...extra },
  });
}

async function scheduleTimer(trx: Tx, caseId: string, timerKey: string, elementId: string | null, purpose: string, dueAt: string): Promise<void> {
  await insertTimers(trx, [{ id: randomUUID(), case_id: caseId, timer_key: timerKey, element_id: elementId, purpose, due_at: dueAt, claimed_by: null, claimed_until: null, fired_at: null }]);
}

/** Deletes a case's pending timers of some purposes, compiled once per list of purposes (the code names a handful). */
const deletePendingTimersFor = new Map<string, (executor: Tx, values: { caseId: string }) => Promise<unknown>>();

/** Removes a case's pending timers (all, or those of some purposes). */
export async function cancelTimers(trx: Tx, caseId: string, purposes?: readonly string[]): Promise<void> {
  if (!purposes) {
    await deletePendingTimers(trx, { caseId });
    return;
  }
  const key = purposes.join(' ');
  let statement = deletePendingTimersFor.get(key);
  if (!statement) {
    statement = prepared<{ caseId: string }, never>((db, p) => db.deleteFrom('timers').where('case_id', '=', p.caseId).where('fired_at', 'is', null).where('purpose', 'in', [...purposes]));
    deletePendingTimersFor.set(key, statement);
  }
  await statement(trx, { caseId });
}

/**
 * (Re)schedules the case-level deadline timers: "due soon" one working day (configurable) before
 * the deadline, and "overdue" at the deadline. The scheduler turns them into notifications.
 */
export async function scheduleDeadlineTimers(trx: Tx, deps: ServiceDeps, change: CaseChange): Promise<void> {
  await cancelTimers(trx, change.row.id, ['dueSoon', 'overdue']);
  const due = change.dueAt;
  if (!due || change.ended) return;
  const runningSince = change.clock.runningSince ?? change.row.effective_start;
  const total = change.calendar.workingMinutesBetween(runningSince, due);
  const soonAt = total > deps.dueSoonMinutes ? change.calendar.addNorm(runningSince, { amount: (total - deps.dueSoonMinutes) / 60, unit: 'workingHours' }) : change.now;
  await scheduleTimer(trx, change.row.id, 'case.dueSoon', null, 'dueSoon', soonAt);
  await scheduleTimer(trx, change.row.id, 'case.overdue', null, 'overdue', due);
}

/** Applies an engine step result: effects in order, then the new snapshot. */
export async function applyResult(trx: Tx, change: CaseChange, result: StepResult): Promise<void> {
  let awaiting = [...change.snapshot.awaiting];
  for (const effect of result.effects) {
    switch (effect.type) {
      case 'stepOpened':
        await openStep(trx, change, effect.step);
        break;
      case 'stepClosed':
        await closeStep(trx, change, effect.stepKey, effect.elementId, effect.reason, effect.outcome);
        break;
      case 'timerScheduled': {
        const dueAt = timerDueAt(effect.timer, change.now);
        if (!dueAt) throw new Problem('VALIDATION', `Timer ${effect.elementId} has an expression the server cannot schedule ("${effect.timer.expression}"). Fix the timer definition and deploy a new version.`, { elementId: effect.elementId });
        await scheduleTimer(trx, change.row.id, effect.timerKey, effect.elementId, 'engine', dueAt);
        break;
      }
      case 'timerCancelled':
        await deletePendingTimer(trx, { caseId: change.row.id, timerKey: effect.timerKey });
        break;
      case 'messageAwaited':
        awaiting = [...awaiting.filter((m) => m.elementId !== effect.elementId), { name: effect.name, elementId: effect.elementId, stopsClock: effect.stopsClock }];
        if (effect.stopsClock) stopClock(change, { elementId: effect.elementId });
        break;
      case 'messageNoLongerAwaited':
        awaiting = awaiting.filter((m) => m.elementId !== effect.elementId);
        break;
      case 'serviceRequested':
        change.after.push({ kind: 'service', caseId: change.row.id, stepKey: effect.stepKey, ...(effect.handler ? { handler: effect.handler } : {}) });
        break;
      case 'childCaseRequested':
        change.after.push({ kind: 'child', caseId: change.row.id, stepKey: effect.stepKey, calledElement: effect.calledElement, data: effect.data });
        break;
      case 'messageThrown':
        change.notify('message.thrown', { elementId: effect.elementId, name: effect.name ?? null });
        break;
      case 'escalationThrown':
        change.notify('escalation', { elementId: effect.elementId, code: effect.code ?? null });
        break;
      case 'elementPassed':
        break;
      case 'caseEnded':
        change.update.ended_at = change.now;
        change.update.end_event_id = effect.endEventId;
        change.update.clock_state = 'ended';
        change.update.due_at = null;
        // A refusal or stop path of the procedure (qt:caseStatus on its end event) resolves
        // nothing, so the case gets that status and no early/on-time/late class.
        if (effect.caseStatus) change.update.status_code = effect.caseStatus === 'refused' ? STATUS.refused : STATUS.stopped;
        else if (!change.clock.finishedAt) finishProcessing(change, STATUS.processed);
        // A case whose result-return step was reached has returned its result.
        else change.update.status_code = STATUS.resultReturned;
        change.event('case.ended', { elementId: effect.endEventId, data: { endEventId: effect.endEventId, result: effect.result } });
        change.notify('case.ended', { endEventId: effect.endEventId, result: effect.result });
        await cancelTimers(trx, change.row.id);
        if (change.row.parent_case_id && change.row.parent_step_key) {
          change.after.push({ kind: 'childEnded', parentCaseId: change.row.parent_case_id, parentStepKey: change.row.parent_step_key, endEventId: effect.endEventId, data: result.data });
        }
        break;
    }
  }
  change.snapshot = { engine: result.snapshot, active: result.active, awaiting };
  change.data = result.data;
}

/** Stops the case's clock for a supplement (status 5). Pause mode remembers the time already spent. */
export function stopClock(change: CaseChange, fields: { elementId?: string; reason?: string; items?: readonly string[] } = {}): void {
  if (change.clock.stoppedAt) return;
  const since = change.clock.runningSince ?? change.row.effective_start;
  const worked = (change.clock.workedMinutes ?? 0) + change.calendar.workingMinutesBetween(since, change.now);
  change.clock = { ...change.clock, stoppedAt: change.now, workedMinutes: worked };
  change.update.status_code = STATUS.supplementRequested;
  change.update.clock_state = 'stopped';
  change.update.due_at = null;
  change.update.supplement_rounds = (change.update.supplement_rounds ?? change.row.supplement_rounds) + 1;
  change.event('supplement.requested', { ...(fields.elementId ? { elementId: fields.elementId } : {}), data: { ...(fields.reason ? { reason: fields.reason } : {}), ...(fields.items ? { items: fields.items } : {}) } });
  change.notify('supplement.requested', { reason: fields.reason ?? null, applicant: fromJson<Record<string, unknown>>(change.row.applicant, {}) });
}

/**
 * Restarts the clock on the complete resubmission: in `restart` mode (Decree 61 Art. 19(4), the
 * default) the whole deadline runs again from the resubmission's effective start; in `pause` mode
 * the time already spent counts and only the remainder runs.
 */
export function resumeClock(change: CaseChange): void {
  if (!change.clock.stoppedAt) return;
  const procedure = change.definition.procedure;
  const start = change.calendar.effectiveStart(change.now, procedure.cutoffs[change.row.channel as 'desk'] ?? (change.row.channel === 'desk' ? '15:00' : undefined));
  let due: string | null = null;
  if (procedure.deadline) {
    if (procedure.supplementMode === 'pause') {
      const total = change.calendar.workingMinutesBetween(change.row.effective_start, change.calendar.addNorm(change.row.effective_start, procedure.deadline));
      const remaining = Math.max(0, total - (change.clock.workedMinutes ?? 0));
      due = change.calendar.addNorm(start, { amount: remaining / 60, unit: 'workingHours' });
    } else {
      due = change.calendar.addNorm(start, procedure.deadline);
    }
  }
  change.clock = { ...(procedure.supplementMode === 'pause' ? { workedMinutes: change.clock.workedMinutes ?? 0 } : {}), runningSince: start };
  change.update.status_code = STATUS.inProcess;
  change.update.clock_state = 'running';
  change.update.due_at = due;
  change.update.appointment_at = due;
  change.event('supplement.received', { data: { ...(due ? { appointmentAt: due } : {}), mode: procedure.supplementMode } });
  change.notify('supplement.received', { appointmentAt: due });
}

/**
 * The calendar a case computes its due instants with, by name (like a procedure's `qt:calendar`):
 * the one fixed at its receipt. A row naming none was received before cases kept it, or neither
 * its procedure nor its unit names one: then its procedure's calendar, else the default.
 */
export function calendarOfCase(row: Pick<CaseRow, 'calendar'>, procedure: Pick<ProcedureSpec, 'calendar'>): string | undefined {
  return row.calendar ?? procedure.calendar;
}

/**
 * Reads a case for change and claims its next version in the same statement
 * (`UPDATE … SET case_version = case_version + 1 [WHERE case_version = ?] RETURNING *`), before
 * anything else is written: a concurrent writer of the same version then waits on the row
 * (PostgreSQL) or the write lock (SQLite) and finds the version taken → STALE_VERSION. Without an
 * expected version the claim simply queues behind the other writer and changes the fresh row.
 */
export async function readForChange(trx: Tx, deps: ServiceDeps, caseId: string, actor: Actor, expectedVersion: number | undefined): Promise<CaseChange> {
  const [claimed] = expectedVersion === undefined ? await claimNextVersion(trx, { id: caseId }) : await claimExpectedVersion(trx, { id: caseId, expected: expectedVersion });
  if (!claimed) {
    const current = await trx.selectFrom('cases').select('case_version').where('id', '=', caseId).executeTakeFirst();
    if (!current) throw notFound(`Case ${caseId}`);
    throw staleVersion(current.case_version);
  }
  // The row as it was before the claim: commitChange writes version + 1 over it.
  const row: CaseRow = { ...claimed, case_version: Number(claimed.case_version) - 1 };
  const definition = await loadVersion(deps, row.process_id, row.version, { executor: trx });
  return new CaseChange(row, definition, deps.calendars(calendarOfCase(row, definition.procedure)), actor, deps.clock.now());
}

export function staleVersion(current: number): Problem {
  return new Problem('STALE_VERSION', 'The case changed since you read it. Reload it and try again.', { currentVersion: current });
}

/** Sends an engine event inside a case change. */
export async function sendEvent(trx: Tx, deps: ServiceDeps, change: CaseChange, event: EngineEvent): Promise<void> {
  if (change.ended) throw new Problem('NOT_ALLOWED', `Case ${change.row.code} has ended; nothing more can happen to it.`);
  const result = deps.engine.send(change.definition.runnable, change.snapshot.engine, event, change.now);
  await applyResult(trx, change, result);
}

/**
 * Writes the change: the audit events (chained on from the head kept on the case row), the case
 * row with the new chain head (its version was claimed by `readForChange`, or it is new), then the
 * outbox messages. Returns the new case version.
 */
export async function commitChange(trx: Tx, change: CaseChange): Promise<number> {
  const nextVersion = change.row.case_version + 1;
  if (change.statusCode === STATUS.accepted && !change.ended && change.audit.some((e) => e.type === 'step.completed')) change.update.status_code = STATUS.inProcess;
  // The chain head kept on the case row spares reading the newest event (null: not known yet).
  const known = change.row.audit_seq === null ? undefined : new Map([[change.row.id, { seq: Number(change.row.audit_seq), hash: change.row.audit_hash }]]);
  const head = (await appendAudit(trx, change.audit, known)).get(change.row.id);
  const written: CaseRow = {
    ...change.row,
    ...change.update,
    ...(head ? { audit_seq: head.seq, audit_hash: head.hash } : {}),
    snapshot: JSON.stringify(change.snapshot),
    clock: JSON.stringify(change.clock),
    data: JSON.stringify(change.data),
    case_version: nextVersion,
    updated_at: change.now,
  };
  await writeCase(trx, written);
  change.committed = written;
  await insertOutbox(
    trx,
    change.outbox.map((m) => ({ topic: m.topic, payload: JSON.stringify(m.payload), created_at: change.now, next_attempt_at: change.now, delivered_at: null, last_error: null })),
  );
  return nextVersion;
}

/** True for the error a concurrent writer causes, which a system event may simply retry. */
export function isConflict(error: unknown): boolean {
  if (error instanceof Problem) return error.code === 'STALE_VERSION';
  const code = (error as { code?: unknown }).code;
  // SQLite busy / unique chain collision, PostgreSQL serialization failure / unique violation.
  return code === 'SQLITE_BUSY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '40001' || code === '23505';
}

/**
 * Cases (hồ sơ): receipt, work on steps, supplement rounds, apology letters, withdrawal, stop and
 * refusal. Every change goes through `changeCase`: one transaction, one version bump, its audit
 * events chained inside it; outside effects run after the commit.
 */
import { randomUUID } from 'node:crypto';
import type { CaseData, Channel } from '../../engine/index.ts';
import { Problem, notFound } from '../errors.ts';
import { fromJson, toDbInstant } from '../storage/db.ts';
import type { DbOrTx, Tx } from '../storage/db.ts';
import { inGroupCommit } from '../storage/group-commit.ts';
import { caseCodeOfDay } from './case-code.ts';
import type { CaseCodeFormat } from './case-code.ts';
import { prepared, preparedInsert } from '../storage/prepared.ts';
import type { AuditEventRow, CaseRow, CaseStepRow } from '../storage/schema.ts';
import { CaseChange, STATUS, applyResult, calendarOfCase, cancelTimers, closeStep, commitChange, isConflict, readForChange, resumeClock, scheduleDeadlineTimers, sendEvent, stopClock, stepOfCase } from './advance.ts';
import type { AfterCommit, ClockInfo, StoredSnapshot } from './advance.ts';
import type { Actor, ServiceDeps } from './context.ts';
import { latestVersion, loadVersion } from './definitions.ts';
import { classifyOpen } from './time.ts';

// Read for every case detail, so compiled once (server/storage/prepared.ts).
// Only the columns shown: turning each column of each row into a JS value is most of a read's cost.
const openStepsOfCase = prepared<{ caseId: string }, Pick<CaseStepRow, 'step_key' | 'element_id' | 'name' | 'role' | 'unit_id' | 'opened_at' | 'due_at' | 'claimed_by' | 'outcomes' | 'outside_clock'>>((db, p) =>
  db
    .selectFrom('case_steps')
    .select(['step_key', 'element_id', 'name', 'role', 'unit_id', 'opened_at', 'due_at', 'claimed_by', 'outcomes', 'outside_clock'])
    .where('case_id', '=', p.caseId)
    .where('closed_at', 'is', null)
    .orderBy('opened_at'),
);
const eventsOfCase = prepared<{ caseId: string }, Pick<AuditEventRow, 'seq' | 'type' | 'at' | 'actor' | 'unit_id' | 'element_id' | 'step_key' | 'data' | 'request_id'>>((db, p) =>
  db.selectFrom('audit_events').select(['seq', 'type', 'at', 'actor', 'unit_id', 'element_id', 'step_key', 'data', 'request_id']).where('case_id', '=', p.caseId).orderBy('seq'),
);
const ownerOfStep = prepared<{ caseId: string; stepKey: string }, Pick<CaseStepRow, 'role' | 'unit_id'>>((db, p) => db.selectFrom('case_steps').select(['role', 'unit_id']).where('case_id', '=', p.caseId).where('step_key', '=', p.stepKey));
// Written by every receipt.
const countCaseOfDay = prepared<{ key: string }, { value: number }>((db, p) =>
  db
    .insertInto('case_counters')
    .values({ key: p.key, value: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb(eb.ref('case_counters.value'), '+', 1) })))
    .returning('value'),
);
const insertCase = preparedInsert('cases', ['id', 'code', 'process_id', 'version', 'unit_id', 'status_code', 'clock_state', 'applicant', 'applicant_search', 'channel', 'received_at', 'effective_start', 'appointment_at', 'due_at', 'data', 'snapshot', 'case_version', 'ended_at', 'timeliness', 'apology_count', 'supplement_rounds', 'clock', 'end_event_id', 'parent_case_id', 'parent_step_key', 'created_at', 'updated_at', 'audit_seq', 'audit_hash', 'calendar']);
// Read for every receipt whose procedure names no calendar.
const calendarOfUnit = prepared<{ unitId: string }, { calendar: string | null }>((db, p) => db.selectFrom('units').select('calendar').where('id', '=', p.unitId));

export interface Applicant {
  readonly name: string;
  readonly idNumber?: string;
  readonly phone?: string;
  readonly email?: string;
  readonly address?: string;
}

export interface ReceiveInput {
  readonly processId: string;
  readonly version?: number;
  readonly applicant: Applicant;
  readonly channel: Channel;
  readonly unitId: string;
  readonly receivedAt?: string;
  readonly data?: CaseData;
}

/**
 * Text as searches compare it: lower case, tone marks and other diacritics removed, đ → d, every
 * run of other characters (spaces, punctuation) one space. Done here rather than in SQL so that
 * SQLite and PostgreSQL, neither of which folds đ, find the same cases.
 *
 * @example searchWords('  Nguyễn Văn ĐỨC, "HTX"') // 'nguyen van duc htx'
 */
export function searchWords(text: string): string {
  return text.normalize('NFD').toLowerCase().replace(/\p{M}/gu, '').replace(/[đð]/g, 'd').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * Vietnamese phone numbers in their national form: the international prefix +84 written as the
 * trunk 0, as a caller types it either way ("+84 912 345 678" is "0912 345 678").
 *
 * @example nationalPhones('+84 912 345 678') // '0912 345 678'
 */
export function nationalPhones(text: string): string {
  return text.replace(/\+\s*84(?=[\s.()-]*\d)/g, '0');
}

/**
 * What a dossier is found by besides its code (`cases.applicant_search`): the applicant's name
 * (a person or an organisation), identity number (CCCD, tax code, passport) and phone, the latter
 * two without separators so "0912 345 678" and "0912345678" are the same number, and the phone in
 * its national form (+84 → 0). Email and address are left out: their fragments (gmail, a street
 * named after a person) would swamp name searches.
 *
 * @example applicantSearchText({ name: 'Đặng Thị Hà', phone: '+84 912 345 678' }) // 'dang thi ha 0912345678'
 */
export function applicantSearchText(applicant: Applicant): string {
  const compact = (value: string | undefined): string => searchWords(value ?? '').replaceAll(' ', '');
  return [searchWords(applicant.name), compact(applicant.idNumber), compact(nationalPhones(applicant.phone ?? ''))].filter(Boolean).join(' ');
}

const MAX_RETRIES = 5;

/**
 * Runs `work` in a transaction (on SQLite sharing its commit with concurrent changes, see
 * group-commit.ts), retrying on conflicts when the caller did not pin a version.
 */
async function inTransaction<T>(deps: ServiceDeps, retry: boolean, work: (trx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inGroupCommit(deps.db, work);
    } catch (error) {
      if (!retry || attempt >= MAX_RETRIES || !isConflict(error)) throw error;
    }
  }
}

/**
 * Reads what a caller answers about a changed case (the case detail) inside the transaction that
 * changed it, from the row as written: the answer shows exactly the committed state without
 * reading the case row again. Not called when work after the commit (service handlers, child
 * cases) may change the case further; the caller then reads the case afresh.
 */
export type ReadBack = (trx: Tx, row: CaseRow) => Promise<void>;

/**
 * Changes one case in one transaction. With `expectedVersion` a concurrent change is a 409;
 * without it (system events, integrations) the change is retried on the fresh case.
 */
export async function changeCase(deps: ServiceDeps, caseId: string, actor: Actor, expectedVersion: number | undefined, work: (trx: Tx, change: CaseChange) => Promise<void>, readBack?: ReadBack): Promise<number> {
  const after: AfterCommit[] = [];
  const version = await inTransaction(deps, expectedVersion === undefined, async (trx) => {
    const change = await readForChange(trx, deps, caseId, actor, expectedVersion);
    await work(trx, change);
    const next = await commitChange(trx, change);
    after.length = 0;
    after.push(...change.after);
    if (readBack && change.after.length === 0 && change.committed) await readBack(trx, change.committed);
    return next;
  });
  await runAfterCommit(deps, after);
  return version;
}

/** Service/script handlers and child cases, after the commit that requested them. */
async function runAfterCommit(deps: ServiceDeps, work: readonly AfterCommit[]): Promise<void> {
  for (const item of work) {
    if (item.kind === 'service') {
      const handler = item.handler ? deps.handlers[item.handler] : undefined;
      let data: CaseData | undefined;
      let errorCode: string | undefined;
      try {
        const row = await deps.db.db.selectFrom('cases').select('data').where('id', '=', item.caseId).executeTakeFirstOrThrow();
        data = handler ? ((await handler({ caseId: item.caseId, stepKey: item.stepKey, data: fromJson<CaseData>(row.data, {}) })) ?? undefined) : undefined;
      } catch (error) {
        errorCode = (error as { code?: unknown }).code?.toString() ?? 'SERVICE_FAILED';
      }
      await changeCase(deps, item.caseId, { username: 'system' }, undefined, (trx, change) =>
        sendEvent(trx, deps, change, { type: 'SERVICE_DONE', stepKey: item.stepKey, ...(data ? { data } : {}), ...(errorCode ? { errorCode } : {}) }),
      );
    } else if (item.kind === 'childEnded') {
      await changeCase(deps, item.parentCaseId, { username: 'system' }, undefined, (trx, change) =>
        sendEvent(trx, deps, change, { type: 'CHILD_ENDED', stepKey: item.parentStepKey, endEventId: item.endEventId, data: item.data }),
      );
    } else {
      const parent = await deps.db.db.selectFrom('cases').select(['unit_id', 'channel', 'applicant', 'received_at']).where('id', '=', item.caseId).executeTakeFirstOrThrow();
      await receiveCase(deps, { username: 'system' }, { processId: item.calledElement, applicant: fromJson<Applicant>(parent.applicant, { name: '' }), channel: parent.channel as Channel, unitId: parent.unit_id, data: item.data }, { parentCaseId: item.caseId, parentStepKey: item.stepKey });
    }
  }
}

/** The next dossier code of the receipt day: the day's counter (per code prefix) counts up in the receiving transaction. */
async function nextCaseCode(trx: Tx, format: CaseCodeFormat, receivedAt: string): Promise<string> {
  const day = caseCodeOfDay(format, receivedAt);
  const [row] = await countCaseOfDay(trx, { key: day.counterKey });
  return day.withSequence(row!.value);
}

/**
 * Receives a dossier: effective start after the cut-off, appointment = start + the procedure's
 * deadline, the case row, its first steps, timers and audit events — all in one transaction.
 * The case runs on the calendar of its procedure if that names one, else on the receiving unit's
 * (a desk that works Saturday mornings counts them), and keeps it like its procedure version.
 */
export async function receiveCase(deps: ServiceDeps, actor: Actor, input: ReceiveInput, link: { parentCaseId?: string; parentStepKey?: string } = {}, readBack?: ReadBack): Promise<string> {
  const definition = input.version === undefined ? await latestVersion(deps, input.processId) : await loadVersion(deps, input.processId, input.version, { checkRetired: true });
  if (definition.retired) throw new Problem('NOT_ALLOWED', `Version ${definition.version} of ${input.processId} is retired; new cases use a newer version.`);
  const procedure = definition.procedure;
  const calendarName = procedure.calendar ?? (await calendarOfUnit(deps.db.db, { unitId: input.unitId }))[0]?.calendar ?? undefined;
  const calendar = deps.calendars(calendarName);
  const now = deps.clock.now();
  const receivedAt = toDbInstant(input.receivedAt ?? now);
  const cutoff = procedure.cutoffs[input.channel] ?? (input.channel === 'desk' ? '15:00' : undefined);
  const effectiveStart = toDbInstant(calendar.effectiveStart(receivedAt, cutoff));
  const appointment = procedure.deadline ? toDbInstant(calendar.addNorm(effectiveStart, procedure.deadline)) : null;
  const id = randomUUID();
  const data = input.data ?? {};
  const started = deps.engine.start(definition.runnable, { caseId: id, data, now });
  const after: AfterCommit[] = [];
  await inTransaction(deps, true, async (trx) => {
    const code = await nextCaseCode(trx, deps.caseCode, receivedAt);
    const snapshot: StoredSnapshot = { engine: started.snapshot, active: [], awaiting: [] };
    const clock: ClockInfo = { runningSince: effectiveStart };
    const row: CaseRow = {
      id,
      code,
      process_id: definition.processId,
      version: definition.version,
      unit_id: input.unitId,
      status_code: STATUS.accepted,
      clock_state: 'running',
      applicant: JSON.stringify(input.applicant),
      applicant_search: applicantSearchText(input.applicant),
      channel: input.channel,
      received_at: receivedAt,
      effective_start: effectiveStart,
      appointment_at: appointment,
      due_at: appointment,
      data: JSON.stringify(data),
      snapshot: JSON.stringify(snapshot),
      // commitChange below bumps it: a new case is at version 1.
      case_version: 0,
      ended_at: null,
      timeliness: null,
      apology_count: 0,
      supplement_rounds: 0,
      clock: JSON.stringify(clock),
      end_event_id: null,
      parent_case_id: link.parentCaseId ?? null,
      parent_step_key: link.parentStepKey ?? null,
      created_at: now,
      updated_at: now,
      // A new case has an empty audit chain.
      audit_seq: 0,
      audit_hash: null,
      calendar: calendarName ?? null,
    };
    await insertCase(trx, [row]);
    const change = new CaseChange(row, definition, calendar, actor, now);
    change.event('case.received', {
      unit: input.unitId,
      data: { processId: definition.processId, version: definition.version, code, channel: input.channel, applicantName: input.applicant.name, receivedAt, effectiveStart, ...(appointment ? { appointmentAt: appointment } : {}) },
    });
    change.notify('case.received', { appointmentAt: appointment, applicant: input.applicant });
    await applyResult(trx, change, started);
    await scheduleDeadlineTimers(trx, deps, change);
    await commitChange(trx, change);
    after.length = 0;
    after.push(...change.after);
    if (readBack && change.after.length === 0 && change.committed) await readBack(trx, change.committed);
  });
  await runAfterCommit(deps, after);
  return id;
}

async function openStepRow(trx: Tx, change: CaseChange, stepKey: string) {
  const caseId = change.row.id;
  const [step] = await stepOfCase(trx, { caseId, stepKey });
  if (!step) throw notFound(`Step ${stepKey} of case ${caseId}`);
  if (step.closed_at) throw new Problem('NOT_ALLOWED', `Step ${step.name ?? stepKey} is already closed. Reload the case to see its open steps.`, { elementId: step.element_id });
  change.openStepRows.set(stepKey, step);
  return step;
}

export interface CompleteInput {
  readonly caseVersion?: number;
  readonly outcome?: string;
  readonly data?: CaseData;
  readonly comment?: string;
}

/** Completes an open step with an outcome and data; the engine decides what opens next. */
export async function completeStep(deps: ServiceDeps, actor: Actor, caseId: string, stepKey: string, input: CompleteInput, readBack?: ReadBack): Promise<number> {
  return changeCase(deps, caseId, actor, input.caseVersion, async (trx, change) => {
    const step = await openStepRow(trx, change, stepKey);
    const outcomes = fromJson<string[]>(step.outcomes, []);
    if (input.outcome !== undefined && outcomes.length > 0 && !outcomes.includes(input.outcome)) {
      throw new Problem('VALIDATION', `Outcome "${input.outcome}" is not offered by step ${step.name ?? stepKey}. Choose one of: ${outcomes.join(', ')}.`, { elementId: step.element_id });
    }
    if (step.claimed_by && actor.username && step.claimed_by !== actor.username) {
      throw new Problem('NOT_ALLOWED', `Step ${step.name ?? stepKey} is claimed by ${step.claimed_by}. Ask them to release it first.`, { elementId: step.element_id });
    }
    const outcome = input.outcome ?? outcomes[0];
    await sendEvent(trx, deps, change, { type: 'COMPLETE', stepKey, ...(outcome !== undefined ? { outcome } : {}), ...(input.data ? { data: input.data } : {}) });
    if (input.comment) {
      const completed = change.audit.find((e) => e.type === 'step.completed' && e.stepKey === stepKey);
      if (completed) Object.assign(completed, { data: { ...completed.data, comment: input.comment } });
    }
  }, readBack);
}

/** Claims an open step for the caller (or releases the caller's claim). */
export async function claimStep(deps: ServiceDeps, actor: Actor, caseId: string, stepKey: string, caseVersion: number | undefined, claim: boolean): Promise<number> {
  return changeCase(deps, caseId, actor, caseVersion, async (trx, change) => {
    const step = await openStepRow(trx, change, stepKey);
    if (claim && step.claimed_by && step.claimed_by !== actor.username) throw new Problem('NOT_ALLOWED', `Step ${step.name ?? stepKey} is already claimed by ${step.claimed_by}.`, { elementId: step.element_id });
    if (!claim && step.claimed_by !== actor.username) throw new Problem('NOT_ALLOWED', `You have not claimed step ${step.name ?? stepKey}.`, { elementId: step.element_id });
    await trx
      .updateTable('case_steps')
      .set(claim ? { claimed_by: actor.username ?? null, claimed_at: change.now } : { claimed_by: null, claimed_at: null })
      .where('case_id', '=', caseId)
      .where('step_key', '=', stepKey)
      .execute();
    change.event(claim ? 'step.claimed' : 'step.released', { elementId: step.element_id, stepKey, ...(step.unit_id ? { unit: step.unit_id } : {}) });
  });
}

function assertOpen(change: CaseChange): void {
  if (change.ended) throw new Problem('NOT_ALLOWED', `Case ${change.row.code} has ended; nothing more can happen to it.`);
}

const SUPPLEMENT_WINDOW_MINUTES = 3 * 8 * 60;

/**
 * Requests a supplement: status 5, the clock stops. Allowed within 3 working days of receipt
 * (Decree 61 Art. 19(4)). When the diagram waits for the supplement in a message catch, the
 * clock stopped there already and this call is refused.
 */
export async function requestSupplement(deps: ServiceDeps, actor: Actor, caseId: string, input: { caseVersion?: number; reason: string; items?: readonly string[] }): Promise<number> {
  return changeCase(deps, caseId, actor, input.caseVersion, async (trx, change) => {
    assertOpen(change);
    if (change.clock.stoppedAt) throw new Problem('NOT_ALLOWED', `Case ${change.row.code} is already waiting for a supplement.`);
    if (change.clock.finishedAt) throw new Problem('NOT_ALLOWED', `Processing of case ${change.row.code} is finished; a supplement can no longer be requested.`);
    const spent = change.calendar.workingMinutesBetween(change.row.effective_start, change.now);
    if (spent > SUPPLEMENT_WINDOW_MINUTES) {
      throw new Problem('NOT_ALLOWED', `A supplement must be requested within 3 working days of receipt (Decree 61 Art. 19(4)); ${(spent / 480).toFixed(1)} working days have passed. Consider an apology letter instead.`);
    }
    stopClock(change, { reason: input.reason, ...(input.items ? { items: input.items } : {}) });
    await cancelTimers(trx, caseId, ['dueSoon', 'overdue']);
    const abandon = change.definition.procedure.abandonAfter;
    if (abandon) {
      await trx.insertInto('timers').values({ id: randomUUID(), case_id: caseId, timer_key: 'case.abandon', element_id: null, purpose: 'abandon', due_at: change.calendar.addNorm(change.now, abandon), claimed_by: null, claimed_until: null, fired_at: null }).execute();
    }
  });
}

/**
 * Records the complete resubmission: the deadline restarts in full (or resumes in pause mode).
 * If the diagram waits for it as a message, the message goes to the engine too.
 */
export async function recordResubmission(deps: ServiceDeps, actor: Actor, caseId: string, input: { caseVersion?: number; data?: CaseData }): Promise<number> {
  return changeCase(deps, caseId, actor, input.caseVersion, async (trx, change) => {
    assertOpen(change);
    if (!change.clock.stoppedAt) throw new Problem('NOT_ALLOWED', `Case ${change.row.code} is not waiting for a supplement.`);
    resumeClock(change);
    await cancelTimers(trx, caseId, ['abandon']);
    const waiting = change.snapshot.awaiting.find((m) => m.stopsClock);
    if (waiting) await sendEvent(trx, deps, change, { type: 'MESSAGE', name: waiting.name, ...(input.data ? { data: input.data } : {}) });
    await scheduleDeadlineTimers(trx, deps, change);
  });
}

export interface ApologyInput {
  readonly caseVersion?: number;
  readonly reason: string;
  readonly newAppointmentAt: string;
  /** The head of the agency who signs form BM.04. */
  readonly signedBy: string;
}

/**
 * Issues the apology and extension letter (form BM.04): at the latest one working day before the
 * appointment, only once per case (Decree 61 Art. 19(9)); the case still counts as late.
 */
export async function issueApology(deps: ServiceDeps, actor: Actor, caseId: string, input: ApologyInput): Promise<number> {
  return changeCase(deps, caseId, actor, input.caseVersion, async (trx, change) => {
    assertOpen(change);
    if (change.row.apology_count > 0) throw new Problem('NOT_ALLOWED', `Case ${change.row.code} already has an apology letter; the appointment may be moved only once (Decree 61 Art. 19(9)).`);
    const appointment = change.appointmentAt;
    if (!appointment) throw new Problem('NOT_ALLOWED', `Case ${change.row.code} has no appointment to move (its clock is stopped or the procedure has no deadline).`);
    if (change.calendar.workingMinutesBetween(change.now, appointment) < 8 * 60) {
      throw new Problem('NOT_ALLOWED', `The apology letter must be issued at the latest one working day before the appointment (${appointment}) (Decree 61 Art. 19(9)).`);
    }
    const newAppointment = toDbInstant(input.newAppointmentAt);
    if (newAppointment <= appointment) throw new Problem('VALIDATION', `The new appointment must be after the current one (${appointment}).`);
    await trx.insertInto('apology_letters').values({ id: randomUUID(), case_id: caseId, reason: input.reason, previous_appointment: appointment, new_appointment: newAppointment, signed_by: input.signedBy, issued_by: actor.username ?? null, issued_at: change.now }).execute();
    change.update.apology_count = 1;
    change.update.appointment_at = newAppointment;
    if (!change.clock.stoppedAt) change.update.due_at = newAppointment;
    change.event('apology.issued', { data: { reason: input.reason, newAppointmentAt: newAppointment, previousAppointmentAt: appointment, signedBy: input.signedBy } });
    change.notify('apology.issued', { reason: input.reason, newAppointmentAt: newAppointment, applicant: fromJson<Record<string, unknown>>(change.row.applicant, {}) });
    await scheduleDeadlineTimers(trx, deps, change);
  });
}

export type CloseKind = 'withdrawn' | 'stopped' | 'refused' | 'abandoned';

const CLOSE_STATUS: Record<CloseKind, number> = { withdrawn: STATUS.withdrawn, stopped: STATUS.stopped, refused: STATUS.refused, abandoned: STATUS.stopped };

/**
 * Ends a case without a result: the applicant withdraws (7), processing is stopped (8), the
 * dossier is refused at receipt (3) or abandoned after a supplement request (8). Open steps are
 * cancelled and pending timers removed.
 */
export async function closeCase(deps: ServiceDeps, actor: Actor, caseId: string, kind: CloseKind, input: { caseVersion?: number; reason?: string }): Promise<number> {
  return changeCase(deps, caseId, actor, input.caseVersion, async (trx, change) => {
    await closeCaseIn(trx, change, kind, input.reason);
  });
}

export async function closeCaseIn(trx: Tx, change: CaseChange, kind: CloseKind, reason: string | undefined): Promise<void> {
  assertOpen(change);
  if (kind === 'refused') {
    const completed = await trx.selectFrom('case_steps').select('step_key').where('case_id', '=', change.row.id).where('close_reason', '=', 'completed').executeTakeFirst();
    if (completed || change.statusCode !== STATUS.accepted) throw new Problem('NOT_ALLOWED', `Case ${change.row.code} is past receipt; refuse it through the procedure's own refusal outcome instead.`);
  }
  if ((kind === 'withdrawn' || kind === 'stopped') && change.clock.finishedAt) {
    throw new Problem('NOT_ALLOWED', `Case ${change.row.code} already has its result; it can no longer be ${kind}.`);
  }
  const open = await trx.selectFrom('case_steps').select(['step_key', 'element_id']).where('case_id', '=', change.row.id).where('closed_at', 'is', null).execute();
  for (const step of open) await closeStep(trx, change, step.step_key, step.element_id, 'cancelled', undefined, { reason: `case.${kind}` });
  await cancelTimers(trx, change.row.id);
  change.update.status_code = CLOSE_STATUS[kind];
  change.update.ended_at = change.now;
  change.update.clock_state = 'ended';
  change.update.due_at = null;
  change.event(`case.${kind}`, { data: reason ? { reason } : {} });
  change.notify(`case.${kind}`, { reason: reason ?? null, applicant: fromJson<Record<string, unknown>>(change.row.applicant, {}) });
}

// --- Reading ---

export interface CaseStepView {
  stepKey: string;
  elementId: string;
  name: string | null;
  role: string | null;
  unitId: string | null;
  openedAt: string;
  dueAt: string | null;
  claimedBy: string | null;
  outcomes: string[];
  outsideClock: boolean;
  timeliness: string | null;
}

export interface CaseAction {
  action: 'complete' | 'claim' | 'release' | 'supplementRequest' | 'resubmission' | 'apology' | 'withdraw' | 'stop' | 'refuse';
  stepKey?: string;
  outcomes?: string[];
}

/**
 * The case detail the API returns (see server/API.md). `canActOnStep` limits the step actions to
 * the steps the caller may work on, so the browser shows only buttons that will work.
 */
export async function caseDetail(
  deps: ServiceDeps,
  caseId: string,
  options: {
    history?: boolean;
    canActOnStep?: (step: { role: string | null; unitId: string | null }) => boolean;
    /** Read inside this transaction (see `ReadBack`). */
    executor?: Tx;
    /** The case row when the caller holds it as just written. */
    row?: CaseRow;
  } = {},
) {
  const db = options.executor ?? deps.db.db;
  const row = options.row ?? (await db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst());
  if (!row) throw notFound(`Case ${caseId}`);
  const definition = await loadVersion(deps, row.process_id, row.version, options.executor ? { executor: options.executor } : {});
  const calendarName = calendarOfCase(row, definition.procedure);
  const calendar = deps.calendars(calendarName);
  const now = deps.clock.now();
  const steps = await openStepsOfCase(db, { caseId });
  const snapshot = fromJson<StoredSnapshot>(row.snapshot, { engine: { definitionHash: '', machine: null }, active: [], awaiting: [] });
  const clock = fromJson<ClockInfo>(row.clock, {});
  const openSteps: CaseStepView[] = steps.map((s) => ({
    stepKey: s.step_key,
    elementId: s.element_id,
    name: s.name,
    role: s.role,
    unitId: s.unit_id,
    openedAt: s.opened_at,
    dueAt: s.due_at,
    claimedBy: s.claimed_by,
    outcomes: fromJson<string[]>(s.outcomes, []),
    outsideClock: s.outside_clock === 1,
    timeliness: s.due_at ? classifyOpen(now, s.due_at, calendar, deps.dueSoonMinutes) : null,
  }));
  const ended = row.ended_at !== null;
  const actions: CaseAction[] = [];
  if (!ended) {
    for (const s of openSteps) {
      if (options.canActOnStep && !options.canActOnStep(s)) continue;
      actions.push({ action: 'complete', stepKey: s.stepKey, outcomes: s.outcomes });
      actions.push({ action: s.claimedBy ? 'release' : 'claim', stepKey: s.stepKey });
    }
    if (clock.stoppedAt) actions.push({ action: 'resubmission' });
    else if (!clock.finishedAt && calendar.workingMinutesBetween(row.effective_start, now) <= SUPPLEMENT_WINDOW_MINUTES) actions.push({ action: 'supplementRequest' });
    if (row.apology_count === 0 && row.appointment_at && calendar.workingMinutesBetween(now, row.appointment_at) >= 8 * 60) actions.push({ action: 'apology' });
    if (!clock.finishedAt) actions.push({ action: 'withdraw' }, { action: 'stop' });
    if (row.status_code === STATUS.accepted) actions.push({ action: 'refuse' });
  }
  const history = options.history === false ? [] : await caseHistory(deps, caseId, db);
  return {
    id: row.id,
    code: row.code,
    processId: row.process_id,
    version: row.version,
    status: STATUS_NAMES[row.status_code] ?? String(row.status_code),
    statusCode: row.status_code,
    clock: row.clock_state,
    receivedAt: row.received_at,
    effectiveStart: row.effective_start,
    appointmentAt: row.appointment_at,
    dueAt: row.due_at,
    endedAt: row.ended_at,
    timeliness: row.timeliness ?? (row.due_at && !ended ? classifyOpen(now, row.due_at, calendar, deps.dueSoonMinutes) : null),
    unitId: row.unit_id,
    calendar: calendarName ?? null,
    channel: row.channel,
    applicant: fromJson<Applicant>(row.applicant, { name: '' }),
    data: fromJson<CaseData>(row.data, {}),
    caseVersion: row.case_version,
    apologyCount: row.apology_count,
    supplementRounds: row.supplement_rounds,
    parentCaseId: row.parent_case_id,
    openSteps,
    history,
    actions,
    active: snapshot.active,
  };
}

export type CaseDetail = Awaited<ReturnType<typeof caseDetail>>;

/** The case's audit events in chain order. */
export async function caseHistory(deps: ServiceDeps, caseId: string, executor: DbOrTx = deps.db.db) {
  const rows = await eventsOfCase(executor, { caseId });
  return rows.map((r) => ({
    seq: r.seq,
    type: r.type,
    at: r.at,
    actor: r.actor,
    unitId: r.unit_id,
    elementId: r.element_id,
    stepKey: r.step_key,
    data: fromJson<Record<string, unknown>>(r.data, {}),
    requestId: r.request_id,
  }));
}

export const STATUS_NAMES: Record<number, string> = {
  1: 'registered',
  2: 'accepted',
  3: 'refused',
  4: 'inProcess',
  5: 'supplementRequested',
  6: 'feeRequested',
  7: 'withdrawn',
  8: 'stopped',
  9: 'processed',
  10: 'resultReturned',
};

export interface CaseQuery {
  readonly status?: number;
  readonly overdue?: boolean;
  readonly dueSoon?: boolean;
  readonly unitIds?: readonly string[];
  /** With `unitIds`: also cases that have (had) a step in one of those units. */
  readonly includeStepUnits?: boolean;
  readonly processId?: string;
  readonly from?: string;
  readonly to?: string;
  readonly q?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

/** Up to this many cases matching a text search are read through the SQLite search index; more are read newest first. */
const SEARCH_CANDIDATES = 1000;

/**
 * SQLite: the cases whose applicant holds every word, from the FTS5 trigram table (0005), which
 * serves LIKE '%…%' for words of three characters or more. SQLite's planner always starts from a
 * subquery on it: right for rare words ("van 4242": a few hundred cases of a million, looked up and
 * sorted), slow for common ones ("nguyen van" matches most cases), where reading the newest cases
 * until the page is full is fast. So listCases first counts the matches up to SEARCH_CANDIDATES
 * and uses this only below it. PostgreSQL needs no such step: its planner weighs the trigram
 * index against the received_at order from its statistics.
 */
function applicantIndexMatches(db: DbOrTx, words: readonly string[]) {
  let matches = db.selectFrom('case_search').select('case_id');
  for (const word of words) matches = matches.where('applicant_search', 'like', `%${word}%`);
  return matches;
}

/** Lists cases with a keyset cursor: newest first (`received_at|id`), or most urgent first for overdue/due-soon lists (`due_at|id`). */
export async function listCases(deps: ServiceDeps, query: CaseQuery) {
  const now = deps.clock.now();
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  let q = deps.db.db
    .selectFrom('cases')
    .select(['cases.id', 'cases.code', 'cases.process_id', 'cases.version', 'cases.unit_id', 'cases.status_code', 'cases.clock_state', 'cases.applicant', 'cases.channel', 'cases.received_at', 'cases.appointment_at', 'cases.due_at', 'cases.ended_at', 'cases.timeliness', 'cases.case_version']);
  const units = query.unitIds ? [...new Set(query.unitIds)] : undefined;
  if (query.status !== undefined) q = q.where('cases.status_code', '=', query.status);
  if (units && !query.includeStepUnits) q = q.where('cases.unit_id', 'in', units.length ? units : ['']);
  if (query.processId) q = q.where('cases.process_id', '=', query.processId);
  if (query.from) q = q.where('cases.received_at', '>=', toDbInstant(query.from));
  if (query.to) q = q.where('cases.received_at', '<', toDbInstant(query.to));
  if (query.overdue) q = q.where('cases.ended_at', 'is', null).where('cases.due_at', '<', now);
  if (query.dueSoon) q = q.where('cases.ended_at', 'is', null).where('cases.due_at', '>=', now).where('cases.due_at', '<=', new Date(new Date(now).getTime() + 86_400_000 * 2).toISOString());
  const text = query.q?.trim().replaceAll('%', '').replaceAll('_', '');
  if (text) {
    // A dossier code (or its beginning) is found through the unique index on code; only text that
    // starts no code is looked for among the applicants.
    const codeEnd = `${text}\u{10FFFF}`;
    const startsACode = await deps.db.db.selectFrom('cases').select('id').where('code', '>=', text).where('code', '<', codeEnd).where('code', 'like', `${text}%`).limit(1).executeTakeFirst();
    if (startsACode) q = q.where('cases.code', '>=', text).where('cases.code', '<', codeEnd).where('cases.code', 'like', `${text}%`);
    else {
      // Every word somewhere in the applicant's name, identity number or phone, in any order.
      // Normalised words hold only letters and digits, so they need no LIKE escaping.
      const words = searchWords(nationalPhones(query.q ?? '')).split(' ').filter((word) => word !== '');
      for (const word of words) q = q.where('cases.applicant_search', 'like', `%${word}%`);
      if (words.length > 0 && deps.db.capabilities.dialect === 'sqlite') {
        const indexed = applicantIndexMatches(deps.db.db, words);
        if ((await indexed.limit(SEARCH_CANDIDATES + 1).execute()).length <= SEARCH_CANDIDATES) q = q.where('cases.id', 'in', indexed);
      }
    }
  }
  // Overdue and due-soon lists run most urgent first, straight off the open-cases due index
  // (newest-first would sort every overdue case before the first page); other lists newest first.
  const byDue = query.overdue === true || query.dueSoon === true;
  const cursor = query.cursor ? Buffer.from(query.cursor, 'base64url').toString('utf8').split('|') : [];
  const [at, id] = cursor;
  let rows;
  if (units && query.includeStepUnits && !byDue) {
    // Cases of my units or with a step in them (case_units, 0008), newest first: each unit's page
    // is read in order from the index, the pages merged here (a case in two of my units once).
    const perUnit = await Promise.all(
      (units.length ? units : ['']).map((unit) => {
        let unitQuery = q.innerJoin('case_units as cu', 'cu.case_id', 'cases.id').where('cu.unit_id', '=', unit);
        if (at && id) unitQuery = unitQuery.where((eb) => eb.or([eb('cu.received_at', '<', at), eb.and([eb('cu.received_at', '=', at), eb('cu.case_id', '<', id)])]));
        return unitQuery.orderBy('cu.received_at', 'desc').orderBy('cu.case_id', 'desc').limit(limit + 1).execute();
      }),
    );
    const byId = new Map(perUnit.flat().map((r) => [r.id, r]));
    rows = [...byId.values()].sort((a, b) => (a.received_at === b.received_at ? (a.id < b.id ? 1 : -1) : a.received_at < b.received_at ? 1 : -1)).slice(0, limit + 1);
  } else {
    if (units && query.includeStepUnits) q = q.where('cases.id', 'in', (eb) => eb.selectFrom('case_units').select('case_id').where('unit_id', 'in', units.length ? units : ['']));
    if (at && id) {
      q = byDue
        ? q.where((eb) => eb.or([eb('cases.due_at', '>', at), eb.and([eb('cases.due_at', '=', at), eb('cases.id', '>', id)])]))
        : q.where((eb) => eb.or([eb('cases.received_at', '<', at), eb.and([eb('cases.received_at', '=', at), eb('cases.id', '<', id)])]));
    }
    const direction = byDue ? 'asc' : 'desc';
    rows = await q.orderBy(byDue ? 'cases.due_at' : 'cases.received_at', direction).orderBy('cases.id', direction).limit(limit + 1).execute();
  }
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      code: r.code,
      processId: r.process_id,
      version: r.version,
      unitId: r.unit_id,
      statusCode: r.status_code,
      status: STATUS_NAMES[r.status_code] ?? String(r.status_code),
      clock: r.clock_state,
      applicant: fromJson<Applicant>(r.applicant, { name: '' }),
      channel: r.channel,
      receivedAt: r.received_at,
      appointmentAt: r.appointment_at,
      dueAt: r.due_at,
      endedAt: r.ended_at,
      timeliness: r.timeliness ?? (r.due_at && !r.ended_at ? (r.due_at < now ? 'overdue' : 'withinDeadline') : null),
      caseVersion: r.case_version,
    })),
    nextCursor: rows.length > limit && last ? Buffer.from(`${byDue ? last.due_at : last.received_at}|${last.id}`).toString('base64url') : null,
  };
}

/** Open steps the caller may work on (role in unit), most urgent first. */
export async function inbox(deps: ServiceDeps, roles: readonly { role: string; unitId: string }[], limit = 200) {
  if (roles.length === 0) return [];
  const now = deps.clock.now();
  const rows = await deps.db.db
    .selectFrom('case_steps as s')
    .innerJoin('cases as c', 'c.id', 's.case_id')
    .select(['s.case_id', 'c.code', 's.step_key', 's.element_id', 's.name', 's.role', 's.unit_id', 's.due_at', 's.opened_at', 's.claimed_by', 's.outcomes', 'c.process_id', 'c.version', 'c.case_version', 'c.status_code', 'c.calendar'])
    .where('s.closed_at', 'is', null)
    .where((eb) => eb.or(roles.map((r) => eb.and([eb('s.unit_id', '=', r.unitId), eb.or([eb('s.role', '=', r.role), eb('s.role', 'is', null)])]))))
    .orderBy('s.due_at')
    .orderBy('s.opened_at')
    .limit(limit)
    .execute();
  // "Due soon" counts working time on each case's own calendar (a Saturday desk's cases count Saturdays).
  const calendarOfRow: (string | undefined)[] = [];
  for (const r of rows) calendarOfRow.push(calendarOfCase(r, (await loadVersion(deps, r.process_id, r.version)).procedure));
  return rows.map((r, i) => ({
    caseId: r.case_id,
    caseCode: r.code,
    stepKey: r.step_key,
    elementId: r.element_id,
    name: r.name,
    role: r.role,
    unitId: r.unit_id,
    openedAt: r.opened_at,
    dueAt: r.due_at,
    timeliness: r.due_at ? classifyOpen(now, r.due_at, deps.calendars(calendarOfRow[i]), deps.dueSoonMinutes) : null,
    claimedBy: r.claimed_by,
    outcomes: fromJson<string[]>(r.outcomes, []),
    processId: r.process_id,
    version: r.version,
    caseVersion: r.case_version,
    statusCode: r.status_code,
  }));
}

/** Who may see a case: its receiving unit and every unit it involves (case_units: the receiving unit and its steps' units). */
export async function caseUnits(db: DbOrTx, caseId: string): Promise<{ unitId: string; involvedUnits: string[] } | undefined> {
  const rows = await db.selectFrom('cases').leftJoin('case_units', 'case_units.case_id', 'cases.id').select(['cases.unit_id', 'case_units.unit_id as involved']).where('cases.id', '=', caseId).execute();
  if (rows.length === 0) return undefined;
  return { unitId: rows[0]!.unit_id, involvedUnits: rows.flatMap((r) => (r.involved ? [r.involved] : [])) };
}

/** The step row a caller wants to act on (for access checks). */
export async function stepOwner(deps: ServiceDeps, caseId: string, stepKey: string): Promise<{ role: string | null; unitId: string | null } | undefined> {
  const [step] = await ownerOfStep(deps.db.db, { caseId, stepKey });
  return step ? { role: step.role, unitId: step.unit_id } : undefined;
}

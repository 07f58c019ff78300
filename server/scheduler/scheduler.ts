/**
 * Durable timers: BPMN timers, "due soon" and "overdue" marks of cases, and abandonment after a
 * supplement request are rows in `timers`. A worker claims due rows (`FOR UPDATE SKIP LOCKED` on
 * PostgreSQL, so several server instances share the work; one atomic UPDATE on SQLite, the single
 * writer), then fires each one in a transaction that also marks it fired — so a timer fires
 * exactly once, and a crash before the commit leaves it to be claimed again when the claim expires.
 *
 * A step's own overdue warning needs no timer row: the open steps past their due instant are read
 * from the step rows themselves and each is marked announced in the transaction that writes its
 * outbox message, so it too is announced exactly once, at the due instant the step has now.
 */
import { randomUUID } from 'node:crypto';
import { isEngineError } from '../../engine/index.ts';
import { Problem } from '../errors.ts';
import type { Tx } from '../storage/db.ts';
import type { TimerRow } from '../storage/schema.ts';
import { commitChange, isConflict, readForChange, sendEvent } from '../services/advance.ts';
import { closeCaseIn } from '../services/cases.ts';
import type { ServiceDeps } from '../services/context.ts';
import { deliverOutbox } from './outbox.ts';
import type { OutboxOptions } from './outbox.ts';

export interface SchedulerOptions {
  /** Identifies this worker in claims (default: a random id per process). */
  readonly workerId?: string;
  /** How often to look for due timers, in ms (default 1000). */
  readonly intervalMs?: number;
  /** Timers claimed per round (default 50). */
  readonly batch?: number;
  /** How long a claim holds before another worker may take the timer over (default 60 s). */
  readonly claimMs?: number;
  readonly outbox?: OutboxOptions;
  readonly log?: (message: string, error?: unknown) => void;
}

export interface Scheduler {
  readonly workerId: string;
  /** One round: fire the due timers and announce the overdue steps; returns how many of both. */
  tick(): Promise<number>;
  start(): void;
  /** Stops the loop and waits for the round in progress. */
  stop(): Promise<void>;
}

const MAX_ATTEMPTS = 5;

/** Claims up to `batch` due timers for `workerId`. */
export async function claimDueTimers(deps: ServiceDeps, workerId: string, batch: number, claimMs: number): Promise<TimerRow[]> {
  const now = deps.clock.now();
  const until = new Date(new Date(now).getTime() + claimMs).toISOString();
  const { db, capabilities } = deps.db;
  return db
    .updateTable('timers')
    .set((eb) => ({ claimed_by: workerId, claimed_until: until, attempts: eb(eb.ref('attempts'), '+', 1) }))
    .where('id', 'in', (eb) => {
      const due = eb
        .selectFrom('timers')
        .select('id')
        .where('fired_at', 'is', null)
        .where('due_at', '<=', now)
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', now)]))
        .orderBy('due_at')
        .limit(batch);
      return capabilities.skipLocked ? due.forUpdate().skipLocked() : due;
    })
    .returningAll()
    .execute();
}

/** The engine refused a timer event: the case moved on and no longer listens to that timer. */
class TimerNotTaken extends Error {}

/**
 * Fires one claimed timer: marks it fired and applies its effect in the same transaction.
 * Notification timers (due soon, overdue) only write the outbox and leave the case version alone;
 * BPMN timers and abandonment advance the case like any other event.
 * Returns false when another worker fired it first or the claim was lost.
 */
export async function fireTimer(deps: ServiceDeps, timer: TimerRow, workerId: string, log: SchedulerOptions['log'] = () => {}): Promise<boolean> {
  const actor = { username: 'system', requestId: `timer:${timer.id}` };
  const markFired = (trx: Tx, now: string) =>
    trx.updateTable('timers').set({ fired_at: now }).where('id', '=', timer.id).where('fired_at', 'is', null).where('claimed_by', '=', workerId).executeTakeFirst();
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.db.transaction().execute(async (trx) => {
        const now = deps.clock.now();
        if (Number((await markFired(trx, now)).numUpdatedRows) !== 1) return false;
        const row = await trx.selectFrom('cases').select(['id', 'code', 'unit_id', 'due_at', 'appointment_at', 'ended_at']).where('id', '=', timer.case_id).executeTakeFirst();
        if (!row || row.ended_at) return true;
        if (timer.purpose === 'dueSoon' || timer.purpose === 'overdue') {
          const payload = { caseId: row.id, caseCode: row.code, dueAt: row.due_at, appointmentAt: row.appointment_at, unitId: row.unit_id };
          await trx.insertInto('outbox').values({ topic: `case.${timer.purpose}`, payload: JSON.stringify(payload), created_at: now, next_attempt_at: now, delivered_at: null, last_error: null }).execute();
          return true;
        }
        const change = await readForChange(trx, deps, timer.case_id, actor, undefined);
        if (timer.purpose === 'engine') {
          change.event('timer.fired', { ...(timer.element_id ? { elementId: timer.element_id } : {}), data: { timerKey: timer.timer_key, dueAt: timer.due_at } });
          try {
            await sendEvent(trx, deps, change, { type: 'TIMER', timerKey: timer.timer_key });
          } catch (error) {
            if (isEngineError(error)) throw new TimerNotTaken(error.message);
            throw error;
          }
        } else if (timer.purpose === 'abandon') {
          await closeCaseIn(trx, change, 'abandoned', 'The supplement was not completed within the period the procedure allows.');
        } else {
          throw new Problem('INTERNAL', `Unknown timer purpose "${timer.purpose}".`);
        }
        await commitChange(trx, change);
        return true;
      });
    } catch (error) {
      if (error instanceof TimerNotTaken) {
        // Roll the case back untouched, but record that the timer went off.
        log(`timer ${timer.timer_key} of case ${timer.case_id} was not taken: ${error.message}`);
        await deps.db.db.transaction().execute((trx) => markFired(trx, deps.clock.now()));
        return true;
      }
      if (attempt < MAX_ATTEMPTS && isConflict(error)) continue;
      throw error;
    }
  }
}

/**
 * Announces up to `batch` open steps whose due instant has passed (a `step.overdue` outbox message
 * each) and marks them announced in the same transaction. On PostgreSQL the rows are locked with
 * SKIP LOCKED, so two instances announce disjoint steps. Returns how many were announced.
 */
export async function announceOverdueSteps(deps: ServiceDeps, batch: number): Promise<number> {
  const { db, capabilities } = deps.db;
  return db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const steps = await trx
      .updateTable('case_steps')
      .set({ overdue_notified_at: now })
      .where((eb) => {
        const due = eb
          .selectFrom('case_steps')
          .select(['case_id', 'step_key'])
          .where('closed_at', 'is', null)
          .where('overdue_notified_at', 'is', null)
          // Due at an instant means on time up to and including it (classifyFinished).
          .where('due_at', '<', now)
          .orderBy('due_at')
          .limit(batch);
        return eb(eb.refTuple('case_id', 'step_key'), 'in', (capabilities.skipLocked ? due.forUpdate().skipLocked() : due).$asTuple('case_id', 'step_key'));
      })
      .returning(['case_id', 'step_key', 'element_id', 'name', 'role', 'unit_id', 'due_at', 'claimed_by'])
      .execute();
    if (steps.length === 0) return 0;
    const cases = await trx.selectFrom('cases').select(['id', 'code']).where('id', 'in', [...new Set(steps.map((s) => s.case_id))]).execute();
    const codeOf = new Map(cases.map((c) => [c.id, c.code]));
    await trx
      .insertInto('outbox')
      .values(
        steps.map((s) => ({
          topic: 'step.overdue',
          payload: JSON.stringify({ caseId: s.case_id, caseCode: codeOf.get(s.case_id), stepKey: s.step_key, elementId: s.element_id, name: s.name, role: s.role, unitId: s.unit_id, dueAt: s.due_at, claimedBy: s.claimed_by }),
          created_at: now,
          next_attempt_at: now,
          delivered_at: null,
          last_error: null,
        })),
      )
      .execute();
    return steps.length;
  });
}

/**
 * A polling worker over the timers table (and the outbox). Start it once per server process.
 *
 * @example const scheduler = createScheduler(deps); scheduler.start(); … await scheduler.stop();
 */
export function createScheduler(deps: ServiceDeps, options: SchedulerOptions = {}): Scheduler {
  const workerId = options.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
  const intervalMs = options.intervalMs ?? 1000;
  const batch = options.batch ?? 50;
  const claimMs = options.claimMs ?? 60_000;
  const log = options.log ?? ((message: string, error?: unknown) => console.error(`scheduler: ${message}`, error ?? ''));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;

  async function tick(): Promise<number> {
    let fired = 0;
    for (;;) {
      const claimed = await claimDueTimers(deps, workerId, batch, claimMs);
      for (const t of claimed) {
        try {
          if (await fireTimer(deps, t, workerId, log)) fired++;
        } catch (error) {
          log(`timer ${t.id} (${t.purpose}) of case ${t.case_id} failed; it will be retried after its claim expires`, error);
        }
      }
      if (claimed.length < batch) break;
    }
    for (;;) {
      const announced = await announceOverdueSteps(deps, batch);
      fired += announced;
      if (announced < batch) break;
    }
    if (options.outbox) await deliverOutbox(deps, options.outbox);
    return fired;
  }

  function loop(): void {
    if (stopped) return;
    running = tick()
      .catch((error: unknown) => log('round failed', error))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, intervalMs);
      });
  }

  return {
    workerId,
    tick,
    start() {
      if (!stopped) return;
      stopped = false;
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/**
 * Durable timers: BPMN timers, "due soon" and "overdue" marks and abandonment after a supplement
 * request are rows in `timers`. A worker claims due rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
 * so several server instances share the work; one atomic UPDATE on SQLite, the single writer),
 * then fires each one in a transaction that also marks it fired — so a timer fires exactly once,
 * and a crash before the commit leaves it to be claimed again when the claim expires.
 */
import { randomUUID } from 'node:crypto';
import { isEngineError } from '../../engine/index.ts';
import { Problem } from '../errors.ts';
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
  /** One round: claim due timers and fire them; returns how many fired. */
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

/**
 * Fires one claimed timer: marks it fired and applies its effect in the same transaction.
 * Returns false when another worker fired it first or the claim was lost.
 */
export async function fireTimer(deps: ServiceDeps, timer: TimerRow, workerId: string, log: SchedulerOptions['log'] = () => {}): Promise<boolean> {
  const actor = { username: 'system', requestId: `timer:${timer.id}` };
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.db.transaction().execute(async (trx) => {
        const now = deps.clock.now();
        const marked = await trx.updateTable('timers').set({ fired_at: now }).where('id', '=', timer.id).where('fired_at', 'is', null).where('claimed_by', '=', workerId).executeTakeFirst();
        if (Number(marked.numUpdatedRows) !== 1) return false;
        const change = await readForChange(trx, deps, timer.case_id, actor, undefined);
        if (change.ended) return true;
        switch (timer.purpose) {
          case 'engine':
            try {
              change.event('timer.fired', { ...(timer.element_id ? { elementId: timer.element_id } : {}), data: { timerKey: timer.timer_key, dueAt: timer.due_at } });
              await sendEvent(trx, deps, change, { type: 'TIMER', timerKey: timer.timer_key });
            } catch (error) {
              // The case moved on and no longer listens to this timer: it fired into nothing.
              if (!isEngineError(error)) throw error;
              log(`timer ${timer.timer_key} of case ${change.row.code} was not taken: ${error.message}`);
              return true;
            }
            break;
          case 'dueSoon':
          case 'overdue':
            change.notify(`case.${timer.purpose}`, { dueAt: change.dueAt, appointmentAt: change.appointmentAt, unitId: change.row.unit_id });
            break;
          case 'abandon':
            await closeCaseIn(trx, change, 'abandoned', 'The supplement was not completed within the period the procedure allows.');
            break;
          default:
            throw new Problem('INTERNAL', `Unknown timer purpose "${timer.purpose}".`);
        }
        await commitChange(trx, change);
        return true;
      });
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && isConflict(error)) continue;
      throw error;
    }
  }
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

/**
 * Group commit on SQLite. One SQLite connection writes one transaction at a time, and on this
 * workload the COMMIT (writing the WAL) costs as much as all the statements of an advance together.
 * So transactions that arrive while another is running wait in a queue, and the next batch of them
 * runs as ONE transaction with a SAVEPOINT around each: a unit of work that fails is rolled back to
 * its savepoint alone (its caller gets its error, the others go on), the ones that succeed commit
 * together, and every caller's promise settles only after that COMMIT — so a response never reports
 * a change that is not durable. Each unit still sees the effects of the units before it, exactly as
 * if they had run one after another, so version checks (409 on a stale version) behave the same.
 *
 * PostgreSQL runs transactions side by side on a pool, so there each unit is its own transaction.
 */
import { CompiledQuery } from 'kysely';
import type { DbHandle, Tx } from './db.ts';

/** At most this many units share one COMMIT, so that one batch does not hold the others' answers long. */
const MAX_BATCH = 32;

// Issued around every unit: compiled once rather than built by kysely each time.
const SAVEPOINT = CompiledQuery.raw('savepoint unit_of_work');
const ROLLBACK_TO_SAVEPOINT = CompiledQuery.raw('rollback to unit_of_work');
const RELEASE_SAVEPOINT = CompiledQuery.raw('release unit_of_work');

interface Unit {
  readonly work: (trx: Tx) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

class WriteQueue {
  private readonly waiting: Unit[] = [];
  private draining = false;

  constructor(private readonly handle: DbHandle) {}

  run<T>(work: (trx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // Start after the event loop has handed over the requests that arrived with this one, so they share the batch.
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.runBatch(this.waiting.splice(0, MAX_BATCH));
    } finally {
      this.draining = false;
    }
  }

  private async runBatch(batch: readonly Unit[]): Promise<void> {
    const outcomes: { unit: Unit; ok: boolean; value: unknown }[] = [];
    try {
      await this.handle.db.transaction().execute(async (trx) => {
        for (const unit of batch) {
          await trx.executeQuery(SAVEPOINT);
          try {
            outcomes.push({ unit, ok: true, value: await unit.work(trx) });
          } catch (error) {
            // Undo this unit only; if even that fails the transaction is gone and the batch fails.
            await trx.executeQuery(ROLLBACK_TO_SAVEPOINT);
            outcomes.push({ unit, ok: false, value: error });
          }
          await trx.executeQuery(RELEASE_SAVEPOINT);
        }
      });
    } catch (error) {
      // Nothing of the batch committed: every unit fails, each with the error that ended it.
      for (const unit of batch) unit.reject(outcomes.find((o) => o.unit === unit && !o.ok)?.value ?? error);
      return;
    }
    for (const { unit, ok, value } of outcomes) {
      if (ok) unit.resolve(value);
      else unit.reject(value);
    }
  }
}

const queues = new WeakMap<DbHandle, WriteQueue>();

/**
 * Runs `work` in a transaction — on SQLite possibly sharing its COMMIT with other units queued at
 * the same time (see above), on PostgreSQL alone. `work` must use only `trx` for database access.
 *
 * @example const id = await inGroupCommit(handle, async (trx) => { …; return id; });
 */
export function inGroupCommit<T>(handle: DbHandle, work: (trx: Tx) => Promise<T>): Promise<T> {
  if (handle.capabilities.dialect !== 'sqlite') return handle.db.transaction().execute(work);
  let queue = queues.get(handle);
  if (!queue) {
    queue = new WriteQueue(handle);
    queues.set(handle, queue);
  }
  return queue.run(work);
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from '../../server/storage/db.ts';
import type { DbHandle, Tx } from '../../server/storage/db.ts';
import { inGroupCommit } from '../../server/storage/group-commit.ts';
import { migrateToLatest } from '../../server/storage/migrate.ts';

async function bump(trx: Tx, key: string): Promise<number> {
  const row = await trx
    .insertInto('case_counters')
    .values({ key, value: 1 })
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ value: eb(eb.ref('case_counters.value'), '+', 1) })))
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

describe('inGroupCommit (SQLite)', () => {
  let dir: string;
  let handle: DbHandle;
  let other: DbHandle;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qt-group-commit-'));
    handle = createDb(join(dir, 'db.sqlite'));
    await migrateToLatest(handle);
    // A second connection to the same file sees only what is committed.
    other = createDb(join(dir, 'db.sqlite'));
  });
  afterEach(async () => {
    await other.close();
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should undo only the unit that fails and commit the others queued with it', async () => {
    // given three units submitted in the same turn, the second failing after it wrote
    const results = await Promise.allSettled([
      inGroupCommit(handle, (trx) => bump(trx, 'a')),
      inGroupCommit(handle, async (trx) => {
        await bump(trx, 'a');
        await bump(trx, 'b');
        throw new Error('second unit refused');
      }),
      inGroupCommit(handle, (trx) => bump(trx, 'a')),
    ]);

    // then the failing unit gets its own error and its writes are gone; the others ran in order
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([1, 'second unit refused', 2]);
    const rows = await other.db.selectFrom('case_counters').selectAll().orderBy('key').execute();
    expect(rows.map((r) => [r.key, Number(r.value)])).toEqual([['a', 2]]);
  });

  it('should answer a unit only once its change is committed', async () => {
    // when a unit resolves
    const seen = await inGroupCommit(handle, (trx) => bump(trx, 'k')).then(() => other.db.selectFrom('case_counters').select('value').where('key', '=', 'k').executeTakeFirst());

    // then another connection already sees its change
    expect(Number(seen?.value)).toBe(1);
  });

  it('should fail every unit of a batch whose commit cannot happen', async () => {
    // given a unit that leaves the shared transaction unusable (ends it from inside)
    const results = await Promise.allSettled([
      inGroupCommit(handle, (trx) => bump(trx, 'x')),
      inGroupCommit(handle, async (trx) => {
        await bump(trx, 'y');
        await sql`rollback`.execute(trx);
        throw new Error('broke the transaction');
      }),
    ]);

    // then nothing of the batch is committed and no unit reports success
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(await other.db.selectFrom('case_counters').selectAll().execute()).toEqual([]);
  });
});

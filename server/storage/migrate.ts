/** Runs the migrations up to the latest; the server does this on start, tests on setup. */
import { Migrator } from 'kysely';
import type { Db, DbHandle } from './db.ts';
import { migrationProvider } from './migrations/index.ts';

/**
 * Migrates to the latest version, throwing with the failing migration's name when one fails.
 * Given a handle on a PostgreSQL schema, kysely's own bookkeeping tables go in that schema too
 * (otherwise kysely may see another schema's tables and skip creating its own).
 *
 * @example await migrateToLatest(handle);
 */
export async function migrateToLatest(database: Db | DbHandle): Promise<string[]> {
  const handle = 'capabilities' in database ? database : undefined;
  const db = handle ? handle.db : (database as Db);
  const migrator = new Migrator({ db, provider: migrationProvider, ...(handle?.schema ? { migrationTableSchema: handle.schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Runs the migrations up to the latest; the server does this on start, tests on setup. */
import { Migrator } from 'kysely';
import type { Db } from './db.ts';
import { migrationProvider } from './migrations/index.ts';

/**
 * Migrates to the latest version, throwing with the failing migration's name when one fails.
 *
 * @example await migrateToLatest(handle.db);
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

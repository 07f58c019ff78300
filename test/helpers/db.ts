/**
 * Test databases for the storage contract suites: SQLite in memory, or PostgreSQL in a fresh
 * schema per call so parallel test files never see each other's rows.
 */
import { randomUUID } from 'node:crypto';
import { createDb, dropSchema, ensureSchema } from '../../server/storage/db.ts';
import type { DbHandle, Dialect } from '../../server/storage/db.ts';
import { migrateToLatest } from '../../server/storage/migrate.ts';

/** The dialects to run contract suites on: env DIALECTS=sqlite,postgres (sqlite by default). */
export const DIALECTS: Dialect[] = (process.env.DIALECTS ?? 'sqlite').split(',').map((d) => d.trim()).filter((d): d is Dialect => d === 'sqlite' || d === 'postgres');

export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDb extends DbHandle {
  /** PostgreSQL: the schema this test database lives in. */
  readonly schema?: string;
  /** Closes the handle and drops the PostgreSQL schema. */
  dispose(): Promise<void>;
}

/**
 * kysely's migrator introspects every schema of the database before it takes its lock; when
 * another test file drops its schema at that moment PostgreSQL answers "schema … does not exist".
 * That is a race between test files, not a fault of the migration: try again.
 */
async function migrateWithRetry(handle: DbHandle): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrateToLatest(handle);
      return;
    } catch (error) {
      if (attempt >= 5 || !/does not exist/.test(String((error as Error).message))) throw error;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/**
 * A migrated, empty database of the given dialect.
 *
 * @example const t = await createTestDb('sqlite'); … await t.dispose();
 */
export async function createTestDb(dialect: Dialect, options: { file?: string; migrate?: boolean } = {}): Promise<TestDb> {
  if (dialect === 'sqlite') {
    const handle = createDb(options.file ?? ':memory:');
    if (options.migrate !== false) await migrateToLatest(handle);
    return { ...handle, dispose: () => handle.close() };
  }
  const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = createDb(TEST_PG_URL, { poolSize: 1 });
  await ensureSchema(admin, schema);
  await admin.close();
  // Small pools: many test files (and other suites) share one server's max_connections.
  const handle = createDb(TEST_PG_URL, { schema, poolSize: 4 });
  if (options.migrate !== false) await migrateWithRetry(handle);
  return {
    ...handle,
    schema,
    async dispose() {
      await handle.close();
      const cleanup = createDb(TEST_PG_URL, { poolSize: 1 });
      await dropSchema(cleanup, schema);
      await cleanup.close();
    },
  };
}

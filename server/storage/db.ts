/**
 * The one place that knows which database we talk to. Everything above it sees `Kysely<Database>`
 * plus a few capability flags; nothing outside server/storage imports kysely, better-sqlite3 or pg.
 *
 * Instants are stored as TEXT in one fixed format, UTC ISO 8601 with milliseconds and `Z`
 * (`2026-01-05T01:30:00.000Z`, see `toDbInstant`), so that string order is time order on both
 * SQLite and PostgreSQL and comparisons in WHERE/ORDER BY need no dialect-specific date types.
 * JSON columns are TEXT too, serialised by the repositories, for the same reason.
 */
import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Transaction as KyselyTransaction } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSchema } from './schema.ts';

export type Db = Kysely<DatabaseSchema>;
export type Tx = KyselyTransaction<DatabaseSchema>;
/** Either the database or an open transaction: repositories accept both. */
export type DbOrTx = Db | Tx;

export type Dialect = 'sqlite' | 'postgres';

/** What differs between the dialects, decided once here instead of `if (sqlite)` checks everywhere. */
export interface Capabilities {
  readonly dialect: Dialect;
  /** PostgreSQL: several server instances may share the database, so claims use `FOR UPDATE SKIP LOCKED`. */
  readonly skipLocked: boolean;
}

export interface DbHandle {
  readonly db: Db;
  readonly capabilities: Capabilities;
  readonly url: string;
  /** PostgreSQL: the schema the tables live in, when not the default (`public`). */
  readonly schema?: string;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** PostgreSQL only: put every table in this schema (created if missing); tests use one per file. */
  readonly schema?: string;
  /** PostgreSQL pool size. */
  readonly poolSize?: number;
  /**
   * For commands that only read (`audit verify`, `export`, `calendar`): a SQLite file must exist and
   * is opened read-only (neither created nor switched to WAL); PostgreSQL sessions are read-only.
   */
  readonly readOnly?: boolean;
}

/** The default database when none is configured: a SQLite file under ./data. */
export const DEFAULT_DB_URL = './data/quytrinh.db';

/**
 * Opens a database from a URL: `postgres://…`/`postgresql://…` → PostgreSQL (pg pool), anything
 * else is a SQLite file path (`:memory:` for tests; `sqlite:` / `file:` prefixes are accepted).
 *
 * @example const { db, close } = createDb(':memory:'); await migrateToLatest(db); … await close();
 */
export function createDb(url: string = DEFAULT_DB_URL, options: CreateDbOptions = {}): DbHandle {
  if (/^postgres(ql)?:\/\//.test(url)) return createPostgres(url, options);
  return createSqlite(url.replace(/^(sqlite|file):(\/\/)?/, ''), options.readOnly === true);
}

/**
 * better-sqlite3 with prepared statements reused by SQL text: kysely prepares every query anew,
 * and preparing costs about as much as running a small statement. Safe because kysely's SQLite
 * driver runs one statement at a time on its single connection.
 */
function withStatementCache(database: Database.Database): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const prepare = database.prepare.bind(database);
  return new Proxy(database, {
    get(target, key, receiver) {
      if (key !== 'prepare') return Reflect.get(target, key, receiver) as unknown;
      return (source: string) => {
        let statement = cache.get(source);
        if (!statement) {
          statement = prepare(source);
          // Statements with many distinct texts (bulk inserts of varying size) would grow the cache without bound.
          if (cache.size < 500) cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

function createSqlite(file: string, readOnly: boolean): DbHandle {
  if (!readOnly && file !== ':memory:' && file !== '') mkdirSync(dirname(file), { recursive: true });
  const db = new Kysely<DatabaseSchema>({
    dialect: new SqliteDialect({
      database: () => Promise.resolve(withStatementCache(new Database(file, readOnly ? { readonly: true, fileMustExist: true } : {}))),
      async onCreateConnection(connection) {
        // busy_timeout makes a second process wait for the write lock instead of failing at once.
        await connection.executeQuery(CompiledQuery.raw('pragma busy_timeout = 5000'));
        if (readOnly) return;
        // WAL lets readers run beside the one writer; foreign keys are off by default in SQLite.
        await connection.executeQuery(CompiledQuery.raw('pragma journal_mode = WAL'));
        await connection.executeQuery(CompiledQuery.raw('pragma foreign_keys = ON'));
        await connection.executeQuery(CompiledQuery.raw('pragma synchronous = NORMAL'));
        // Savepoints of group commit keep their undo pages in a temporary journal: in memory, not a file.
        await connection.executeQuery(CompiledQuery.raw('pragma temp_store = MEMORY'));
      },
    }),
  });
  return { db, capabilities: { dialect: 'sqlite', skipLocked: false }, url: file, close: () => db.destroy() };
}

/** The schema named by a URL's `options=-c search_path=…` parameter, if any. */
function schemaOfUrl(url: string): string | undefined {
  const options = new URL(url).searchParams.get('options') ?? '';
  return /search_path=([a-z_][a-z0-9_]*)/i.exec(options)?.[1];
}

function createPostgres(url: string, options: CreateDbOptions): DbHandle {
  const schema = options.schema ?? schemaOfUrl(url);
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Invalid schema name "${schema}"`);
  // Explicit session options replace those of the URL, so the URL's search_path is carried over.
  const sessionOptions = [options.schema ? `-c search_path=${options.schema}` : new URL(url).searchParams.get('options'), options.readOnly ? '-c default_transaction_read_only=on' : undefined].filter(Boolean).join(' ');
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(sessionOptions ? { options: sessionOptions } : {}),
  });
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    capabilities: { dialect: 'postgres', skipLocked: true },
    url,
    ...(schema ? { schema } : {}),
    close: () => db.destroy(),
  };
}

/** PostgreSQL: creates the schema a handle was opened with (tests); a no-op elsewhere. */
export async function ensureSchema(handle: DbHandle, schema: string | undefined): Promise<void> {
  if (handle.capabilities.dialect !== 'postgres' || !schema) return;
  await sql`create schema if not exists ${sql.id(schema)}`.execute(handle.db);
}

/**
 * Runs `work` while holding a database-wide lock (PostgreSQL advisory lock), so server processes
 * starting together on one database take turns at migrating, deploying and seeding. SQLite has a
 * single writer per file already, so there it just runs.
 */
export async function withStartupLock<T>(handle: DbHandle, work: () => Promise<T>): Promise<T> {
  if (handle.capabilities.dialect !== 'postgres') return work();
  // An arbitrary constant naming "quytrinh start-up" among advisory locks.
  const key = 0x71_74_73_74;
  return handle.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${key})`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(connection);
    }
  });
}

/** PostgreSQL: drops a schema and everything in it (test clean-up); a no-op elsewhere. */
export async function dropSchema(handle: DbHandle, schema: string | undefined): Promise<void> {
  if (handle.capabilities.dialect !== 'postgres' || !schema) return;
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(handle.db);
}

/** The storage format of an instant: UTC, milliseconds, `Z` — lexically ordered on both dialects. */
export function toDbInstant(instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new Error(`Invalid instant "${String(instant)}"`);
  return date.toISOString();
}

/** Reads a JSON TEXT column. */
export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  return text == null || text === '' ? fallback : (JSON.parse(text) as T);
}

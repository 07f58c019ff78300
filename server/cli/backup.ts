/**
 * `quytrinh backup [--db URL] --out FILE`: a consistent copy of the database while the server
 * keeps running. SQLite: the online backup API (pages copied in steps, writers are not blocked).
 * PostgreSQL: `pg_dump --format=custom` when it is installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
// The backup API is not part of kysely; this command is the one place outside server/storage
// that talks to the driver directly, and it only reads.
import Database from 'better-sqlite3';
import { resolveDbUrl } from './audit.ts';
import { EXIT } from './index.ts';

const USAGE = `Usage: quytrinh backup [--db URL] --out FILE
  --db   SQLite file or postgres:// URL (default: $DATABASE_URL or ./data/quytrinh.db)
  --out  the backup file (SQLite: a database file; PostgreSQL: a pg_dump custom-format archive, restore with pg_restore)
`;

async function backupSqlite(file: string, out: string): Promise<number> {
  if (!existsSync(file)) {
    process.stderr.write(`quytrinh backup: no database at ${file}\n`);
    return EXIT.usage;
  }
  const db = new Database(file, { fileMustExist: true });
  try {
    const result = await db.backup(out);
    process.stdout.write(`quytrinh backup: ${result.totalPages} pages copied from ${file} to ${out}\n`);
    return EXIT.ok;
  } finally {
    db.close();
  }
}

/** The schema a `postgres://…?options=-c search_path=…` URL points at, if any. */
function searchPathSchema(url: string): string | undefined {
  const options = new URL(url).searchParams.get('options') ?? '';
  return /search_path=([^\s,]+)/.exec(options)?.[1];
}

function backupPostgres(url: string, out: string): number {
  // Where the URL names a schema, quytrinh's tables live there: dump that schema only, not
  // whatever else shares the database.
  const schema = searchPathSchema(url);
  const args = ['--format=custom', '--no-owner', `--file=${out}`, `--dbname=${url}`, ...(schema ? [`--schema=${schema}`] : [])];
  const result = spawnSync('pg_dump', args, { encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    process.stderr.write('quytrinh backup: pg_dump is not installed. Install the PostgreSQL client (apt-get install postgresql-client) or back up with your database tooling.\n');
    return EXIT.refused;
  }
  if (result.status !== 0) {
    process.stderr.write(`quytrinh backup: pg_dump failed: ${result.stderr.trim()}\n`);
    return EXIT.refused;
  }
  process.stdout.write(`quytrinh backup: pg_dump archive written to ${out}\n`);
  return EXIT.ok;
}

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { db: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    process.stderr.write(`quytrinh backup: ${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (!values.out) {
    process.stderr.write(`quytrinh backup: --out is required\n${USAGE}`);
    return EXIT.usage;
  }
  const url = resolveDbUrl(values.db);
  if (/^postgres(ql)?:\/\//.test(url)) return backupPostgres(url, values.out);
  const file = url.replace(/^(sqlite|file):(\/\/)?/, '');
  if (file === ':memory:') {
    process.stderr.write('quytrinh backup: an in-memory database cannot be backed up from another process\n');
    return EXIT.usage;
  }
  return backupSqlite(file, values.out);
}

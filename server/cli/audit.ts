/**
 * `quytrinh audit verify [--db URL] [--json]`: re-hashes every audit chain. Exit 0 when every
 * chain is intact, 1 naming the first broken event, 2 on bad arguments or an unusable database.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyAuditChain } from '../audit/chain.ts';
import { createDb, DEFAULT_DB_URL, type DbHandle } from '../storage/db.ts';
import { EXIT } from './index.ts';

const USAGE = 'Usage: quytrinh audit verify [--db URL] [--json]\n  --db    SQLite file or postgres:// URL (default: $DATABASE_URL or ./data/quytrinh.db)\n';

/** The database a CLI command works on: --db, else $DATABASE_URL, else the default SQLite file. */
export function resolveDbUrl(flag: string | undefined): string {
  return flag ?? process.env.DATABASE_URL ?? DEFAULT_DB_URL;
}

/**
 * Opens an existing database for a command; undefined (after printing why) when a SQLite file
 * does not exist, so a typo never creates an empty database.
 */
export function openExistingDb(url: string): DbHandle | undefined {
  const isPostgres = /^postgres(ql)?:\/\//.test(url);
  const file = url.replace(/^(sqlite|file):(\/\/)?/, '');
  if (!isPostgres && file !== ':memory:' && !existsSync(file)) {
    process.stderr.write(`quytrinh: no database at ${file}. Start the server once (npm start) or pass --db.\n`);
    return undefined;
  }
  return createDb(url, { poolSize: 2, readOnly: true });
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { db: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (error) {
    process.stderr.write(`quytrinh audit: ${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'verify') {
    process.stderr.write(USAGE);
    return EXIT.usage;
  }
  const handle = openExistingDb(resolveDbUrl(parsed.values.db));
  if (!handle) return EXIT.usage;
  try {
    const result = await verifyAuditChain(handle.db);
    if (parsed.values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else if (result.ok) process.stdout.write(`audit log intact: ${result.events} events in ${result.cases} chains\n`);
    else {
      const b = result.firstBroken!;
      process.stdout.write(`audit log BROKEN at case ${b.caseId}, event ${b.seq}: ${b.reason} (checked ${result.events} events in ${result.cases} chains)\n`);
    }
    return result.ok ? EXIT.ok : EXIT.refused;
  } catch (error) {
    process.stderr.write(`quytrinh audit: cannot read the audit log: ${(error as Error).message}\n`);
    return EXIT.usage;
  } finally {
    await handle.close();
  }
}

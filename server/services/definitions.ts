/** Loads deployed procedure versions for execution, cached by content hash (immutable rows). */
import type { ProcedureSpec } from '../../engine/index.ts';
import { Problem, notFound } from '../errors.ts';
import { fromJson } from '../storage/db.ts';
import type { DbOrTx } from '../storage/db.ts';
import { prepared } from '../storage/prepared.ts';
import type { ServiceDeps } from './context.ts';

export interface LoadedVersion {
  readonly processId: string;
  readonly version: number;
  readonly hash: string;
  /** The engine's runnable form, rebuilt from the stored XML once per process lifetime. */
  readonly runnable: unknown;
  readonly procedure: ProcedureSpec;
  readonly retired: boolean;
}

// Versions never change once deployed, so a hash identifies the same compiled content in every
// database; only `retired` can change, and it is re-read for the checks that need it.
const byHash = new Map<string, Omit<LoadedVersion, 'retired'>>();
// processId@version → hash, remembered per database (tests open many databases in one process).
const hashOf = new WeakMap<object, Map<string, string>>();

// Read on every receipt (the latest version) and every advance of a case whose version is not cached yet.
const versionRow = prepared<{ processId: string; version: number }, { hash: string; retired_at: string | null }>((db, p) =>
  db.selectFrom('procedure_versions').select(['hash', 'retired_at']).where('process_id', '=', p.processId).where('version', '=', p.version),
);
const latestVersionRow = prepared<{ processId: string }, { version: number; hash: string }>((db, p) =>
  db.selectFrom('procedure_versions').select(['version', 'hash']).where('process_id', '=', p.processId).where('retired_at', 'is', null).orderBy('version', 'desc').limit(1),
);

/**
 * The version a case runs on. `retired` is read fresh only when `checkRetired` is set (receiving
 * a case); advancing an open case never needs it, which saves a query per advance.
 */
export async function loadVersion(deps: Pick<ServiceDeps, 'db' | 'engine'>, processId: string, version: number, options: { executor?: DbOrTx; checkRetired?: boolean } = {}): Promise<LoadedVersion> {
  const db = options.executor ?? deps.db.db;
  const hashes = hashOf.get(deps.db) ?? new Map<string, string>();
  hashOf.set(deps.db, hashes);
  const known = hashes.get(`${processId}@${version}`);
  const cachedVersion = known ? byHash.get(known) : undefined;
  if (cachedVersion && !options.checkRetired) return { ...cachedVersion, retired: false };
  const [row] = await versionRow(db, { processId, version });
  if (!row) throw notFound(`Procedure ${processId} version ${version}`);
  hashes.set(`${processId}@${version}`, row.hash);
  const cached = byHash.get(row.hash);
  if (cached) return { ...cached, retired: row.retired_at !== null };
  const full = await db.selectFrom('procedure_versions').select(['compiled', 'procedure']).where('hash', '=', row.hash).executeTakeFirstOrThrow();
  // Rebuilt from the stored compiled form, never recompiled from the XML: a newer compiler must
  // not change a version that open cases run on.
  const runnable = deps.engine.load(fromJson<unknown>(full.compiled, undefined));
  const loaded = { processId, version, hash: row.hash, runnable, procedure: fromJson<ProcedureSpec>(full.procedure, { cutoffs: { desk: undefined, online: undefined, post: undefined }, supplementMode: 'restart' }) };
  byHash.set(row.hash, loaded);
  return { ...loaded, retired: row.retired_at !== null };
}

/** The newest version that is not retired. */
export async function latestVersion(deps: Pick<ServiceDeps, 'db' | 'engine'>, processId: string): Promise<LoadedVersion> {
  const db = deps.db.db;
  const [row] = await latestVersionRow(db, { processId });
  if (!row) {
    const any = await db.selectFrom('procedures').select('process_id').where('process_id', '=', processId).executeTakeFirst();
    if (any) throw new Problem('NOT_ALLOWED', `Every version of procedure ${processId} is retired. Deploy a new version first.`);
    throw notFound(`Procedure ${processId}`);
  }
  // Not retired, as the query asked: the cached version needs no second read.
  const cached = byHash.get(row.hash);
  return cached ? { ...cached, retired: false } : loadVersion(deps, processId, row.version, { checkRetired: true });
}

/**
 * Moving open cases to a newer version of their procedure: explicit, audited, and only when the
 * case's current position exists unchanged in the target ("the state value is the diagram").
 *
 * The rule is deliberately conservative: the case's stored state value must resolve on the target
 * machine, and the target must then wait for exactly what the source waits for — the same active
 * elements (same kind), the same open step keys, services, child cases, timers and messages. Only
 * then is the snapshot rewritten for the target definition (same state value, context and visit
 * counts). Everything still to come follows the target's flow.
 *
 * What is kept as it was (documented choice): open step rows (their name, role, unit, norm and due
 * date), their overdue timers and the case's appointment and deadline. A citizen's appointment is a
 * promise already made; a step already assigned stays with its officer.
 */
import { retargetSnapshot } from '../../engine/index.ts';
import type { AuditEventData, CompiledProcess, MigrationBlocker, PersistedCase } from '../../engine/index.ts';
import { Problem } from '../errors.ts';
import type { CaseRow } from '../storage/schema.ts';
import { commitChange, readForChange } from './advance.ts';
import type { StoredSnapshot } from './advance.ts';
import type { Actor, ServiceDeps } from './context.ts';
import { loadVersion } from './definitions.ts';
import type { LoadedVersion } from './definitions.ts';

export interface MigrationCasePlan {
  readonly caseId: string;
  readonly code: string;
  readonly caseVersion: number;
  /** Element ids the case is at now. */
  readonly active: readonly string[];
  readonly movable: boolean;
  readonly blockers: readonly MigrationBlocker[];
}

/** A case named in `caseIds` that is not an open case of `processId` on `fromVersion`. */
export interface MigrationSkip {
  readonly caseId: string;
  readonly reason: 'NOT_FOUND' | 'OTHER_PROCEDURE' | 'OTHER_VERSION' | 'ENDED';
}

export interface MigrationPlan {
  readonly processId: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly fromHash: string;
  readonly toHash: string;
  readonly movable: number;
  readonly blocked: number;
  readonly cases: readonly MigrationCasePlan[];
  readonly skipped: readonly MigrationSkip[];
}

export interface MigrationRequest {
  readonly processId: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  /** Only these cases (default: every open case on `fromVersion`). */
  readonly caseIds?: readonly string[];
}

export interface MigrationResult {
  readonly processId: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly fromHash: string;
  readonly toHash: string;
  /** Moved, each with its new case version. */
  readonly migrated: readonly { readonly caseId: string; readonly code: string; readonly caseVersion: number }[];
  /** Left untouched because their position does not exist in the target. */
  readonly blocked: readonly { readonly caseId: string; readonly code: string; readonly blockers: readonly MigrationBlocker[] }[];
  /** Left untouched because the case changed since the caller read it (409 per case). */
  readonly stale: readonly { readonly caseId: string; readonly code: string; readonly currentVersion: number }[];
  readonly skipped: readonly MigrationSkip[];
}

async function loadPair(deps: ServiceDeps, request: MigrationRequest): Promise<[LoadedVersion, LoadedVersion]> {
  if (!Number.isInteger(request.fromVersion) || !Number.isInteger(request.toVersion) || request.fromVersion < 1) throw new Problem('VALIDATION', 'fromVersion and toVersion must be positive integers.');
  if (request.toVersion <= request.fromVersion) throw new Problem('VALIDATION', `Cases move to a newer version only: toVersion (${request.toVersion}) must be greater than fromVersion (${request.fromVersion}).`);
  const from = await loadVersion(deps, request.processId, request.fromVersion);
  const to = await loadVersion(deps, request.processId, request.toVersion, { checkRetired: true });
  if (to.retired) throw new Problem('NOT_ALLOWED', `Version ${request.toVersion} of ${request.processId} is retired; cases cannot move to it.`);
  return [from, to];
}

/** Open cases on the source version, plus what was asked for but is not one. */
async function selectCases(deps: ServiceDeps, request: MigrationRequest): Promise<{ rows: CaseRow[]; skipped: MigrationSkip[] }> {
  const db = deps.db.db;
  if (!request.caseIds) {
    const rows = await db.selectFrom('cases').selectAll().where('process_id', '=', request.processId).where('version', '=', request.fromVersion).where('ended_at', 'is', null).orderBy('code').execute();
    return { rows, skipped: [] };
  }
  const ids = [...new Set(request.caseIds)];
  const found = ids.length ? await db.selectFrom('cases').selectAll().where('id', 'in', ids).orderBy('code').execute() : [];
  const skipped: MigrationSkip[] = [];
  const rows: CaseRow[] = [];
  for (const id of ids) {
    const row = found.find((r) => r.id === id);
    const reason = skipReason(row, request);
    if (reason) skipped.push({ caseId: id, reason });
    else rows.push(row!);
  }
  return { rows, skipped };
}

function skipReason(row: CaseRow | undefined, request: MigrationRequest): MigrationSkip['reason'] | undefined {
  if (!row) return 'NOT_FOUND';
  if (row.process_id !== request.processId) return 'OTHER_PROCEDURE';
  if (row.version !== request.fromVersion) return 'OTHER_VERSION';
  if (row.ended_at !== null) return 'ENDED';
  return undefined;
}

function persistedOf(row: CaseRow): PersistedCase {
  return (JSON.parse(row.snapshot) as StoredSnapshot).engine;
}

/**
 * The dry run: for each open case on `fromVersion` (or each of `caseIds`), whether it can move to
 * `toVersion` and, if not, why. Writes nothing.
 * @example const plan = await planMigration(deps, { processId: 'thin-slice', fromVersion: 1, toVersion: 2 });
 */
export async function planMigration(deps: ServiceDeps, request: MigrationRequest): Promise<MigrationPlan> {
  const [from, to] = await loadPair(deps, request);
  const { rows, skipped } = await selectCases(deps, request);
  const cases = rows.map((row): MigrationCasePlan => {
    const check = retargetSnapshot(from.runnable as CompiledProcess, to.runnable as CompiledProcess, persistedOf(row));
    return { caseId: row.id, code: row.code, caseVersion: row.case_version, active: check.active, movable: check.ok, blockers: check.ok ? [] : check.blockers };
  });
  const movable = cases.filter((c) => c.movable).length;
  return { processId: request.processId, fromVersion: from.version, toVersion: to.version, fromHash: from.hash, toHash: to.hash, movable, blocked: cases.length - movable, cases, skipped };
}

/** Thrown inside a case's transaction to roll it back and report the case as blocked. */
class Blocked extends Error {
  constructor(readonly blockers: readonly MigrationBlocker[]) {
    super('blocked');
  }
}

/** Thrown inside a case's transaction when the case is no longer an open case of the source version. */
class NoLongerEligible extends Error {
  constructor(readonly reason: MigrationSkip['reason']) {
    super(reason);
  }
}

/**
 * Moves the movable cases, each in its own transaction: re-check inside the transaction, rewrite
 * the snapshot for the target definition, set the case's version, bump its case version and append
 * `case.migrated` to its audit chain. Blocked and stale cases are reported and left untouched.
 * `expectedCaseVersions` (caseId → case version the caller saw in the plan) refuses cases that changed since.
 */
export async function applyMigration(deps: ServiceDeps, actor: Actor, request: MigrationRequest & { readonly expectedCaseVersions?: Readonly<Record<string, number>> }): Promise<MigrationResult> {
  const [from, to] = await loadPair(deps, request);
  const { rows, skipped } = await selectCases(deps, request);
  const migrated: MigrationResult['migrated'][number][] = [];
  const blocked: MigrationResult['blocked'][number][] = [];
  const stale: MigrationResult['stale'][number][] = [];
  for (const row of rows) {
    // Cases refused on what was just read take no transaction and no lock; those that pass are re-checked inside one.
    const expected = request.expectedCaseVersions?.[row.id];
    if (expected !== undefined && expected !== row.case_version) {
      stale.push({ caseId: row.id, code: row.code, currentVersion: row.case_version });
      continue;
    }
    const precheck = retargetSnapshot(from.runnable as CompiledProcess, to.runnable as CompiledProcess, persistedOf(row));
    if (!precheck.ok) {
      blocked.push({ caseId: row.id, code: row.code, blockers: precheck.blockers });
      continue;
    }
    try {
      const caseVersion = await deps.db.db.transaction().execute(async (trx) => {
        const change = await readForChange(trx, deps, row.id, actor, request.expectedCaseVersions?.[row.id]);
        // Re-read inside the transaction: the case may have ended or moved since it was selected.
        const reason = skipReason(change.row, request);
        if (reason) throw new NoLongerEligible(reason);
        const check = retargetSnapshot(from.runnable as CompiledProcess, to.runnable as CompiledProcess, change.snapshot.engine);
        if (!check.ok) throw new Blocked(check.blockers);
        change.snapshot = { ...change.snapshot, engine: check.snapshot };
        change.update.version = to.version;
        const audited: AuditEventData['case.migrated'] = { fromVersion: from.version, toVersion: to.version, fromHash: from.hash, toHash: to.hash, active: check.active };
        change.event('case.migrated', { data: audited });
        change.notify('case.migrated', { fromVersion: from.version, toVersion: to.version });
        return commitChange(trx, change);
      });
      migrated.push({ caseId: row.id, code: row.code, caseVersion });
    } catch (error) {
      if (error instanceof Blocked) {
        blocked.push({ caseId: row.id, code: row.code, blockers: error.blockers });
      } else if (error instanceof NoLongerEligible) {
        skipped.push({ caseId: row.id, reason: error.reason });
      } else if (error instanceof Problem && error.code === 'STALE_VERSION') {
        stale.push({ caseId: row.id, code: row.code, currentVersion: Number(error.extra.currentVersion) });
      } else if (error instanceof Problem && error.code === 'NOT_FOUND') {
        skipped.push({ caseId: row.id, reason: 'NOT_FOUND' });
      } else {
        throw error;
      }
    }
  }
  return { processId: request.processId, fromVersion: from.version, toVersion: to.version, fromHash: from.hash, toHash: to.hash, migrated, blocked, stale, skipped };
}

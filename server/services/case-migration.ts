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
import { deriveObligations } from '../../engine/index.ts';
import type { AuditEventData, CompiledProcess, Obligations, PersistedCase } from '../../engine/index.ts';
import { Problem } from '../errors.ts';
import type { CaseRow } from '../storage/schema.ts';
import { commitChange, readForChange } from './advance.ts';
import type { StoredSnapshot } from './advance.ts';
import type { Actor, ServiceDeps } from './context.ts';
import { loadVersion } from './definitions.ts';
import type { LoadedVersion } from './definitions.ts';

/** Why a case cannot move (stable codes; `message` says it in words). */
export type MigrationBlockerCode =
  /** An active element does not exist in the target version. */
  | 'ELEMENT_MISSING'
  /** An active element exists but is of another kind (e.g. a user task became a service task). */
  | 'KIND_CHANGED'
  /** The stored state value has no counterpart in the target's state structure (regions, sub-processes). */
  | 'STATE_UNRESOLVABLE'
  /** The target would wait for other steps, timers, messages, services or child cases. */
  | 'WAITS_DIFFER'
  /** An open step offers other outcomes (or counts differently against the clock) in the target. */
  | 'STEP_CHANGED'
  /** Tokens have partly arrived at a parallel join or queue for a busy element; flows may differ in the target. */
  | 'JOIN_IN_PROGRESS';

export interface MigrationBlocker {
  readonly code: MigrationBlockerCode;
  readonly message: string;
  readonly elementIds?: readonly string[];
}

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

/** The fields of the engine's persisted machine state this check reads and rewrites. */
interface MachineState {
  readonly status: 'active' | 'done' | 'error' | 'stopped';
  readonly value: unknown;
  readonly context: { readonly tokens?: Readonly<Record<string, Readonly<Record<string, number>>>>; readonly waiting?: Readonly<Record<string, number>> } & Record<string, unknown>;
  readonly visits?: Readonly<Record<string, number>>;
}

type Retarget = { readonly ok: true; readonly snapshot: PersistedCase; readonly active: readonly string[] } | { readonly ok: false; readonly blockers: readonly MigrationBlocker[]; readonly active: readonly string[] };

const sameKeys = (a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean => a.size === b.size && [...a.keys()].every((k) => b.has(k));

function waitsDiffer(before: Obligations, after: Obligations): string[] {
  const kinds: [string, ReadonlyMap<string, unknown>, ReadonlyMap<string, unknown>][] = [
    ['open steps', before.steps, after.steps],
    ['services', before.services, after.services],
    ['child cases', before.children, after.children],
    ['timers', before.timers, after.timers],
    ['messages', before.messages, after.messages],
  ];
  return kinds.filter(([, a, b]) => !sameKeys(a, b)).map(([name]) => name);
}

/**
 * The case's persisted snapshot rebuilt for the target definition, or why it cannot be.
 * Pure: reads the two compiled definitions and the snapshot only.
 */
export function retargetSnapshot(source: CompiledProcess, target: CompiledProcess, persisted: PersistedCase): Retarget {
  const state = persisted.machine as MachineState;
  const before = deriveObligations(source, state as never);
  const active = before.active;
  const blockers: MigrationBlocker[] = [];
  const missing = active.filter((id) => !target.elements[id]);
  if (missing.length) blockers.push({ code: 'ELEMENT_MISSING', message: `The target version has no element ${missing.map((id) => `"${id}"`).join(', ')} where the case is now.`, elementIds: missing });
  const changed = active.filter((id) => {
    const from = source.elements[id];
    const to = target.elements[id];
    return from && to && (from.kind !== to.kind || from.wait !== to.wait || Boolean(from.multiInstance) !== Boolean(to.multiInstance));
  });
  if (changed.length) blockers.push({ code: 'KIND_CHANGED', message: `In the target version ${changed.map((id) => `"${id}"`).join(', ')} ${changed.length > 1 ? 'are' : 'is'} of another kind.`, elementIds: changed });
  const halfJoined = Object.entries(state.context.tokens ?? {}).filter(([, arrivals]) => Object.values(arrivals).some((n) => n > 0)).map(([join]) => join);
  const queued = Object.entries(state.context.waiting ?? {}).filter(([, n]) => n > 0).map(([id]) => id);
  if (halfJoined.length || queued.length) {
    const ids = [...halfJoined, ...queued];
    blockers.push({ code: 'JOIN_IN_PROGRESS', message: `Parallel branches are part-way at ${ids.map((id) => `"${id}"`).join(', ')}; finish the parallel part on the current version first.`, elementIds: ids });
  }
  if (blockers.length) return { ok: false, blockers, active };

  let resolvedValue: unknown;
  try {
    resolvedValue = (target.machine.resolveState({ value: state.value, context: state.context } as never) as { value: unknown }).value;
  } catch {
    return { ok: false, active, blockers: [{ code: 'STATE_UNRESOLVABLE', message: 'The case\'s position sits in another place of the target version\'s structure (the diagram around it was rearranged: parallel branches, sub-processes or non-interrupting events).', elementIds: active }] };
  }
  const machine: MachineState = { status: state.status, value: resolvedValue, context: state.context, ...(state.visits ? { visits: state.visits } : {}) };
  const after = deriveObligations(target, machine as never);
  const sameActive = after.active.length === active.length && after.active.every((id) => active.includes(id));
  const differing = waitsDiffer(before, after);
  if (!sameActive || differing.length || after.stuck.length) {
    const what = [...(sameActive ? [] : ['active elements']), ...differing, ...(after.stuck.length ? ['stuck gateways'] : [])];
    return { ok: false, active, blockers: [{ code: 'WAITS_DIFFER', message: `On the target version the case would wait differently (${what.join(', ')}).`, elementIds: [...new Set([...active, ...after.active])] }] };
  }
  // The open step rows keep the outcomes they offered; the target must accept the same ones.
  const changedSteps = [...before.steps].filter(([key, step]) => {
    const next = after.steps.get(key)!;
    return step.outsideClock !== next.outsideClock || step.outcomes.length !== next.outcomes.length || step.outcomes.some((o) => !next.outcomes.includes(o));
  }).map(([, step]) => step.elementId);
  if (changedSteps.length) {
    return { ok: false, active, blockers: [{ code: 'STEP_CHANGED', message: `In the target version the open step ${changedSteps.map((id) => `"${id}"`).join(', ')} offers other outcomes or counts differently against the clock.`, elementIds: [...new Set(changedSteps)] }] };
  }
  return { ok: true, active, snapshot: { definitionHash: target.hash, machine } };
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

/**
 * Moving a case's persisted snapshot to another compiled version of its procedure: pure, reads
 * the two definitions and the snapshot only. The server's case migration decides with it which
 * open cases can move and writes the rebuilt snapshot.
 */
import type { CompiledProcess } from '../compile/types.ts';
import { deriveObligations } from './step.ts';
import type { Obligations } from './step.ts';
import type { PersistedCase } from './types.ts';

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

/** The fields of the engine's persisted machine state this check reads and rewrites. */
interface MachineState {
  readonly status: 'active' | 'done' | 'error' | 'stopped';
  readonly value: unknown;
  readonly context: { readonly tokens?: Readonly<Record<string, Readonly<Record<string, number>>>>; readonly waiting?: Readonly<Record<string, number>> } & Record<string, unknown>;
  readonly visits?: Readonly<Record<string, number>>;
}

export type Retarget = { readonly ok: true; readonly snapshot: PersistedCase; readonly active: readonly string[] } | { readonly ok: false; readonly blockers: readonly MigrationBlocker[]; readonly active: readonly string[] };

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


/**
 * The one `setup({ guards, actions })` every compiled machine is bound to. The compiled config
 * refers to these by name with JSON params, so configs stay serialisable and snapshots persistable.
 * Effect-reporting actions (`enter`, `thrown`, `end`) do nothing here: `transition()` hands them
 * back to the runtime, which turns them into Effect data.
 */
import { assign, raise, setup } from 'xstate';
import type { CaseData } from '../runtime/types.ts';
import { evaluateFeel, feelHolds } from './feel.ts';

/** Multi-instance bookkeeping for one activity, persisted in the snapshot's context. */
export interface MultiInstanceState {
  readonly items: readonly unknown[];
  /** 0-based indexes of finished instances. */
  readonly done: readonly number[];
}

/** The machine context: case variables plus the engine's own bookkeeping. */
export interface CaseContext {
  readonly data: CaseData;
  readonly mi: Readonly<Record<string, MultiInstanceState>>;
  /** The last end event reached: when the machine is done, the case ended there. */
  /** Token bookkeeping (unstructured scopes): arrivals per join and incoming flow. */
  readonly tokens?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Token bookkeeping: tokens waiting for a busy element, per element id. */
  readonly waiting?: Readonly<Record<string, number>>;
  /** Token bookkeeping: tokens alive per scope id; the scope ends at zero. */
  readonly live?: Readonly<Record<string, number>>;
  readonly endedAt?: { readonly id: string; readonly result: 'completed' | 'terminated' | 'error'; readonly errorCode?: string };
}

/** A machine event: engine events translated to element-addressed types (`COMPLETE.Task_a`). */
export interface MachineEvent {
  readonly type: string;
  readonly stepKey?: string;
  readonly outcome?: string;
  readonly data?: CaseData;
  readonly errorCode?: string;
  /** Element ids the runtime routed a message or timer to (non-interrupting listeners check it). */
  readonly to?: readonly string[];
  /** Token bookkeeping: the sequence flow a raised TOKEN event travelled. */
  readonly flow?: string;
}

type Args = { context: CaseContext; event: MachineEvent };

/**
 * The 0-based instance index a step key names, or -1 when it names no instance.
 * @example instanceIndex('review#3') // 2
 */
export function instanceIndex(stepKey: string | undefined): number {
  if (!stepKey) return -1;
  const hash = stepKey.lastIndexOf('#');
  if (hash < 0) return -1;
  const n = Number(stepKey.slice(hash + 1));
  return Number.isInteger(n) && n >= 1 ? n - 1 : -1;
}

function mergeData(context: CaseContext, event: MachineEvent, elementId: string): CaseData {
  const outcome = event.outcome;
  const base = event.data ? { ...context.data, ...event.data } : { ...context.data };
  if (outcome !== undefined) {
    const previous = (context.data['outcomes'] ?? {}) as Record<string, unknown>;
    base['outcome'] = outcome;
    base['outcomes'] = { ...previous, [elementId]: outcome };
  }
  return base;
}

function miVariables(context: CaseContext, id: string, extraDone: number): Record<string, unknown> {
  const mi = context.mi[id];
  const total = mi?.items.length ?? 0;
  const completed = (mi?.done.length ?? 0) + extraDone;
  return { ...context.data, nrOfInstances: total, nrOfCompletedInstances: completed, nrOfActiveInstances: total - completed };
}

/**
 * Evaluates a multi-instance collection or cardinality into the list of items.
 * @example miItems({ units: ['A', 'B'] }, { collection: 'units' }) // ['A', 'B']
 */
export function miItems(data: CaseData, spec: { collection?: string; cardinality?: string }): unknown[] {
  if (spec.collection) {
    const value = evaluateFeel(spec.collection, data);
    return Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
  }
  if (spec.cardinality) {
    const n = Number(evaluateFeel(spec.cardinality, data));
    return Number.isFinite(n) && n > 0 ? Array.from({ length: Math.floor(n) }, (_, i) => i + 1) : [];
  }
  return [];
}

/**
 * The implementations. Guards: `feel` (a FEEL condition over case data), `noneHolds` (default
 * flow of an inclusive split), `addressed` (the runtime routed this event to the element),
 * `errorCode`, `miEmpty`, `miWillFinish`. Actions: `complete`, `miStart`, `miComplete`,
 * `endReached` (assign) and `enter`, `thrown` (reported as effects).
 */
export const caseSetup = setup({
  types: {} as { context: CaseContext; events: MachineEvent; input: { data: CaseData } },
  guards: {
    feel: ({ context }: Args, params: { expr: string }) => feelHolds(params.expr, context.data),
    /** A condition evaluated on the data as a completion (this event) will leave it. */
    feelAfter: ({ context, event }: Args, params: { expr: string; id: string }) => feelHolds(params.expr, mergeData(context, event, params.id)),
    noneHolds: ({ context }: Args, params: { exprs: readonly string[] }) => !params.exprs.some((expr) => feelHolds(expr, context.data)),
    addressed: ({ event }: Args, params: { id: string }) => event.to?.includes(params.id) ?? false,
    errorCode: ({ event }: Args, params: { code?: string }) =>
      event.errorCode !== undefined && (params.code === undefined || params.code === event.errorCode),
    joinReady: ({ context, event }: Args, params: { id: string; incoming: readonly string[] }) =>
      params.incoming.every((f) => (context.tokens?.[params.id]?.[f] ?? 0) + (event.flow === f ? 1 : 0) >= 1),
    tokenWaiting: ({ context }: Args, params: { id: string }) => (context.waiting?.[params.id] ?? 0) > 0,
    noLiveTokens: ({ context }: Args, params: { scope: string }) => (context.live?.[params.scope] ?? 0) <= 0,
    miEmpty: ({ context }: Args, params: { id: string }) => (context.mi[params.id]?.items.length ?? 0) === 0,
    miWillFinish: ({ context, event }: Args, params: { id: string; completionCondition?: string }) => {
      const mi = context.mi[params.id];
      if (!mi) return true;
      if (params.completionCondition && feelHolds(params.completionCondition, { ...miVariables(context, params.id, 1), ...(event.data ?? {}) })) return true;
      return mi.done.length + 1 >= mi.items.length;
    },
  },
  actions: {
    complete: assign(({ context, event }: Args, params: { id: string }) => ({ data: mergeData(context, event, params.id) })),
    miStart: assign(({ context }: Args, params: { id: string; collection?: string; cardinality?: string }) => ({
      mi: { ...context.mi, [params.id]: { items: miItems(context.data, params), done: [] } },
    })),
    miComplete: assign(({ context, event }: Args, params: { id: string; sequential: boolean }) => {
      const mi = context.mi[params.id];
      if (!mi) return {};
      const index = params.sequential ? mi.done.length : instanceIndex(event.stepKey);
      return { mi: { ...context.mi, [params.id]: { items: mi.items, done: [...mi.done, index] } } };
    }),
    miBind: assign(({ context }: Args, params: { id: string; variable: string }) => {
      const mi = context.mi[params.id];
      if (!mi || mi.done.length >= mi.items.length) return {};
      return { data: { ...context.data, [params.variable]: mi.items[mi.done.length] } };
    }),
    endReached: assign((_: Args, params: { id: string; result: 'completed' | 'terminated' | 'error'; errorCode?: string }) => ({
      endedAt: params.errorCode === undefined ? { id: params.id, result: params.result } : { id: params.id, result: params.result, errorCode: params.errorCode },
    })),
    emit: raise((_: Args, params: { to: string; flow?: string }) => ({ type: `TOKEN.${params.to}`, ...(params.flow ? { flow: params.flow } : {}) }) as MachineEvent),
    raiseEvent: raise((_: Args, params: { type: string }) => ({ type: params.type }) as MachineEvent),
    live: assign(({ context }: Args, params: { scope: string; delta: number }) => ({
      live: { ...context.live, [params.scope]: (context.live?.[params.scope] ?? 0) + params.delta },
    })),
    liveSet: assign(({ context }: Args, params: { scope: string; value: number }) => ({ live: { ...context.live, [params.scope]: params.value } })),
    tokenWait: assign(({ context }: Args, params: { id: string }) => ({ waiting: { ...context.waiting, [params.id]: (context.waiting?.[params.id] ?? 0) + 1 } })),
    tokenTake: assign(({ context }: Args, params: { id: string }) => ({ waiting: { ...context.waiting, [params.id]: (context.waiting?.[params.id] ?? 0) - 1 } })),
    joinArrive: assign(({ context, event }: Args, params: { id: string }) => {
      if (!event.flow) return {};
      const counts = context.tokens?.[params.id] ?? {};
      return { tokens: { ...context.tokens, [params.id]: { ...counts, [event.flow]: (counts[event.flow] ?? 0) + 1 } } };
    }),
    joinConsume: assign(({ context, event }: Args, params: { id: string; incoming: readonly string[] }) => {
      const counts = { ...(context.tokens?.[params.id] ?? {}) };
      // The token that fired the join was never counted; one waiting token per other incoming flow is used up.
      for (const f of params.incoming) if (f !== event.flow) counts[f] = (counts[f] ?? 0) - 1;
      return { tokens: { ...context.tokens, [params.id]: counts } };
    }),
    enter: (_: Args, _params: { id: string }) => undefined,
    thrown: (_: Args, _params: { id: string; kind: 'message' | 'escalation'; name?: string }) => undefined,
  },
});

/**
 * Soundness by a bounded token game on the procedure model: every reachable marking (tokens on
 * sequence flows) is explored breadth-first, so each finding comes with the shortest path of
 * element ids that reaches it. Reported: deadlocks (tokens left that can never move, e.g. an
 * exclusive split closed by a parallel join), lack of synchronisation (two tokens on one flow,
 * e.g. a parallel split closed by an exclusive merge) and livelocks (markings from which no end
 * can be reached although something can still move). Sub-processes are checked as scopes of their
 * own and fire atomically in their parent. Exploration stops at `maxMarkings`.
 */
import type { Diagnostic } from '../diagnostics.ts';
import type { DefinitionsModel, FlowGraph, FlowNode, ProcessModel } from '../bpmn/model.ts';
import type { CompiledProcess } from './types.ts';

export interface SoundnessOptions {
  /** Markings explored per scope before giving up (the result is then partial); default 10,000. */
  readonly maxMarkings?: number;
  readonly processId?: string;
}

/** A marking: token counts per flow id, plus `#end` when a terminate end emptied it. */
type Marking = ReadonlyMap<string, number>;
interface Move { readonly node: string; readonly next: Marking }

const MAX_TOKENS_PER_FLOW = 2;

/**
 * Checks a process (or the executable process of a definitions model) for deadlocks, lack of
 * synchronisation and livelocks.
 * @example checkSoundness(definitions).filter((d) => d.code === 'DEADLOCK')
 */
export function checkSoundness(model: ProcessModel | DefinitionsModel | CompiledProcess, options: SoundnessOptions = {}): Diagnostic[] {
  const process = resolveProcess(model, options.processId);
  if (!process) return [];
  const diagnostics: Diagnostic[] = [];
  const visitScope = (graph: FlowGraph): void => {
    for (const node of graph.nodes) if (node.kind === 'SubProcess') visitScope(node.graph);
    checkScope(process.id, graph, options.maxMarkings ?? 10_000, diagnostics);
  };
  visitScope(process.graph);
  return diagnostics;
}

function resolveProcess(model: ProcessModel | DefinitionsModel | CompiledProcess, processId: string | undefined): ProcessModel | undefined {
  if ('graph' in model) return model;
  if ('processes' in model) {
    return processId ? model.processes.find((p) => p.id === processId) : model.processes.find((p) => p.isExecutable && p.graph.nodes.length > 0) ?? model.processes[0];
  }
  return model.model;
}

const key = (m: Marking): string => [...m.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, n]) => `${f}:${n}`).join(',');

function checkScope(processId: string, graph: FlowGraph, maxMarkings: number, diagnostics: Diagnostic[]): void {
  const flows = new Map(graph.flows.map((f) => [f.id, f]));
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const boundaries = new Map<string, FlowNode[]>();
  for (const n of graph.nodes) if (n.kind === 'BoundaryEvent') boundaries.set(n.attachedToId, [...(boundaries.get(n.attachedToId) ?? []), n]);
  const starts = graph.nodes.filter((n) => n.kind === 'StartEvent');
  const start = starts.find((s) => s.kind === 'StartEvent' && s.trigger.kind === 'none') ?? starts[0];
  if (!start) return;
  const linkCatch = new Map<string, FlowNode>();
  for (const n of graph.nodes) if (n.kind === 'IntermediateCatchEvent' && n.trigger.kind === 'link') linkCatch.set(n.trigger.linkName, n);

  // Loop-back flows (to a node on the current depth-first path from the start): a token behind one
  // belongs to a later round of the loop and must not hold up an inclusive join of this round.
  const backFlows = new Set<string>();
  const onPath = new Set<string>();
  const done = new Set<string>();
  const dfs = (id: string): void => {
    onPath.add(id);
    const node = nodes.get(id);
    const out = [...(node?.outgoing ?? []), ...(boundaries.get(id) ?? []).flatMap((b) => b.outgoing)];
    for (const f of out) {
      const target = flows.get(f)?.targetId;
      if (target === undefined) continue;
      if (onPath.has(target)) backFlows.add(f);
      else if (!done.has(target)) dfs(target);
    }
    onPath.delete(id);
    done.add(id);
  };
  dfs(start.id);

  /** Flow ids reachable downstream of a flow without looping back (for the inclusive join's "can a token still come?"). */
  const downstream = new Map<string, Set<string>>();
  const reachableFlows = (flowId: string): Set<string> => {
    let set = downstream.get(flowId);
    if (set) return set;
    set = new Set();
    const queue = [flowId];
    while (queue.length > 0) {
      const f = queue.pop()!;
      if (set.has(f) || (f !== flowId && backFlows.has(f))) continue;
      set.add(f);
      const target = nodes.get(flows.get(f)?.targetId ?? '');
      if (!target) continue;
      queue.push(...target.outgoing);
      for (const b of boundaries.get(target.id) ?? []) queue.push(...b.outgoing);
    }
    downstream.set(flowId, set);
    return set;
  };

  const produce = (m: Map<string, number>, flowIds: readonly string[]): void => {
    for (const f of flowIds) m.set(f, Math.min(MAX_TOKENS_PER_FLOW, (m.get(f) ?? 0) + 1));
  };
  const consume = (m: Marking, flowId: string): Map<string, number> => {
    const next = new Map(m);
    const n = (next.get(flowId) ?? 0) - 1;
    if (n > 0) next.set(flowId, n); else next.delete(flowId);
    return next;
  };
  /** Where a node's outgoing tokens go: every alternative set of flows. */
  const outputs = (node: FlowNode): string[][] => {
    const out = node.outgoing;
    if (node.kind === 'IntermediateThrowEvent' && node.trigger.kind === 'link') {
      const target = linkCatch.get(node.trigger.linkName);
      return target ? [[...target.outgoing]] : [[]];
    }
    if (out.length <= 1) return [[...out]];
    if (node.kind === 'ExclusiveGateway' || node.kind === 'EventBasedGateway') return out.map((f) => [f]);
    if (node.kind === 'InclusiveGateway') return subsets(out);
    const conditional = out.every((f) => flows.get(f)?.condition !== undefined);
    return conditional ? out.map((f) => [f]) : [[...out]];
  };

  const moves = (m: Marking): Move[] => {
    const result: Move[] = [];
    for (const node of graph.nodes) {
      const marked = node.incoming.filter((f) => (m.get(f) ?? 0) > 0);
      if (marked.length === 0) continue;
      if (node.kind === 'ParallelGateway') {
        if (marked.length < node.incoming.length) continue;
        let next: Map<string, number> = new Map(m);
        for (const f of node.incoming) next = consume(next, f);
        produce(next, node.outgoing);
        result.push({ node: node.id, next });
        continue;
      }
      if (node.kind === 'InclusiveGateway' && node.incoming.length > 1) {
        const empty = node.incoming.filter((f) => !marked.includes(f));
        const upstreamToken = [...m.entries()].some(([f, n]) => n > 0 && !node.incoming.includes(f) && empty.some((e) => reachableFlows(f).has(e)));
        if (upstreamToken) continue;
        for (const alternative of outputs(node)) {
          let next: Map<string, number> = new Map(m);
          for (const f of marked) next = consume(next, f);
          produce(next, alternative);
          result.push({ node: node.id, next });
        }
        continue;
      }
      for (const f of marked) {
        if (node.kind === 'EndEvent') {
          result.push({ node: node.id, next: node.trigger.kind === 'terminate' ? new Map() : consume(m, f) });
          continue;
        }
        for (const alternative of outputs(node)) {
          const next = consume(m, f);
          produce(next, alternative);
          result.push({ node: node.id, next });
        }
        for (const b of boundaries.get(node.id) ?? []) {
          if (b.kind !== 'BoundaryEvent') continue;
          const next = consume(m, f);
          if (!b.interrupting) produce(next, node.outgoing);
          produce(next, b.outgoing);
          result.push({ node: b.id, next });
        }
      }
    }
    return result;
  };

  // Breadth-first exploration with parent links for counterexample paths.
  const initial = new Map<string, number>();
  produce(initial, start.outgoing);
  const index = new Map<string, number>();
  const markings: Marking[] = [];
  const parent: { from: number; node: string }[] = [];
  const successors: number[][] = [];
  const add = (m: Marking, from: number, node: string): number => {
    const k = key(m);
    const existing = index.get(k);
    if (existing !== undefined) return existing;
    const i = markings.length;
    index.set(k, i);
    markings.push(m);
    parent.push({ from, node });
    successors.push([]);
    return i;
  };
  add(initial, -1, start.id);
  const pathTo = (i: number): string[] => {
    const path: string[] = [];
    for (let at = i; at >= 0; at = parent[at]!.from) path.push(parent[at]!.node);
    return path.reverse();
  };
  const reported = new Set<string>();
  const report = (code: string, elementId: string, message: string, at: number): void => {
    const id = `${code}|${elementId}`;
    if (reported.has(id)) return;
    reported.add(id);
    const node = nodes.get(elementId);
    diagnostics.push({ code, severity: 'error', message, elementId, ...(node?.name ? { elementName: node.name } : {}), processId, path: pathTo(at) });
  };

  let truncated = false;
  for (let i = 0; i < markings.length; i++) {
    if (markings.length >= maxMarkings) { truncated = true; break; }
    const m = markings[i]!;
    for (const [f, n] of m) {
      if (n >= 2) {
        const flow = flows.get(f)!;
        report('LACK_OF_SYNC', flow.sourceId, `Two tokens can pass "${flow.sourceId}" at once (parallel branches are merged without a parallel join), so the steps after it run twice. Close the parallel split with a parallel gateway.`, i);
      }
    }
    const next = moves(m);
    if (next.length === 0 && m.size > 0) {
      const waiting = [...m.keys()].map((f) => flows.get(f)?.targetId).filter((t): t is string => t !== undefined);
      const at = waiting.find((t) => nodes.get(t)?.kind === 'ParallelGateway' || nodes.get(t)?.kind === 'InclusiveGateway') ?? waiting[0] ?? start.id;
      report('DEADLOCK', at, `The case can get stuck at "${at}": it waits for a token that never comes (e.g. a parallel join after an exclusive split). Join exclusive branches with an exclusive gateway, or split with a parallel gateway.`, i);
    }
    for (const move of next) successors[i]!.push(add(move.next, i, move.node));
  }
  if (truncated) {
    diagnostics.push({ code: 'SOUNDNESS_BOUND', severity: 'info', message: `Soundness check stopped after ${maxMarkings} markings; findings may be incomplete. Simplify the diagram or split it into sub-processes.`, processId });
    return;
  }
  // Livelock: markings from which neither an end (empty marking) nor a deadlock can be reached —
  // the case can only cycle. Markings that merely lead to a deadlock are reported as that deadlock.
  const settles = new Array<boolean>(markings.length).fill(false);
  const predecessors: number[][] = markings.map(() => []);
  successors.forEach((list, from) => list.forEach((to) => predecessors[to]!.push(from)));
  const queue: number[] = [];
  markings.forEach((m, i) => { if (m.size === 0 || successors[i]!.length === 0) { settles[i] = true; queue.push(i); } });
  while (queue.length > 0) {
    const i = queue.pop()!;
    for (const p of predecessors[i]!) if (!settles[p]) { settles[p] = true; queue.push(p); }
  }
  for (let i = 0; i < markings.length; i++) {
    if (settles[i]) continue;
    const m = markings[i]!;
    const at = [...m.keys()].map((f) => flows.get(f)?.targetId).find((t): t is string => t !== undefined) ?? start.id;
    report('LIVELOCK', at, `From "${at}" the case can only loop and never reach an end event. Give the loop an exit (a flow to an end event).`, i);
    break;
  }
}

/** Non-empty subsets of the outgoing flows of an inclusive split (singletons and all when large). */
function subsets(flowIds: readonly string[]): string[][] {
  if (flowIds.length > 4) return [...flowIds.map((f) => [f]), [...flowIds]];
  const result: string[][] = [];
  const count = 2 ** flowIds.length;
  for (let mask = 1; mask < count; mask++) result.push(flowIds.filter((_, i) => (mask & (1 << i)) !== 0));
  return result;
}


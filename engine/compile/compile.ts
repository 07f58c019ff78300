/**
 * Procedure model → XState v5 machine. The state value is the diagram: every active flow node is
 * a state named by its element id; block-structured parallel and inclusive splits become parallel
 * states with one region per outgoing flow (named by the flow id) whose final state is named by the
 * join; embedded sub-processes are compound states; gateways are eventless transitions guarded by
 * FEEL. Timers and messages are named events the server delivers (`TIMER.<id>`, `MESSAGE.<name>`),
 * never XState delays, so a restart loses nothing.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { DiagnosticCollector } from '../diagnostics.ts';
import type {
  BoundaryEventNode, DefinitionsModel, EndEventNode, FlowGraph, FlowNode, Lane, ProcessModel, SequenceFlow, SubProcessNode,
} from '../bpmn/model.ts';
import { assertNever } from '../bpmn/model.ts';
import { caseSetup } from './implementations.ts';
import { canonicalJson, sha256Hex } from './sha256.ts';
import type { CompiledProcess, ElementInfo, Listener, WaitKind } from './types.ts';
import { feelSyntaxError } from './feel.ts';

/** Result of `compileProcess`: the compiled process when it can run, and what was found on the way. */
export interface CompileResult {
  readonly compiled: CompiledProcess | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

type StateConfig = Record<string, unknown>;
type Transition = { target: string; guard?: unknown; actions?: unknown[] };

interface Scope {
  readonly id: string;
  readonly graph: FlowGraph;
  readonly subProcess?: SubProcessNode;
  readonly parent?: Scope;
  /** Regions of non-interrupting listeners, keyed `<elementId>~`, added beside the main flow. */
  readonly sideRegions: Record<string, StateConfig>;
  /** Compiled with token bookkeeping in context (unstructured splits or joins): one region per element. */
  tokens?: boolean;
}

/** Machines by content hash; the oldest are dropped past this many (a server compiles each version once). */
const MACHINE_CACHE_SIZE = 512;
const machineCache = new Map<string, CompiledProcess['machine']>();

/** The machine for a config, shared by every compile (or load) with the same hash. */
function machineFor(hash: string, config: Readonly<Record<string, unknown>>): CompiledProcess['machine'] {
  let machine = machineCache.get(hash);
  if (!machine) {
    machine = (caseSetup.createMachine as (config: unknown) => CompiledProcess['machine'])({
      ...config,
      context: ({ input }: { input: { data?: Record<string, unknown> } | undefined }) => ({ data: { ...(input?.data ?? {}) }, mi: {} }),
    });
    machineCache.set(hash, machine);
    if (machineCache.size > MACHINE_CACHE_SIZE) machineCache.delete(machineCache.keys().next().value!);
  }
  return machine;
}

/**
 * Rebuilds a compiled process from what a server stored at deploy time (everything but the
 * machine), so open cases keep running on exactly the config they started with even after the
 * compiler changes. Guards and actions are bound by name to today's `caseSetup`.
 * @example const compiled = loadCompiled(JSON.parse(row.compiledJson));
 */
export function loadCompiled(stored: Omit<CompiledProcess, 'machine'>): CompiledProcess {
  return { ...stored, machine: machineFor(stored.hash, stored.config) };
}

/** Escapes an element id for an XState `#id` target (dots and backslashes are path syntax). */
function ref(id: string): string {
  return `#${id.replace(/[\\.]/g, (m) => `\\${m}`)}`;
}

/**
 * Picks the process to run: the given id, else the executable process of a collaboration
 * (the first executable one, else the first with flow nodes).
 * @example selectProcess(definitions)?.id // 'Process_1'
 */
export function selectProcess(definitions: DefinitionsModel, processId?: string): ProcessModel | undefined {
  if (processId) return definitions.processes.find((p) => p.id === processId);
  return definitions.processes.find((p) => p.isExecutable && p.graph.nodes.length > 0)
    ?? definitions.processes.find((p) => p.graph.nodes.length > 0)
    ?? definitions.processes[0];
}

/**
 * Compiles one process of a definitions model into a machine bound to `caseSetup`.
 * Returns `compiled: undefined` when any error diagnostic says it cannot run.
 * @example const { compiled, diagnostics } = compileProcess(definitions);
 */
export function compileProcess(definitions: DefinitionsModel, processId?: string): CompileResult {
  const process = selectProcess(definitions, processId);
  if (!process) {
    return {
      compiled: undefined,
      diagnostics: [{ code: 'NO_PROCESS', severity: 'error', message: processId ? `No process "${processId}" in this file. Try one of: ${definitions.processes.map((p) => p.id).join(', ') || 'none'}.` : 'The file defines no process. Add a process with a start event.' }],
    };
  }
  return new Compiler(process).run();
}

class Compiler {
  private readonly diagnostics = new DiagnosticCollector();
  private readonly nodes = new Map<string, { node: FlowNode; scope: Scope }>();
  private readonly flows = new Map<string, SequenceFlow>();
  private readonly boundaries = new Map<string, BoundaryEventNode[]>();
  private readonly elements: Record<string, ElementInfo> = {};
  private readonly lanes = new Map<string, Lane>();
  private readonly linkCatches = new Map<string, string>();
  /** Event sub-processes with an error start, per scope id. */
  private readonly errorEventSubProcesses = new Map<string, { id: string; code: string | undefined }[]>();

  constructor(private readonly process: ProcessModel) {
    for (const lane of process.lanes) this.lanes.set(lane.id, lane);
  }

  run(): CompileResult {
    const root: Scope = { id: this.process.id, graph: this.process.graph, sideRegions: {} };
    this.index(root);
    if (this.hasErrors()) return this.result(undefined);
    const rootListeners: Listener[] = [];
    const body = this.compileScope(root, rootListeners);
    this.elements[this.process.id] = {
      id: this.process.id, name: this.process.name, kind: 'SubProcess', wait: 'scope', outcomes: [], outsideClock: false, listeners: rootListeners,
    };
    if (this.hasErrors()) return this.result(undefined);
    const config: StateConfig = { id: this.process.id, ...body };
    const fingerprint = canonicalJson({ processId: this.process.id, config, elements: this.elements, procedure: this.process.procedure });
    const hash = sha256Hex(fingerprint);
    const machine = machineFor(hash, config);
    const compiled: CompiledProcess = {
      processId: this.process.id, name: this.process.name, hash, config, elements: this.elements, procedure: this.process.procedure, model: this.process, machine,
    };
    return this.result(compiled);
  }

  private result(compiled: CompiledProcess | undefined): CompileResult {
    return { compiled, diagnostics: this.diagnostics.items };
  }

  private hasErrors(): boolean {
    return this.diagnostics.items.some((d) => d.severity === 'error');
  }

  private error(code: string, message: string, elementId?: string): void {
    const name = elementId ? this.nodes.get(elementId)?.node.name : undefined;
    this.diagnostics.error(code, message, { elementId, ...(name ? { elementName: name } : {}), processId: this.process.id });
  }

  private warning(code: string, message: string, elementId?: string): void {
    const name = elementId ? this.nodes.get(elementId)?.node.name : undefined;
    this.diagnostics.warning(code, message, { elementId, ...(name ? { elementName: name } : {}), processId: this.process.id });
  }

  // --- indexing -------------------------------------------------------------------------------

  private index(scope: Scope): void {
    for (const flow of scope.graph.flows) {
      this.flows.set(flow.id, flow);
      if (flow.condition) {
        const problem = feelSyntaxError(flow.condition.feel);
        if (problem) this.error('CONDITION_UNREADABLE', `The condition "${flow.condition.source}" cannot be evaluated (${problem}). Write it in FEEL, e.g. outcome = "approve".`, flow.id);
      }
    }
    for (const node of scope.graph.nodes) {
      if (this.nodes.has(node.id)) this.error('DUPLICATE_ID', `Element id "${node.id}" is used twice. Give every element its own id.`, node.id);
      this.nodes.set(node.id, { node, scope });
      if (node.kind === 'BoundaryEvent') {
        const list = this.boundaries.get(node.attachedToId) ?? [];
        list.push(node);
        this.boundaries.set(node.attachedToId, list);
      }
      if (node.kind === 'IntermediateCatchEvent' && node.trigger.kind === 'link') this.linkCatches.set(`${scope.id}|${node.trigger.linkName}`, node.id);
      if (node.kind === 'SubProcess' && node.triggeredByEvent) {
        const start = node.graph.nodes.find((n) => n.kind === 'StartEvent');
        if (start?.kind === 'StartEvent' && start.trigger.kind === 'error') {
          this.errorEventSubProcesses.set(scope.id, [...(this.errorEventSubProcesses.get(scope.id) ?? []), { id: node.id, code: start.trigger.errorCode }]);
        }
      }
      if (node.kind === 'SubProcess') {
        this.index({ id: node.id, graph: node.graph, subProcess: node, parent: scope, sideRegions: {} });
      }
    }
  }

  private node(id: string): FlowNode | undefined {
    return this.nodes.get(id)?.node;
  }

  private scopeOf(id: string): Scope | undefined {
    return this.nodes.get(id)?.scope;
  }

  private targetOf(flowId: string): string | undefined {
    return this.flows.get(flowId)?.targetId;
  }

  /** Successors in the main flow: flow targets and interrupting boundary events. */
  private successors(node: FlowNode): string[] {
    const next: string[] = [];
    for (const flowId of node.outgoing) {
      const target = this.targetOf(flowId);
      if (target !== undefined) next.push(target);
    }
    for (const boundary of this.boundaries.get(node.id) ?? []) if (boundary.interrupting) next.push(boundary.id);
    if (node.kind === 'IntermediateThrowEvent' && node.trigger.kind === 'link') {
      const scope = this.scopeOf(node.id);
      const catcher = scope && this.linkCatches.get(`${scope.id}|${node.trigger.linkName}`);
      if (catcher) next.push(catcher);
    }
    return next;
  }

  private predecessors(id: string): string[] {
    const node = this.node(id);
    if (!node) return [];
    const sources = node.incoming.map((flowId) => this.flows.get(flowId)?.sourceId).filter((s): s is string => s !== undefined);
    if (node.kind === 'BoundaryEvent') sources.push(node.attachedToId);
    if (node.kind === 'IntermediateCatchEvent' && node.trigger.kind === 'link') {
      for (const [key, value] of this.nodes) {
        if (value.node.kind === 'IntermediateThrowEvent' && value.node.trigger.kind === 'link' && value.node.trigger.linkName === node.trigger.linkName && value.scope === this.scopeOf(id)) sources.push(key);
      }
    }
    return sources;
  }

  /** Ends that leave the whole scope rather than one branch: terminate, and errors nobody catches inside. */
  private isHoistedEnd(node: FlowNode): boolean {
    if (node.kind !== 'EndEvent') return false;
    if (node.trigger.kind === 'terminate') return true;
    if (node.trigger.kind === 'error') return this.errorCatcher(node.id, node.trigger.errorCode) === undefined;
    return false;
  }

  /**
   * Where an error thrown at `fromId` is caught, innermost first: an error event sub-process of
   * the scope, then an error boundary event on the enclosing sub-process, and so on outwards.
   */
  private errorCatchers(fromId: string): { id: string; code: string | undefined }[] {
    const catchers: { id: string; code: string | undefined }[] = [];
    let scope = this.scopeOf(fromId);
    while (scope) {
      for (const e of this.errorEventSubProcesses.get(scope.id) ?? []) if (e.id !== fromId) catchers.push(e);
      if (!scope.subProcess) break;
      for (const b of this.boundaries.get(scope.subProcess.id) ?? []) {
        if (b.trigger.kind === 'error') catchers.push({ id: b.id, code: b.trigger.errorCode });
      }
      scope = scope.parent;
    }
    return catchers;
  }

  /** The element (boundary event or event sub-process) that catches an error thrown at `fromId`. */
  private errorCatcher(fromId: string, code: string | undefined): string | undefined {
    return this.errorCatchers(fromId).find((c) => c.code === undefined || c.code === code)?.id;
  }

  private escalationCatcher(fromId: string, code: string | undefined): BoundaryEventNode | undefined {
    let scope = this.scopeOf(fromId);
    while (scope?.subProcess) {
      for (const b of this.boundaries.get(scope.subProcess.id) ?? []) {
        if (b.trigger.kind === 'escalation' && (b.trigger.escalationCode === undefined || b.trigger.escalationCode === code)) return b;
      }
      scope = scope.parent;
    }
    return undefined;
  }

  // --- scopes ---------------------------------------------------------------------------------

  /** Compiles a process or sub-process body: `{ initial, states, on }` or a parallel wrapper. */
  private compileScope(scope: Scope, scopeListeners: Listener[]): StateConfig {
    const starts = scope.graph.nodes.filter((n) => n.kind === 'StartEvent');
    // BPMN allows a scope without start event: its one element without incoming flow starts it.
    const implicit = scope.graph.nodes.filter((n) => n.incoming.length === 0 && n.kind !== 'BoundaryEvent' && n.kind !== 'StartEvent' && !(n.kind === 'SubProcess' && n.triggeredByEvent)
      && !(n.kind === 'IntermediateCatchEvent' && n.trigger.kind === 'link'));
    const start = starts.find((s) => s.kind === 'StartEvent' && s.trigger.kind === 'none') ?? starts[0] ?? (implicit.length === 1 ? implicit[0] : undefined);
    if (!start) {
      this.error('MISSING_START', `${scope.subProcess ? 'Sub-process' : 'Process'} "${scope.id}" has no start event. Add a start event.`, scope.subProcess?.id);
      return { initial: '__end', states: { __end: { type: 'final' } } };
    }
    if (starts.length > 1) this.warning('MULTIPLE_STARTS', `Only start event "${start.id}" starts a case; the other start events are ignored. Keep one start event per process.`, start.id);
    const members = new Set<string>();
    for (const node of scope.graph.nodes) {
      if (node.kind === 'SubProcess' && node.triggeredByEvent) continue;
      if (node.kind === 'StartEvent' && node.id !== start.id) continue;
      members.add(node.id);
    }
    if (scope.tokens) return this.compileTokenScope(scope, start);
    const mark = this.diagnostics.items.length;
    const states: Record<string, StateConfig> = {};
    const on: Record<string, Transition[]> = {};
    // Non-interrupting boundary paths are compiled first so the main flow does not claim their nodes.
    // A path that runs into the main flow (or another such path) is not a block: token bookkeeping.
    const claimed = this.reach(start.id, members, undefined);
    for (const id of members) {
      const node = this.node(id)!;
      if (node.kind !== 'BoundaryEvent' || node.interrupting) continue;
      const path = this.reach(id, members, undefined);
      if ([...path].some((p) => claimed.has(p))) {
        this.error('UNSTRUCTURED_SPLIT', `The path of non-interrupting boundary event "${id}" runs into the main flow. End it with its own end event.`, id);
      }
      for (const p of path) claimed.add(p);
    }
    for (const id of members) {
      const node = this.node(id)!;
      if (node.kind === 'BoundaryEvent' && !node.interrupting) this.compileSideRegion(scope, node, members);
    }
    for (const id of members) {
      const node = this.node(id)!;
      if (this.isHoistedEnd(node)) {
        states[id] = this.endState(node as EndEventNode);
        members.delete(id);
      }
    }
    if (this.eventlessCycle(scope)) return { initial: start.id, states };
    const reached = new Set<string>();
    this.compileFragment(scope, start.id, members, undefined, states, reached);
    const unstructured = this.diagnostics.items.slice(mark).some((d) => d.code === 'UNSTRUCTURED_SPLIT' || d.code === 'UNSTRUCTURED_JOIN');
    if (unstructured) {
      // Fall back to token bookkeeping for this scope; what the structured attempt found is discarded.
      this.diagnostics.items.length = mark;
      for (const key of Object.keys(scope.sideRegions)) delete scope.sideRegions[key];
      scope.tokens = true;
      return this.compileTokenScope(scope, start);
    }
    for (const id of members) {
      if (!reached.has(id)) this.warning('UNREACHABLE', `Element "${id}" cannot be reached from the start event. Connect it or remove it.`, id);
    }
    for (const node of scope.graph.nodes) {
      if (node.kind === 'SubProcess' && node.triggeredByEvent) this.compileEventSubProcess(scope, node, states, on, scopeListeners);
    }
    const onConfig = Object.keys(on).length > 0 ? { on } : {};
    if (Object.keys(scope.sideRegions).length === 0) return { initial: start.id, states, ...onConfig };
    return {
      type: 'parallel',
      states: { main: { initial: start.id, states }, ...scope.sideRegions },
      ...onConfig,
    };
  }

  /**
   * A cycle made only of elements a token passes without waiting (gateways, throw events) would
   * make one step run forever, so it is refused before compiling.
   */
  private eventlessCycle(scope: Scope): boolean {
    const passes = (n: FlowNode): boolean =>
      n.kind === 'ExclusiveGateway' || n.kind === 'InclusiveGateway' || n.kind === 'ParallelGateway' || n.kind === 'StartEvent'
      || n.kind === 'IntermediateThrowEvent' || (n.kind === 'IntermediateCatchEvent' && n.trigger.kind === 'link');
    const state = new Map<string, 'open' | 'done'>();
    const visit = (id: string, trail: string[]): string[] | undefined => {
      const node = this.node(id);
      if (!node || !passes(node) || state.get(id) === 'done') return undefined;
      if (state.get(id) === 'open') return [...trail.slice(trail.indexOf(id)), id];
      state.set(id, 'open');
      for (const next of this.successors(node)) {
        const cycle = visit(next, [...trail, id]);
        if (cycle) return cycle;
      }
      state.set(id, 'done');
      return undefined;
    };
    for (const node of scope.graph.nodes) {
      const cycle = visit(node.id, []);
      if (cycle) {
        this.diagnostics.error('EVENTLESS_LOOP', `The flow loops through ${cycle.join(' → ')} without any step or event to wait for, so it would never stop. Put a task or a catch event in the loop.`, { elementId: cycle[0], processId: this.process.id, path: cycle });
        return true;
      }
    }
    return false;
  }

  /**
   * Token bookkeeping for a scope whose splits and joins are not block-structured: every element
   * gets a region (`__idle` or the element's own state), tokens travel as raised `TOKEN.<id>`
   * events, parallel joins count arrivals per incoming flow in context (`tokens`), and the scope
   * ends when no token is left (`live`). The state value still names every active element.
   */
  private compileTokenScope(scope: Scope, start: FlowNode): StateConfig {
    this.warning('TOKEN_BOOKKEEPING', `The splits and joins of ${scope.subProcess ? `sub-process "${scope.id}"` : `process "${scope.id}"`} are not block-structured, so it runs with token counts kept in the case data. Prefer one join per split; check the soundness findings.`, scope.subProcess?.id);
    const regions: Record<string, StateConfig> = {};
    const outer: Record<string, StateConfig> = {};
    const parallelOn: Record<string, Transition[]> = {};
    const live = (delta: number) => ({ type: 'live', params: { scope: scope.id, delta } });
    const emit = (from: string, to: string) => {
      const flow = this.node(from)?.outgoing.find((f) => this.targetOf(f) === to);
      return { type: 'emit', params: { to, ...(flow ? { flow } : {}) } };
    };
    for (const node of scope.graph.nodes) {
      const id = node.id;
      if (node.kind === 'SubProcess' && node.triggeredByEvent) {
        this.error('UNSUPPORTED_ELEMENT', `Event sub-process "${id}" cannot be used in a scope whose splits and joins are not block-structured. Restructure the flow or move the event sub-process.`, id);
        continue;
      }
      if (node.kind === 'StartEvent' && id !== start.id) continue;
      if (node.kind === 'InclusiveGateway') {
        this.error('UNSUPPORTED_ELEMENT', `Inclusive gateway "${id}" cannot be used in a scope whose splits and joins are not block-structured. Close each inclusive split with one inclusive join.`, id);
        continue;
      }
      const idleId = `${id}~idle`;
      const states: Record<string, StateConfig> = {};
      const idle: StateConfig = { id: idleId, type: 'final' };
      states['__idle'] = idle;
      regions[id] = { initial: '__idle', states };
      if (this.isHoistedEnd(node)) {
        outer[id] = this.endState(node as EndEventNode);
        (parallelOn[`TOKEN.${id}`] ??= []).push({ target: ref(id) });
        continue;
      }
      const emitState = (to: string): string => {
        const key = `${id}>${to}`;
        states[key] = { id: key, entry: [emit(id, to)], always: { target: ref(idleId) } };
        return ref(key);
      };
      const ctx: FragmentContext = {
        scope, states,
        resolve: emitState,
        fragmentEnd: () => {
          const key = `${id}>end`;
          states[key] = { id: key, entry: [live(-1)], always: { target: ref(idleId) } };
          return ref(key);
        },
        emit: (to) => [live(1), emit(id, to)],
      };
      if (node.kind === 'EndEvent') {
        const catcher = node.trigger.kind === 'error' ? this.errorCatcher(id, node.trigger.errorCode) : undefined;
        if (catcher) {
          idle['on'] = { [`TOKEN.${id}`]: { target: ref(catcher), actions: [this.enter(id)] } };
          continue;
        }
        const end = this.endState(node);
        idle['on'] = { [`TOKEN.${id}`]: { actions: [...(end['entry'] as unknown[]), live(-1)] } };
        continue;
      }
      if (node.kind === 'ParallelGateway') {
        this.registerElement(node, 'none', []);
        const fire = `${id}__fire`;
        const incoming = [...node.incoming];
        states[fire] = {
          id: fire,
          entry: [this.enter(id), { type: 'joinConsume', params: { id, incoming } }, live(node.outgoing.length - Math.max(1, incoming.length)), ...node.outgoing.map((f) => emit(id, this.targetOf(f)!))],
          always: { target: ref(idleId) },
        };
        idle['on'] = { [`TOKEN.${id}`]: [{ guard: { type: 'joinReady', params: { id, incoming } }, target: ref(fire) }, { actions: [{ type: 'joinArrive', params: { id } }] }] };
        continue;
      }
      const state = this.nodeState(node, ctx);
      // A token that arrives while the element is busy waits in context and enters when it is free.
      state['on'] = { ...((state['on'] as object | undefined) ?? {}), [`TOKEN.${id}`]: { actions: [{ type: 'tokenWait', params: { id } }] } };
      states[id] = state;
      idle['on'] = { [`TOKEN.${id}`]: { target: ref(id) } };
      idle['always'] = { guard: { type: 'tokenWaiting', params: { id } }, target: ref(id), actions: [{ type: 'tokenTake', params: { id } }] };
    }
    const tokensId = `${scope.id}__tokens`;
    return {
      initial: '__tokens',
      states: {
        __tokens: {
          id: tokensId,
          type: 'parallel',
          entry: [{ type: 'liveSet', params: { scope: scope.id, value: 1 } }, { type: 'emit', params: { to: start.id } }],
          states: regions,
          ...(Object.keys(parallelOn).length > 0 ? { on: parallelOn } : {}),
          onDone: { guard: { type: 'noLiveTokens', params: { scope: scope.id } }, target: ref(`${scope.id}__end`) },
        },
        __end: { id: `${scope.id}__end`, type: 'final' },
        ...outer,
      },
    };
  }

  private scopeEndRef(scope: Scope, states: Record<string, StateConfig>): string {
    const id = `${scope.id}__end`;
    states['__end'] = { id, type: 'final' };
    return ref(id);
  }

  private compileEventSubProcess(scope: Scope, sub: SubProcessNode, states: Record<string, StateConfig>, on: Record<string, Transition[]>, scopeListeners: Listener[]): void {
    const subScope = this.scopeFor(sub);
    const start = sub.graph.nodes.find((n) => n.kind === 'StartEvent');
    if (start?.kind === 'StartEvent' && start.trigger.kind === 'error') {
      // Reached directly by the error end events and failed services it catches (see errorCatchers).
      const body = this.compileScope(subScope, []);
      this.registerElement(sub, 'scope', []);
      states[sub.id] = { id: sub.id, entry: [this.enter(sub.id)], ...body, onDone: { target: this.scopeEndRef(scope, states) } };
      return;
    }
    if (!start || start.kind !== 'StartEvent' || (start.trigger.kind !== 'message' && start.trigger.kind !== 'timer')) {
      this.error('UNSUPPORTED_EVENT_SUBPROCESS', `Event sub-process "${sub.id}" must start with a message, timer or error start event. Change its start event.`, sub.id);
      return;
    }
    const eventType = start.trigger.kind === 'message' ? `MESSAGE.${start.trigger.messageName}` : `TIMER.${start.id}`;
    const listener: Listener = {
      elementId: start.id,
      ...(start.trigger.kind === 'message' ? { messageName: start.trigger.messageName } : { timer: start.trigger.timer }),
      stopsClock: false,
      ...(start.interrupting ? {} : { idleRegion: `${sub.id}~` }),
    };
    scopeListeners.push(start.interrupting ? { ...listener, disabledWhileActive: sub.id } : listener);
    const subListeners: Listener[] = [];
    const body = this.compileScope(subScope, subListeners);
    this.registerElement(sub, 'scope', subListeners);
    const guard = { type: 'addressed', params: { id: start.id } };
    if (start.interrupting) {
      states[sub.id] = { id: sub.id, entry: [this.enter(sub.id)], ...body, onDone: { target: this.scopeEndRef(scope, states) } };
      (on[eventType] ??= []).push({ guard, target: ref(sub.id) });
    } else {
      // Idle is final so the scope can finish while nothing is triggered; firing re-enters the sub-process.
      scope.sideRegions[`${sub.id}~`] = {
        initial: '__idle',
        states: {
          __idle: { type: 'final', on: { [eventType]: { guard, target: ref(sub.id) } } },
          [sub.id]: { id: sub.id, entry: [this.enter(sub.id)], ...body, onDone: { target: '__idle' } },
        },
      };
    }
  }

  private scopeFor(sub: SubProcessNode): Scope {
    const first = sub.graph.nodes[0];
    const existing = first ? this.scopeOf(first.id) : undefined;
    return existing ?? { id: sub.id, graph: sub.graph, subProcess: sub, parent: this.scopeOf(sub.id), sideRegions: {} };
  }

  private compileSideRegion(scope: Scope, boundary: BoundaryEventNode, members: Set<string>): void {
    const path = this.reach(boundary.id, members, undefined);
    for (const id of path) members.delete(id);
    const states: Record<string, StateConfig> = {};
    const eventType = this.boundaryEventType(boundary);
    if (!eventType) return;
    this.compileFragment(scope, boundary.id, path, undefined, states, new Set(), `${boundary.id}~`);
    if (boundary.trigger.kind === 'timer' && boundary.trigger.timer.kind === 'cycle') {
      // A cycle timer listens again once its path has run (the server schedules the next occurrence).
      for (const state of Object.values(states)) if (state['type'] === 'final') state['always'] = { target: ref(`${boundary.id}~idle`) };
    }
    scope.sideRegions[`${boundary.id}~`] = {
      initial: '__idle',
      states: { __idle: { id: `${boundary.id}~idle`, type: 'final', on: { [eventType]: { ...this.listenerGuard(boundary), target: ref(boundary.id) } } }, ...states },
    };
  }

  /** Timers and messages are routed by the runtime (`to`); raised escalations need no guard. */
  private listenerGuard(boundary: BoundaryEventNode): { guard?: unknown } {
    return boundary.trigger.kind === 'escalation' ? {} : { guard: { type: 'addressed', params: { id: boundary.id } } };
  }

  /** The action that raises a non-interrupting escalation for the boundary event catching it. */
  private escalate(catcher: BoundaryEventNode | undefined): unknown[] {
    return catcher && !catcher.interrupting ? [{ type: 'raiseEvent', params: { type: `ESCALATE.${catcher.id}` } }] : [];
  }

  private boundaryEventType(boundary: BoundaryEventNode): string | undefined {
    switch (boundary.trigger.kind) {
      case 'timer': return `TIMER.${boundary.id}`;
      case 'message': return `MESSAGE.${boundary.trigger.messageName}`;
      case 'escalation':
        // Interrupting escalations are direct transitions from the thrower; non-interrupting ones
        // arrive as an event the thrower raises.
        return boundary.interrupting ? undefined : `ESCALATE.${boundary.id}`;
      case 'error':
        if (!boundary.interrupting) {
          this.error('UNSUPPORTED_ELEMENT', `Non-interrupting error boundary event "${boundary.id}" is not supported: BPMN error boundary events always interrupt. Make it interrupting.`, boundary.id);
        }
        return undefined;
      default:
        this.error('UNSUPPORTED_ELEMENT', `Boundary event "${boundary.id}" with a ${boundary.trigger.kind} trigger is not supported. Use a timer, message, error or escalation boundary event.`, boundary.id);
        return undefined;
    }
  }

  /** Nodes reachable from `from` (inclusive) inside `members`, not passing `stop`. */
  private reach(from: string, members: ReadonlySet<string>, stop: string | undefined): Set<string> {
    const seen = new Set<string>();
    const queue = [from];
    while (queue.length > 0) {
      const id = queue.pop()!;
      if (id === stop || seen.has(id) || !members.has(id)) continue;
      seen.add(id);
      const node = this.node(id);
      if (node) queue.push(...this.successors(node));
    }
    return seen;
  }

  // --- fragments and blocks -------------------------------------------------------------------

  /**
   * Compiles the nodes of one fragment (a scope's main flow or one region of a block) reachable
   * from `entry` into sibling states. Flows into `exitJoin` go to the region's final state.
   */
  private compileFragment(
    scope: Scope, entry: string, members: Set<string>, exit: { joinId: string; finalId: string } | undefined,
    states: Record<string, StateConfig>, reached: Set<string>, regionKey?: string,
  ): void {
    let endRef: string | undefined;
    const fragmentEnd = (): string => {
      if (!endRef) {
        const id = `${regionKey ?? exit?.finalId ?? scope.id}__end`;
        states['__end'] = { id, type: 'final' };
        endRef = ref(id);
      }
      return endRef;
    };
    const resolve = (target: string): string => {
      if (exit && target === exit.joinId) return ref(exit.finalId);
      return ref(target);
    };
    const queue = [entry];
    while (queue.length > 0) {
      const id = queue.shift()!;
      if (reached.has(id) || !members.has(id) || (exit && id === exit.joinId)) continue;
      reached.add(id);
      const node = this.node(id)!;
      const ctx: FragmentContext = { scope, resolve, fragmentEnd, states };
      if ((node.kind === 'ParallelGateway' || node.kind === 'InclusiveGateway') && node.outgoing.length > 1) {
        const block = this.findBlock(node, members);
        if (!block) {
          this.error('UNSTRUCTURED_SPLIT', `${node.kind} "${node.id}" splits into branches that do not meet again at one matching join (or that leave the block). Join every branch at one ${node.kind === 'ParallelGateway' ? 'parallel' : 'inclusive'} gateway, or end every branch with an end event.`, node.id);
          continue;
        }
        states[node.id] = this.blockState(scope, node, block, ctx, reached);
        if (block.joinId) queue.push(block.joinId);
        continue;
      }
      states[node.id] = this.nodeState(node, ctx);
      for (const next of this.successors(node)) queue.push(next);
    }
  }

  /** Finds the join of a split whose branches form a block, or confirms every branch just ends. */
  private findBlock(split: FlowNode, members: ReadonlySet<string>): Block | undefined {
    const joinKind = split.kind;
    const branches = split.outgoing.map((flowId) => ({ flowId, target: this.targetOf(flowId)! }));
    // Candidate joins in breadth-first order from the split.
    const order: string[] = [];
    const seen = new Set<string>([split.id]);
    const queue = branches.map((b) => b.target);
    while (queue.length > 0) {
      const id = queue.shift()!;
      if (seen.has(id) || !members.has(id)) continue;
      seen.add(id);
      order.push(id);
      const node = this.node(id);
      if (node) queue.push(...this.successors(node));
    }
    for (const candidate of order) {
      const node = this.node(candidate)!;
      if (node.kind !== joinKind || node.incoming.length !== branches.length) continue;
      const block = this.checkBlock(split, branches, members, candidate);
      if (block) return block;
    }
    return this.checkBlock(split, branches, members, undefined);
  }

  private checkBlock(split: FlowNode, branches: { flowId: string; target: string }[], members: ReadonlySet<string>, joinId: string | undefined): Block | undefined {
    const all = new Set<string>();
    const result: Block = { joinId, branches: [] };
    for (const branch of branches) {
      const nodes = branch.target === joinId ? new Set<string>() : this.reach(branch.target, members, joinId);
      for (const id of nodes) {
        if (all.has(id)) return undefined;
        all.add(id);
      }
      result.branches.push({ ...branch, nodes });
    }
    for (const id of all) {
      const node = this.node(id)!;
      for (const pred of this.predecessors(id)) if (pred !== split.id && !all.has(pred)) return undefined;
      if (node.kind === 'EndEvent' && joinId !== undefined && !this.isHoistedEnd(node)) return undefined;
      if (joinId === undefined && this.successors(node).length === 0 && node.kind !== 'EndEvent') return undefined;
    }
    if (joinId) {
      for (const pred of this.predecessors(joinId)) if (pred !== split.id && !all.has(pred)) return undefined;
      // Each branch must arrive exactly once, or the join waits for a token that never comes.
      for (const branch of result.branches) {
        const arrivals = this.predecessors(joinId).filter((p) => branch.nodes.has(p) || (branch.target === joinId && p === split.id)).length;
        if (branch.target !== joinId && arrivals !== 1) return undefined;
      }
    }
    return result;
  }

  private blockState(scope: Scope, split: FlowNode, block: Block, ctx: FragmentContext, reached: Set<string>): StateConfig {
    const regions: Record<string, StateConfig> = {};
    const inclusive = split.kind === 'InclusiveGateway';
    const defaultFlowId = split.kind === 'InclusiveGateway' ? split.defaultFlowId : undefined;
    const conditions = split.outgoing.map((f) => this.flows.get(f)?.condition?.feel).filter((c): c is string => c !== undefined);
    for (const branch of block.branches) {
      const finalId = block.joinId ? `${block.joinId}@${branch.flowId}` : `${branch.flowId}__done`;
      const finalName = block.joinId ?? '__done';
      const states: Record<string, StateConfig> = { [finalName]: { id: finalId, type: 'final' } };
      const exit = block.joinId ? { joinId: block.joinId, finalId } : undefined;
      this.compileFragment(scope, branch.target, new Set(branch.nodes), exit, states, reached, branch.flowId);
      for (const id of branch.nodes) reached.add(id);
      const entryRef = branch.target === block.joinId ? ref(finalId) : ref(branch.target);
      const condition = this.flows.get(branch.flowId)?.condition?.feel;
      if (inclusive && (condition || branch.flowId === defaultFlowId)) {
        const guard = condition ? { type: 'feel', params: { expr: condition } } : { type: 'noneHolds', params: { exprs: conditions } };
        states['__choose'] = { always: [{ guard, target: entryRef }, { target: ref(finalId) }] };
        regions[branch.flowId] = { initial: '__choose', states };
      } else {
        regions[branch.flowId] = { initial: branch.target === block.joinId ? finalName : branch.target, states };
      }
    }
    this.registerElement(split, 'none', []);
    if (block.joinId) this.blockJoins.add(block.joinId);
    return {
      id: split.id,
      type: 'parallel',
      entry: [this.enter(split.id)],
      states: regions,
      onDone: { target: block.joinId ? ctx.resolve(block.joinId) : ctx.fragmentEnd() },
    };
  }

  // --- nodes ----------------------------------------------------------------------------------

  private enter(id: string): { type: 'enter'; params: { id: string } } {
    return { type: 'enter', params: { id } };
  }

  /** Where a node's token goes next: one target, the fragment end, or a choice among conditional flows. */
  private exitRef(node: FlowNode, ctx: FragmentContext): string {
    const outgoing = node.outgoing.map((f) => this.flows.get(f)).filter((f): f is SequenceFlow => f !== undefined);
    if (outgoing.length === 0) return ctx.fragmentEnd();
    if (outgoing.length === 1) return ctx.resolve(outgoing[0]!.targetId);
    if (outgoing.every((f) => f.condition)) {
      this.warning('CONDITIONAL_FLOWS_AS_CHOICE', `The conditional flows leaving "${node.id}" are evaluated in order and only the first that holds is taken. Put an exclusive or inclusive gateway after it to make the choice explicit.`, node.id);
      const id = `${node.id}__out`;
      ctx.states[id] = { id, always: this.choices(outgoing, undefined, ctx) };
      return ref(id);
    }
    this.error('IMPLICIT_SPLIT', `"${node.id}" has ${outgoing.length} outgoing flows without conditions (an implicit parallel split). Put a parallel gateway after it.`, node.id);
    return ctx.fragmentEnd();
  }

  /**
   * A step followed directly by an exclusive gateway decides in the same transition: the gateway's
   * conditions are evaluated on the data as the completion leaves it (`feelAfter`), which saves
   * XState a microstep per step. The gateway is still reported as passed, and its own state stays
   * for other ways in (and to report a gateway no flow of which can be taken).
   */
  private foldedChoice(node: FlowNode, ctx: FragmentContext, actions: unknown[]): Transition[] | undefined {
    if (ctx.scope.tokens || node.outgoing.length !== 1) return undefined;
    const gateway = this.node(this.targetOf(node.outgoing[0]!) ?? '');
    if (gateway?.kind !== 'ExclusiveGateway' || gateway.outgoing.length < 2) return undefined;
    const outgoing = gateway.outgoing.map((f) => this.flows.get(f)).filter((f): f is SequenceFlow => f !== undefined);
    const passed = [...actions, this.enter(gateway.id)];
    const transitions: Transition[] = [];
    for (const flow of outgoing) {
      if (flow.id === gateway.defaultFlowId) continue;
      transitions.push(flow.condition
        ? { guard: { type: 'feelAfter', params: { expr: flow.condition.feel, id: node.id } }, target: ctx.resolve(flow.targetId), actions: passed }
        : { target: ctx.resolve(flow.targetId), actions: passed });
    }
    const fallback = outgoing.find((f) => f.id === gateway.defaultFlowId);
    transitions.push(fallback ? { target: ctx.resolve(fallback.targetId), actions: passed } : { target: ctx.resolve(gateway.id), actions });
    return transitions;
  }

  private choices(outgoing: SequenceFlow[], defaultFlowId: string | undefined, ctx: FragmentContext): Transition[] {
    const transitions: Transition[] = [];
    for (const flow of outgoing) {
      if (flow.id === defaultFlowId) continue;
      transitions.push(flow.condition ? { guard: { type: 'feel', params: { expr: flow.condition.feel } }, target: ctx.resolve(flow.targetId) } : { target: ctx.resolve(flow.targetId) });
    }
    const fallback = outgoing.find((f) => f.id === defaultFlowId);
    if (fallback) transitions.push({ target: ctx.resolve(fallback.targetId) });
    return transitions;
  }

  private registerElement(node: FlowNode, wait: WaitKind, listeners: Listener[]): void {
    const step = 'step' in node ? node.step : undefined;
    const lanes = node.laneIds.map((id) => this.lanes.get(id)).filter((l): l is Lane => l !== undefined);
    const innermost = lanes[lanes.length - 1];
    const role = step?.role ?? innermost?.role ?? innermost?.name;
    const unit = step?.unit ?? [...lanes].reverse().find((l) => l.unit)?.unit;
    const info: ElementInfo = {
      id: node.id,
      ...(node.name ? { name: node.name } : {}),
      kind: node.kind,
      wait,
      ...(step && role ? { role } : {}),
      ...(step && unit ? { unit } : {}),
      ...(step?.norm ? { norm: step.norm } : {}),
      outcomes: step?.outcomes ?? [],
      outsideClock: step?.outsideClock ?? false,
      ...('handler' in node && node.handler ? { handler: node.handler } : {}),
      ...(node.kind === 'CallActivity' ? { calledElement: node.calledElement } : {}),
      ...(node.kind === 'EndEvent' && node.caseStatus ? { caseStatus: node.caseStatus } : {}),
      ...('multiInstance' in node && node.multiInstance ? { multiInstance: node.multiInstance } : {}),
      listeners,
    };
    this.elements[node.id] = info;
  }

  /** Listeners of the boundary events attached to an activity. */
  private boundaryListeners(node: FlowNode): Listener[] {
    const listeners: Listener[] = [];
    const tokens = this.scopeOf(node.id)?.tokens === true;
    for (const b of this.boundaries.get(node.id) ?? []) {
      const idle = b.interrupting || tokens ? {} : { idleRegion: `${b.id}~` };
      if (b.trigger.kind === 'timer') listeners.push({ elementId: b.id, timer: b.trigger.timer, stopsClock: false, ...idle });
      if (b.trigger.kind === 'message') listeners.push({ elementId: b.id, messageName: b.trigger.messageName, stopsClock: false, ...idle });
    }
    return listeners;
  }

  /** Interrupting timer/message boundary transitions for an activity's state. */
  private boundaryOn(node: FlowNode, ctx: FragmentContext): Record<string, Transition[]> {
    const on: Record<string, Transition[]> = {};
    for (const b of this.boundaries.get(node.id) ?? []) {
      if (!b.interrupting && !ctx.emit) continue;
      const type = this.boundaryEventType(b);
      if (!type) continue;
      const guard = this.listenerGuard(b)['guard'];
      // Non-interrupting in token mode: a new token starts at the boundary event, the host stays.
      const transition = b.interrupting ? { guard, target: ctx.resolve(b.id) } : { guard, actions: ctx.emit!(b.id) } as unknown as Transition;
      (on[type] ??= []).push(transition);
    }
    return on;
  }

  private endState(node: EndEventNode): StateConfig {
    const result = node.trigger.kind === 'terminate' ? 'terminated' : node.trigger.kind === 'error' ? 'error' : 'completed';
    const errorCode = node.trigger.kind === 'error' ? node.trigger.errorCode : undefined;
    const entry: unknown[] = [this.enter(node.id), { type: 'endReached', params: { id: node.id, result, ...(errorCode !== undefined ? { errorCode } : {}) } }];
    if (node.trigger.kind === 'message') entry.push({ type: 'thrown', params: { id: node.id, kind: 'message', name: node.trigger.messageName } });
    if (node.trigger.kind === 'escalation') entry.push({ type: 'thrown', params: { id: node.id, kind: 'escalation', ...(node.trigger.escalationCode ? { name: node.trigger.escalationCode } : {}) } });
    this.registerElement(node, 'none', []);
    return { id: node.id, type: 'final', entry };
  }

  private nodeState(node: FlowNode, ctx: FragmentContext): StateConfig {
    const id = node.id;
    const base = { id };
    switch (node.kind) {
      case 'StartEvent':
        this.registerElement(node, 'none', []);
        return { ...base, entry: [this.enter(id)], always: { target: this.exitRef(node, ctx) } };
      case 'EndEvent': {
        if (node.trigger.kind === 'error') {
          const catcher = this.errorCatcher(id, node.trigger.errorCode);
          if (catcher) {
            this.registerElement(node, 'none', []);
            return { ...base, entry: [this.enter(id)], always: { target: ref(catcher) } };
          }
        }
        if (node.trigger.kind === 'escalation') {
          const catcher = this.escalationCatcher(id, node.trigger.escalationCode);
          if (catcher?.interrupting) {
            this.registerElement(node, 'none', []);
            return { ...base, entry: [this.enter(id), { type: 'thrown', params: { id, kind: 'escalation', ...(node.trigger.escalationCode ? { name: node.trigger.escalationCode } : {}) } }], always: { target: ref(catcher.id) } };
          }
          if (catcher) {
            const end = this.endState(node);
            return { ...end, entry: [...(end['entry'] as unknown[]), ...this.escalate(catcher)] };
          }
        }
        return this.endState(node);
      }
      case 'UserTask':
      case 'ManualTask':
      case 'Task': {
        this.registerElement(node, 'step', this.boundaryListeners(node));
        const next = this.exitRef(node, ctx);
        const on: Record<string, unknown> = { ...this.boundaryOn(node, ctx) };
        const entry: unknown[] = [this.enter(id)];
        if (node.multiInstance) {
          const mi = this.miParts(node, node.multiInstance);
          on[`COMPLETE.${id}`] = mi.finish(next, []);
          return { ...base, entry: [...entry, ...mi.entry], always: mi.skip(next), on };
        }
        const complete = [{ type: 'complete', params: { id } }];
        on[`COMPLETE.${id}`] = this.foldedChoice(node, ctx, complete) ?? { target: next, actions: complete };
        return { ...base, entry, on };
      }
      case 'ReceiveTask': {
        if (this.isRaceTarget(node)) return this.passedRaceTarget(node, ctx);
        if (!node.messageName) this.error('MESSAGE_WITHOUT_NAME', `Receive task "${id}" names no message. Choose the message it waits for.`, id);
        this.registerElement(node, 'message', [{ elementId: id, messageName: node.messageName ?? id, stopsClock: node.stopsClock ?? false }, ...this.boundaryListeners(node)]);
        const next = this.exitRef(node, ctx);
        return {
          ...base,
          entry: [this.enter(id)],
          on: { ...this.boundaryOn(node, ctx), [`MESSAGE.${node.messageName ?? id}`]: { guard: { type: 'addressed', params: { id } }, target: next, actions: [{ type: 'complete', params: { id } }] } },
        };
      }
      case 'SendTask':
      case 'ServiceTask':
      case 'ScriptTask':
      case 'BusinessRuleTask': {
        this.registerElement(node, 'service', this.boundaryListeners(node));
        return this.doneWaitingState(node, ctx);
      }
      case 'CallActivity': {
        this.registerElement(node, 'child', this.boundaryListeners(node));
        return this.doneWaitingState(node, ctx);
      }
      case 'SubProcess': {
        const listeners: Listener[] = [...this.boundaryListeners(node)];
        const body = this.compileScope(this.scopeFor(node), listeners);
        this.registerElement(node, 'scope', listeners);
        if (node.multiInstance) {
          // Instances of a multi-instance sub-process run one after another (XState has no dynamic
          // regions); each instance re-enters the body with the element variable bound to its item.
          if (!node.multiInstance.sequential) this.warning('MULTI_INSTANCE_SUBPROCESS_SEQUENTIAL', `The instances of parallel multi-instance sub-process "${id}" run one after another. Mark it sequential, or use a multi-instance user task inside it if the units must work at the same time.`, id);
          const mi = this.miParts(node, { ...node.multiInstance, sequential: true });
          const next = this.exitRef(node, ctx);
          const instanceId = `${id}__instance`;
          return {
            ...base, entry: [this.enter(id), ...mi.entry], always: mi.skip(next),
            on: { ...((body['on'] as object | undefined) ?? {}), ...this.boundaryOn(node, ctx) },
            initial: '__instance',
            states: { __instance: { ...body, id: instanceId, on: undefined, onDone: mi.finish(next, [], { target: ref(instanceId), reenter: true }) } },
          };
        }
        return {
          ...base, entry: [this.enter(id)], ...body,
          on: { ...((body['on'] as object | undefined) ?? {}), ...this.boundaryOn(node, ctx) },
          onDone: { target: this.exitRef(node, ctx) },
        };
      }
      case 'BoundaryEvent':
        this.registerElement(node, 'none', []);
        return { ...base, entry: [this.enter(id)], always: { target: this.exitRef(node, ctx) } };
      case 'IntermediateCatchEvent':
        if (this.isRaceTarget(node)) return this.passedRaceTarget(node, ctx);
        return this.catchState(node, ctx);
      case 'IntermediateThrowEvent': {
        this.registerElement(node, 'none', []);
        const entry: unknown[] = [this.enter(id)];
        const trigger = node.trigger;
        if (trigger.kind === 'message') entry.push({ type: 'thrown', params: { id, kind: 'message', name: trigger.messageName } });
        if (trigger.kind === 'escalation') {
          entry.push({ type: 'thrown', params: { id, kind: 'escalation', ...(trigger.escalationCode ? { name: trigger.escalationCode } : {}) } });
          const catcher = this.escalationCatcher(id, trigger.escalationCode);
          if (catcher?.interrupting) return { ...base, entry, always: { target: ref(catcher.id) } };
          entry.push(...this.escalate(catcher));
        }
        if (trigger.kind === 'link') {
          const scope = this.scopeOf(id);
          const target = scope && this.linkCatches.get(`${scope.id}|${trigger.linkName}`);
          if (!target) {
            this.error('LINK_WITHOUT_CATCH', `Link "${trigger.linkName}" thrown at "${id}" has no catching link event in the same scope. Add one with the same name.`, id);
            return { ...base, entry };
          }
          return { ...base, entry, always: { target: ctx.resolve(target) } };
        }
        if (trigger.kind === 'signal' || trigger.kind === 'error' || trigger.kind === 'terminate') {
          this.error('UNSUPPORTED_ELEMENT', `Intermediate ${trigger.kind} throw event "${id}" is not supported. Use a message or escalation throw event.`, id);
        }
        return { ...base, entry, always: { target: this.exitRef(node, ctx) } };
      }
      case 'ExclusiveGateway':
      case 'InclusiveGateway':
      case 'ParallelGateway': {
        this.registerElement(node, 'none', []);
        const outgoing = node.outgoing.map((f) => this.flows.get(f)).filter((f): f is SequenceFlow => f !== undefined);
        if (node.kind === 'ParallelGateway' && node.incoming.length > 1 && !this.isBlockJoin(id)) {
          this.error('UNSTRUCTURED_JOIN', `Parallel gateway "${id}" joins flows that were not split by one matching parallel gateway, so it may wait forever. Restructure the diagram so one parallel split is closed by this join.`, id);
        }
        if (node.kind === 'InclusiveGateway' && node.incoming.length > 1 && !this.isBlockJoin(id)) {
          this.warning('INCLUSIVE_JOIN_AS_MERGE', `Inclusive gateway "${id}" is not the join of one inclusive split; it passes each token on like an exclusive merge.`, id);
        }
        if (outgoing.length === 0) return { ...base, entry: [this.enter(id)], always: { target: ctx.fragmentEnd() } };
        if (outgoing.length === 1) return { ...base, entry: [this.enter(id)], always: { target: ctx.resolve(outgoing[0]!.targetId) } };
        return { ...base, entry: [this.enter(id)], always: this.choices(outgoing, node.defaultFlowId, ctx) };
      }
      case 'EventBasedGateway':
        return this.raceState(node, ctx);
      default:
        return assertNever(node);
    }
  }

  private readonly blockJoins = new Set<string>();

  /** A catch event or receive task right after an event-based gateway: the gateway waits for it. */
  private isRaceTarget(node: FlowNode): boolean {
    const preds = this.predecessors(node.id);
    return preds.length > 0 && preds.every((p) => this.node(p)?.kind === 'EventBasedGateway');
  }

  /** The gateway already consumed the event, so the caught element is passed through at once. */
  private passedRaceTarget(node: FlowNode, ctx: FragmentContext): StateConfig {
    this.registerElement(node, 'none', []);
    return { id: node.id, entry: [this.enter(node.id)], always: { target: this.exitRef(node, ctx) } };
  }

  private isBlockJoin(id: string): boolean {
    return this.blockJoins.has(id);
  }

  private doneWaitingState(node: FlowNode, ctx: FragmentContext): StateConfig {
    const id = node.id;
    const next = this.exitRef(node, ctx);
    const done: Transition[] = [];
    const catchers = [
      ...(this.boundaries.get(id) ?? []).flatMap((b) => (b.trigger.kind === 'error' ? [{ id: b.id, code: b.trigger.errorCode }] : [])),
      ...this.errorCatchers(id),
    ];
    for (const c of catchers) {
      done.push({ guard: { type: 'errorCode', params: { ...(c.code ? { code: c.code } : {}) } }, target: ref(c.id), actions: [{ type: 'complete', params: { id } }] });
    }
    const entry: unknown[] = [this.enter(id)];
    const multiInstance = 'multiInstance' in node ? node.multiInstance : undefined;
    if (multiInstance) {
      const mi = this.miParts(node, multiInstance);
      return { id, entry: [...entry, ...mi.entry], always: mi.skip(next), on: { ...this.boundaryOn(node, ctx), [`DONE.${id}`]: [...done, ...mi.finish(next, [])] } };
    }
    done.push({ target: next, actions: [{ type: 'complete', params: { id } }] });
    return { id, entry, on: { ...this.boundaryOn(node, ctx), [`DONE.${id}`]: done } };
  }

  /**
   * Multi-instance bookkeeping in context: the list is evaluated on entry (`miStart`), each
   * finished instance is recorded (`miComplete`), and the activity is left when the last one (or
   * the completion condition) is done; an empty list skips it.
   */
  private miParts(node: FlowNode, spec: { sequential: boolean; collection?: string; cardinality?: string; elementVariable?: string; completionCondition?: string }) {
    const id = node.id;
    if (!spec.collection && !spec.cardinality) this.error('MULTI_INSTANCE_WITHOUT_LIST', `Multi-instance "${id}" names neither a collection nor a cardinality. Set the list of items (e.g. units) to iterate.`, id);
    const bind = spec.elementVariable ? [{ type: 'miBind', params: { id, variable: spec.elementVariable } }] : [];
    const record = [{ type: 'miComplete', params: { id, sequential: spec.sequential } }, { type: 'complete', params: { id } }];
    return {
      entry: [{ type: 'miStart', params: { id, ...(spec.collection ? { collection: spec.collection } : {}), ...(spec.cardinality ? { cardinality: spec.cardinality } : {}) } }, ...(spec.sequential ? bind : [])],
      skip: (next: string) => ({ guard: { type: 'miEmpty', params: { id } }, target: next }),
      finish: (next: string, extra: unknown[], otherwise?: Record<string, unknown>): Transition[] => [
        { guard: { type: 'miWillFinish', params: { id, ...(spec.completionCondition ? { completionCondition: spec.completionCondition } : {}) } }, target: next, actions: [...record, ...extra] },
        { ...(otherwise ?? {}), actions: [...record, ...(spec.sequential ? bind : []), ...extra] } as Transition,
      ],
    };
  }

  private catchState(node: FlowNode & { kind: 'IntermediateCatchEvent' }, ctx: FragmentContext): StateConfig {
    const id = node.id;
    const trigger = node.trigger;
    if (trigger.kind === 'link') {
      this.registerElement(node, 'none', []);
      return { id, entry: [this.enter(id)], always: { target: this.exitRef(node, ctx) } };
    }
    if (trigger.kind !== 'timer' && trigger.kind !== 'message') {
      this.error('UNSUPPORTED_ELEMENT', `Intermediate ${trigger.kind} catch event "${id}" is not supported. Use a timer or message catch event.`, id);
      return { id };
    }
    const listener: Listener = trigger.kind === 'timer'
      ? { elementId: id, timer: trigger.timer, stopsClock: node.stopsClock }
      : { elementId: id, messageName: trigger.messageName, stopsClock: node.stopsClock };
    this.registerElement(node, trigger.kind, [listener]);
    const type = trigger.kind === 'timer' ? `TIMER.${id}` : `MESSAGE.${trigger.messageName}`;
    return {
      id,
      entry: [this.enter(id)],
      on: { [type]: { guard: { type: 'addressed', params: { id } }, target: this.exitRef(node, ctx), actions: [{ type: 'complete', params: { id } }] } },
    };
  }

  private raceState(node: FlowNode, ctx: FragmentContext): StateConfig {
    const id = node.id;
    const on: Record<string, Transition[]> = {};
    const listeners: Listener[] = [];
    for (const flowId of node.outgoing) {
      const targetId = this.targetOf(flowId);
      const target = targetId ? this.node(targetId) : undefined;
      if (!target) continue;
      let type: string | undefined;
      if (target.kind === 'IntermediateCatchEvent' && target.trigger.kind === 'timer') {
        type = `TIMER.${target.id}`;
        listeners.push({ elementId: target.id, timer: target.trigger.timer, stopsClock: target.stopsClock });
      } else if (target.kind === 'IntermediateCatchEvent' && target.trigger.kind === 'message') {
        type = `MESSAGE.${target.trigger.messageName}`;
        listeners.push({ elementId: target.id, messageName: target.trigger.messageName, stopsClock: target.stopsClock });
      } else if (target.kind === 'ReceiveTask' && target.messageName) {
        type = `MESSAGE.${target.messageName}`;
        listeners.push({ elementId: target.id, messageName: target.messageName, stopsClock: target.stopsClock ?? false });
      } else {
        this.error('EVENT_GATEWAY_TARGET', `Event-based gateway "${id}" leads to "${target.id}", which is not a timer or message catch event or receive task. Put a catch event after the gateway.`, target.id);
        continue;
      }
      (on[type] ??= []).push({ guard: { type: 'addressed', params: { id: target.id } }, target: ctx.resolve(target.id), actions: [{ type: 'complete', params: { id: target.id } }] });
    }
    this.registerElement(node, 'race', listeners);
    return { id, entry: [this.enter(id)], on };
  }
}

interface FragmentContext {
  readonly scope: Scope;
  readonly resolve: (target: string) => string;
  readonly fragmentEnd: () => string;
  readonly states: Record<string, StateConfig>;
  /** Token mode only: the actions that send a new token to an element without leaving this one. */
  readonly emit?: (target: string) => unknown[];
}

interface Block {
  readonly joinId: string | undefined;
  readonly branches: { flowId: string; target: string; nodes: Set<string> }[];
}

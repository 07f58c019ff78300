/**
 * Static checks on the procedure model: what would make a case stop, loop or behave differently
 * from what the diagram shows. Every diagnostic names the element and says how to fix it.
 *
 * Integrity problems (dangling references, duplicate ids, a boundary event without host) are
 * errors in every process. Behavioural problems (missing start, unreachable nodes, gateways
 * without conditions…) are errors in executable processes and warnings in processes marked
 * `isExecutable="false"`, which document a partner's side and are never run.
 */
import type { Diagnostic, Severity } from '../diagnostics.ts';
import { stripOuterParentheses } from './expression.ts';
import { RESERVED_NAMES } from './guard.ts';
import type { BoundaryEventNode, DefinitionsModel, FlowGraph, FlowNode, GatewayNode, ProcessModel, SequenceFlow, TimerSpec } from './model.ts';

type Where = Pick<Diagnostic, 'elementId' | 'elementName' | 'processId'>;

const ACTIVITY_KINDS = new Set(['UserTask', 'ManualTask', 'Task', 'ReceiveTask', 'SendTask', 'ServiceTask', 'ScriptTask', 'BusinessRuleTask', 'SubProcess', 'CallActivity']);
const HUMAN_STEP_KINDS = new Set(['UserTask', 'ManualTask']);

const ISO_DURATION = /^-?P(?=\d|T\d)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const ISO_CYCLE = /^R(\d*)\/(.+)$/;

/** Whether a timer expression is an ISO 8601 literal of its kind (expressions are resolved elsewhere). */
function isIsoTimer(timer: TimerSpec): boolean {
  const expression = timer.expression;
  switch (timer.kind) {
    case 'duration':
      return ISO_DURATION.test(expression);
    case 'date':
      return ISO_DATE_TIME.test(expression);
    case 'cycle': {
      const cycle = ISO_CYCLE.exec(expression);
      if (!cycle) return false;
      return (cycle[2] ?? '').split('/').every((part) => ISO_DURATION.test(part) || ISO_DATE_TIME.test(part));
    }
  }
}

function label(node: { id: string; name?: string }): string {
  return node.name ? `"${node.name}" (${node.id})` : `"${node.id}"`;
}

// --- overlap of exclusive conditions -------------------------------------------------------------

/** A condition of the form `variable op literal`, the only form whose overlap is decided here. */
interface Atom {
  readonly variable: string;
  readonly op: '=' | '!=' | '<' | '<=' | '>' | '>=';
  readonly value: string | number | boolean;
}

function parseAtom(feel: string): Atom | undefined {
  const text = stripOuterParentheses(feel);
  const negated = /^not\s*\(\s*([A-Za-z_][\w.]*)\s*\)$/.exec(text);
  if (negated) return { variable: negated[1] ?? '', op: '=', value: false };
  if (/^[A-Za-z_][\w.]*$/.test(text) && text !== 'true' && text !== 'false' && text !== 'null') return { variable: text, op: '=', value: true };
  const match = /^([A-Za-z_][\w.]*)\s*(<=|>=|!=|=|<|>)\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false)$/.exec(text);
  if (!match) return undefined;
  const raw = match[3] ?? '';
  const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw === 'true' ? true : raw === 'false' ? false : Number(raw);
  return { variable: match[1] ?? '', op: match[2] as Atom['op'], value };
}

/** Whether some value of the variable satisfies both atoms; undefined when not decidable here. */
function atomsOverlap(a: Atom, b: Atom): boolean | undefined {
  if (a.variable !== b.variable) return undefined;
  if (a.op === '=' && b.op === '=') return a.value === b.value;
  if (a.op === '=' && b.op === '!=') return a.value !== b.value;
  if (a.op === '!=' && b.op === '=') return a.value !== b.value;
  if (typeof a.value !== 'number' || typeof b.value !== 'number') return undefined;
  const interval = (atom: Atom): { low: number; lowOpen: boolean; high: number; highOpen: boolean } | undefined => {
    const v = atom.value as number;
    switch (atom.op) {
      case '=': return { low: v, lowOpen: false, high: v, highOpen: false };
      case '<': return { low: -Infinity, lowOpen: true, high: v, highOpen: true };
      case '<=': return { low: -Infinity, lowOpen: true, high: v, highOpen: false };
      case '>': return { low: v, lowOpen: true, high: Infinity, highOpen: true };
      case '>=': return { low: v, lowOpen: false, high: Infinity, highOpen: true };
      case '!=': return undefined;
    }
  };
  const x = interval(a);
  const y = interval(b);
  if (!x || !y) return undefined;
  const low = Math.max(x.low, y.low);
  const high = Math.min(x.high, y.high);
  if (low < high) return true;
  if (low > high) return false;
  const lowOpen = (x.low === low && x.lowOpen) || (y.low === low && y.lowOpen);
  const highOpen = (x.high === high && x.highOpen) || (y.high === high && y.highOpen);
  return !lowOpen && !highOpen;
}

/** Overlap is checked pairwise; beyond this many branches the gateway is not a real decision. */
const MAX_OVERLAP_BRANCHES = 64;

function appendTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function normalizeFeel(feel: string): string {
  // Whitespace outside string literals carries no meaning.
  return stripOuterParentheses(feel).replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_match, literal: string | undefined) => literal ?? '');
}

// --- the validator --------------------------------------------------------------------------------

class Validator {
  readonly items: Diagnostic[] = [];
  /** Every flow node id of the file → the scope (graph) holding it. */
  private readonly scopeOf = new Map<string, FlowGraph>();
  private readonly nodeById = new Map<string, FlowNode>();
  private process: ProcessModel | undefined;

  private add(code: string, severity: Severity, message: string, where: Where): void {
    this.items.push({ code, severity, message, ...where, ...(this.process && !where.processId ? { processId: this.process.id } : {}) });
  }

  private at(element: { id: string; name?: string }): Where {
    return { elementId: element.id, ...(element.name ? { elementName: element.name } : {}) };
  }

  /** Behavioural findings only block executable processes. */
  private get behaviour(): Severity {
    return this.process?.isExecutable === false ? 'warning' : 'error';
  }

  run(definitions: DefinitionsModel): Diagnostic[] {
    this.checkIds(definitions);
    for (const process of definitions.processes) this.index(process.graph);
    if (definitions.processes.length === 0) {
      this.add('NO_PROCESS', 'error', 'The file defines no process. Add a process (a pool with a start event, steps and an end event).', definitions.id ? { elementId: definitions.id } : {});
    } else if (!definitions.processes.some((process) => process.isExecutable)) {
      this.add('NO_EXECUTABLE_PROCESS', 'error', `No process is executable (${definitions.processes.map((p) => p.id).join(', ')}). Set isExecutable="true" on the process that should run.`, definitions.id ? { elementId: definitions.id } : {});
    }
    for (const process of definitions.processes) {
      this.process = process;
      this.checkProcedure(process);
      this.checkScope(process.graph, 'process', process);
    }
    this.process = undefined;
    this.checkMessageFlows(definitions);
    return this.items;
  }

  private index(graph: FlowGraph): void {
    for (const node of graph.nodes) {
      this.scopeOf.set(node.id, graph);
      this.nodeById.set(node.id, node);
      if (node.kind === 'SubProcess') this.index(node.graph);
    }
  }

  private checkIds(definitions: DefinitionsModel): void {
    const seen = new Set<string>();
    const visit = (id: string, name?: string): void => {
      if (id === '') return;
      if (RESERVED_NAMES.has(id)) this.add('RESERVED_ID', 'error', `The id "${id}" is reserved. Rename the element's id.`, { elementId: id, ...(name ? { elementName: name } : {}) });
      else if (seen.has(id)) this.add('DUPLICATE_ID', 'error', `Two elements have the id "${id}". Give every element a unique id.`, { elementId: id, ...(name ? { elementName: name } : {}) });
      seen.add(id);
    };
    const visitGraph = (graph: FlowGraph): void => {
      for (const node of graph.nodes) {
        visit(node.id, node.name);
        if (node.kind === 'SubProcess') visitGraph(node.graph);
      }
      for (const flow of graph.flows) visit(flow.id, flow.name);
    };
    for (const process of definitions.processes) {
      visit(process.id, process.name);
      for (const lane of process.lanes) visit(lane.id, lane.name);
      visitGraph(process.graph);
    }
    for (const participant of definitions.participants) visit(participant.id, participant.name);
    for (const flow of definitions.messageFlows) visit(flow.id);
  }

  private checkProcedure(process: ProcessModel): void {
    if (process.isExecutable && !process.procedure.deadline) {
      this.add('PROCEDURE_NO_DEADLINE', 'warning', `Process ${label(process)} has no published total deadline. Set qt:deadline and qt:deadlineUnit (e.g. 10 workingDays) so cases get an appointment date.`, this.at(process));
    }
  }

  private checkScope(graph: FlowGraph, scope: 'process' | 'subProcess' | 'eventSubProcess', owner: { id: string; name?: string }): void {
    const nodes = new Map(graph.nodes.map((node) => [node.id, node] as const));
    const flows = new Map(graph.flows.map((flow) => [flow.id, flow] as const));
    this.checkFlows(graph, nodes);
    this.checkStarts(graph, scope, owner);
    for (const node of graph.nodes) this.checkNode(node, nodes, flows, scope);
    this.checkReachability(graph, nodes, flows);
    for (const node of graph.nodes) {
      if (node.kind === 'SubProcess') this.checkScope(node.graph, node.triggeredByEvent ? 'eventSubProcess' : 'subProcess', node);
    }
  }

  private checkFlows(graph: FlowGraph, nodes: ReadonlyMap<string, FlowNode>): void {
    for (const flow of graph.flows) {
      for (const [end, id] of [['source', flow.sourceId], ['target', flow.targetId]] as const) {
        if (nodes.has(id)) continue;
        if (id !== '' && this.nodeById.has(id)) {
          this.add('FLOW_CROSSES_SCOPE', 'error', `Sequence flow ${label(flow)} connects to ${label(this.nodeById.get(id) ?? { id })} in another sub-process or pool. Sequence flows stay inside one scope: end the sub-process and continue from its border, or use a message flow between pools.`, this.at(flow));
        } else {
          this.add('FLOW_DANGLING', 'error', `Sequence flow ${label(flow)} has no ${end}${id ? ` ("${id}" is not a flow node here)` : ''}. Connect both ends of the flow to elements, or delete it.`, this.at(flow));
        }
      }
    }
  }

  private checkStarts(graph: FlowGraph, scope: 'process' | 'subProcess' | 'eventSubProcess', owner: { id: string; name?: string }): void {
    const starts = graph.nodes.filter((node) => node.kind === 'StartEvent');
    const noneStarts = starts.filter((node) => node.trigger.kind === 'none');
    const hasNodes = graph.nodes.length > 0;
    if (starts.length === 0 && hasNodes) {
      const where = scope === 'process' ? 'process' : 'sub-process';
      this.add('MISSING_START', this.behaviour, `The ${where} ${label(owner)} has no start event. Add a start event and connect it to the first step.`, this.at(owner));
    }
    if (scope === 'eventSubProcess') {
      if (starts.length > 1) this.add('EVENT_SUBPROCESS_STARTS', this.behaviour, `Event sub-process ${label(owner)} has ${starts.length} start events. Give it exactly one start event with a timer, message, error or escalation trigger.`, this.at(owner));
      for (const start of noneStarts) this.add('EVENT_SUBPROCESS_START_TRIGGER', this.behaviour, `The start event ${label(start)} of event sub-process ${label(owner)} has no trigger. Make it a timer, message, error or escalation start event.`, this.at(start));
      return;
    }
    if (noneStarts.length > 1) {
      for (const start of noneStarts.slice(1)) this.add('MULTIPLE_NONE_START', this.behaviour, `${label(start)} is a second plain start event in ${label(owner)}; it is ambiguous where a case begins. Keep one plain start event (others may be message or timer starts).`, this.at(start));
    }
    for (const start of starts) {
      if (scope === 'subProcess' && start.trigger.kind !== 'none') {
        this.add('START_TRIGGER_INVALID', this.behaviour, `Start event ${label(start)} of embedded sub-process ${label(owner)} has a ${start.trigger.kind} trigger; an embedded sub-process starts when the flow reaches it. Use a plain start event, or make the sub-process an event sub-process.`, this.at(start));
      } else if (scope === 'process' && !['none', 'message', 'timer', 'signal'].includes(start.trigger.kind)) {
        this.add('START_TRIGGER_INVALID', this.behaviour, `Start event ${label(start)} has a ${start.trigger.kind} trigger, which only starts event sub-processes. Use a plain, message or timer start event.`, this.at(start));
      }
    }
  }

  private checkNode(node: FlowNode, nodes: ReadonlyMap<string, FlowNode>, flows: ReadonlyMap<string, SequenceFlow>, scope: string): void {
    const where = this.at(node);
    const outgoing = node.outgoing.map((id) => flows.get(id)).filter((flow): flow is SequenceFlow => flow !== undefined);

    if ('trigger' in node) {
      const trigger = node.trigger;
      if (trigger.kind === 'timer') {
        if (trigger.timer.expression === '') {
          this.add('EMPTY_TIMER', 'error', `Timer ${label(node)} has no time. Set a duration (e.g. P3D or PT4H), a date or a cycle.`, where);
        } else if (!isIsoTimer(trigger.timer)) {
          this.add('TIMER_NOT_ISO', 'warning', `Timer ${label(node)} has the ${trigger.timer.kind} "${trigger.timer.expression}", which is not an ISO 8601 literal; it is evaluated as an expression when the timer starts. Prefer a literal such as P3D or PT4H.`, where);
        }
      }
      if (trigger.kind === 'signal') {
        this.add('UNSUPPORTED_ELEMENT', 'error', `Signal event ${label(node)} is not supported: signals broadcast to every case. Use a message event addressed to this case.`, where);
      }
      if (trigger.kind === 'terminate' && node.kind !== 'EndEvent') {
        this.add('TRIGGER_INVALID', 'error', `${label(node)} has a terminate trigger, which only end events may have. Make it a terminate end event.`, where);
      }
    }

    switch (node.kind) {
      case 'StartEvent':
        if (node.incoming.length > 0 && scope !== 'eventSubProcess') this.add('START_HAS_INCOMING', this.behaviour, `Start event ${label(node)} has incoming sequence flows. Flows must not enter a start event; connect them to the first step instead.`, where);
        break;
      case 'EndEvent':
        if (node.outgoing.length > 0) this.add('END_HAS_OUTGOING', this.behaviour, `End event ${label(node)} has outgoing sequence flows, which are never taken. Remove them or replace the end event by an intermediate event.`, where);
        if (node.trigger.kind === 'timer' || node.trigger.kind === 'link') this.add('TRIGGER_INVALID', 'error', `End event ${label(node)} cannot have a ${node.trigger.kind} trigger. Use a plain, terminate, error, escalation or message end event.`, where);
        break;
      case 'IntermediateCatchEvent':
        if (node.trigger.kind === 'none') this.add('CATCH_TRIGGER_MISSING', this.behaviour, `Intermediate catch event ${label(node)} waits for nothing. Give it a message or timer trigger.`, where);
        if (['error', 'escalation', 'terminate'].includes(node.trigger.kind)) this.add('TRIGGER_INVALID', 'error', `Intermediate catch event ${label(node)} cannot catch a ${node.trigger.kind}. Use a boundary event on the activity that raises it.`, where);
        if (node.stopsClock && node.trigger.kind !== 'message') this.add('STOPS_CLOCK_INVALID', 'warning', `qt:stopsClock on ${label(node)} only applies to message events (waiting for the applicant). Remove it or make the event a message catch.`, where);
        break;
      case 'IntermediateThrowEvent':
        if (node.trigger.kind === 'timer') this.add('TRIGGER_INVALID', 'error', `Intermediate throw event ${label(node)} cannot throw a timer. Use an intermediate timer catch event.`, where);
        break;
      case 'BoundaryEvent':
        this.checkBoundary(node, nodes);
        break;
      case 'ExclusiveGateway':
      case 'InclusiveGateway':
        this.checkDecision(node, outgoing);
        break;
      case 'ParallelGateway':
        for (const flow of outgoing) {
          if (flow.condition) this.add('CONDITION_IGNORED', 'warning', `Sequence flow ${label(flow)} leaves parallel gateway ${label(node)}, which ignores conditions. Remove the condition or use an inclusive gateway.`, this.at(flow));
        }
        break;
      case 'EventBasedGateway':
        for (const flow of outgoing) {
          const target = nodes.get(flow.targetId);
          const waits = target && ((target.kind === 'IntermediateCatchEvent' && (target.trigger.kind === 'message' || target.trigger.kind === 'timer')) || target.kind === 'ReceiveTask');
          if (target && !waits) this.add('EVENT_GATEWAY_TARGET', 'error', `Event-based gateway ${label(node)} leads to ${label(target)} (${target.kind}); it may only lead to message or timer catch events or receive tasks. Put the catch events right after the gateway.`, this.at(target));
        }
        if (outgoing.length === 1) this.add('EVENT_GATEWAY_SINGLE', 'warning', `Event-based gateway ${label(node)} has only one outgoing flow, so it chooses nothing. Add the alternative events or remove the gateway.`, where);
        break;
      case 'CallActivity':
        if (node.calledElement === '') this.add('CALLED_ELEMENT_MISSING', this.behaviour, `Call activity ${label(node)} does not say which procedure it calls. Set calledElement to the id of the called process.`, where);
        break;
      case 'SubProcess':
      case 'UserTask':
      case 'ManualTask':
      case 'Task':
      case 'ReceiveTask':
      case 'SendTask':
      case 'ServiceTask':
      case 'ScriptTask':
      case 'BusinessRuleTask':
        break;
    }

    if (HUMAN_STEP_KINDS.has(node.kind) && 'step' in node) {
      // Steps outside the clock (return of the result) have no norm by definition.
      if (!node.step.norm && !node.step.outsideClock) this.add('STEP_NO_NORM', 'warning', `Step ${label(node)} has no norm, so it has no due time. Set qt:norm and qt:normUnit (e.g. 8 workingHours) from the published procedure.`, where);
      if (!node.step.role) this.add('STEP_NO_OWNER', 'warning', `Step ${label(node)} has no owner. Put it in a lane named after the role (or set qt:role on the lane or the step).`, where);
    }
    if ('multiInstance' in node && node.multiInstance && !node.multiInstance.collection && !node.multiInstance.cardinality) {
      this.add('MULTI_INSTANCE_INPUT_MISSING', this.behaviour, `Multi-instance ${label(node)} says neither over which list nor how many times it runs. Set a collection (e.g. units) or a loop cardinality.`, where);
    }
    for (const flow of outgoing) {
      if (flow.condition && node.kind !== 'ExclusiveGateway' && node.kind !== 'InclusiveGateway' && node.kind !== 'ParallelGateway') {
        this.add('CONDITIONAL_FLOW_UNSUPPORTED', this.behaviour, `Sequence flow ${label(flow)} out of ${label(node)} has a condition; conditional flows are only evaluated after exclusive or inclusive gateways. Add an exclusive gateway after ${label(node)}.`, this.at(flow));
      }
    }
  }

  private checkBoundary(node: BoundaryEventNode, nodes: ReadonlyMap<string, FlowNode>): void {
    const where = this.at(node);
    if (node.attachedToId === '') {
      this.add('BOUNDARY_WITHOUT_HOST', 'error', `Boundary event ${label(node)} is not attached to any activity. Attach it to the border of a task or sub-process, or replace it by an intermediate event.`, where);
    } else {
      const host = nodes.get(node.attachedToId);
      if (!host) {
        this.add('BOUNDARY_HOST_INVALID', 'error', `Boundary event ${label(node)} is attached to "${node.attachedToId}", which is not an activity in the same scope. Attach it to a task or sub-process next to it.`, where);
      } else if (!ACTIVITY_KINDS.has(host.kind)) {
        this.add('BOUNDARY_HOST_INVALID', 'error', `Boundary event ${label(node)} is attached to ${label(host)} (${host.kind}); only activities can carry boundary events. Attach it to a task or sub-process.`, where);
      }
    }
    if (node.incoming.length > 0) this.add('BOUNDARY_HAS_INCOMING', 'error', `Boundary event ${label(node)} has incoming sequence flows. A boundary event is triggered by its host, never entered by a flow; remove the flows.`, where);
    if (['none', 'terminate', 'link'].includes(node.trigger.kind)) {
      this.add('BOUNDARY_TRIGGER_INVALID', 'error', `Boundary event ${label(node)} has ${node.trigger.kind === 'none' ? 'no trigger' : `a ${node.trigger.kind} trigger`}. Give it a timer, message, error or escalation trigger.`, where);
    }
    if (node.trigger.kind === 'error' && !node.interrupting) {
      this.add('BOUNDARY_TRIGGER_INVALID', 'error', `Error boundary event ${label(node)} is non-interrupting; an error always ends its activity. Make it interrupting.`, where);
    }
  }

  private checkDecision(node: GatewayNode, outgoing: readonly SequenceFlow[]): void {
    const where = this.at(node);
    const kindName = node.kind === 'ExclusiveGateway' ? 'exclusive' : 'inclusive';
    if (node.defaultFlowId !== undefined) {
      const defaultFlow = outgoing.find((flow) => flow.id === node.defaultFlowId);
      if (!defaultFlow) this.add('DEFAULT_FLOW_INVALID', 'error', `The default flow "${node.defaultFlowId}" of gateway ${label(node)} does not leave this gateway. Choose one of its outgoing flows as default.`, where);
      else if (defaultFlow.condition) this.add('DEFAULT_FLOW_HAS_CONDITION', 'warning', `Default flow ${label(defaultFlow)} of gateway ${label(node)} has a condition, which is ignored (the default is taken when no other condition holds). Remove the condition.`, this.at(defaultFlow));
    }
    if (outgoing.length <= 1) return;
    const decided = outgoing.filter((flow) => flow.id !== node.defaultFlowId);
    for (const flow of decided) {
      if (!flow.condition) this.add('GATEWAY_FLOW_WITHOUT_CONDITION', this.behaviour, `Sequence flow ${label(flow)} leaves ${kindName} gateway ${label(node)} without a condition and is not the default. Add a FEEL condition (e.g. outcome = "approve") or mark it as the default flow.`, this.at(flow));
    }
    if (node.defaultFlowId === undefined && decided.every((flow) => flow.condition)) {
      this.add('GATEWAY_NO_DEFAULT', 'warning', `When none of the conditions of ${kindName} gateway ${label(node)} holds, the case stops there. Mark one outgoing flow as the default flow.`, where);
    }
    if (node.kind === 'ExclusiveGateway') this.checkOverlap(node, decided);
  }

  private checkOverlap(node: FlowNode, flows: readonly SequenceFlow[]): void {
    const conditioned = flows.filter((flow) => flow.condition);
    if (conditioned.length > MAX_OVERLAP_BRANCHES) return;
    for (let i = 0; i < conditioned.length; i++) {
      for (let j = i + 1; j < conditioned.length; j++) {
        const a = conditioned[i];
        const b = conditioned[j];
        if (!a?.condition || !b?.condition) continue;
        if (normalizeFeel(a.condition.feel) === normalizeFeel(b.condition.feel)) {
          this.add('OVERLAPPING_CONDITIONS', this.behaviour, `Flows ${label(a)} and ${label(b)} out of exclusive gateway ${label(node)} have the same condition (${a.condition.feel}), so only one of them can ever be taken. Make the conditions exclusive.`, this.at(node));
          continue;
        }
        const atomA = parseAtom(a.condition.feel);
        const atomB = parseAtom(b.condition.feel);
        if (atomA && atomB && atomsOverlap(atomA, atomB) === true) {
          this.add('OVERLAPPING_CONDITIONS', 'warning', `The conditions of flows ${label(a)} (${a.condition.feel}) and ${label(b)} (${b.condition.feel}) out of exclusive gateway ${label(node)} can both hold; the first in document order wins. Make the conditions exclusive.`, this.at(node));
        }
      }
    }
  }

  /** Forward reachability from the scope's entries, and backward from its ends. */
  private checkReachability(graph: FlowGraph, nodes: ReadonlyMap<string, FlowNode>, flows: ReadonlyMap<string, SequenceFlow>): void {
    const successors = new Map<string, string[]>();
    const link = (from: string, to: string): void => appendTo(successors, from, to);
    const linkCatches = new Map<string, string[]>();
    for (const node of graph.nodes) {
      for (const flowId of node.outgoing) {
        const flow = flows.get(flowId);
        if (flow && nodes.has(flow.targetId)) link(node.id, flow.targetId);
      }
      if (node.kind === 'BoundaryEvent' && nodes.has(node.attachedToId)) link(node.attachedToId, node.id);
      if (node.kind === 'IntermediateCatchEvent' && node.trigger.kind === 'link') appendTo(linkCatches, node.trigger.linkName, node.id);
    }
    for (const node of graph.nodes) {
      if (node.kind === 'IntermediateThrowEvent' && node.trigger.kind === 'link') {
        const catches = linkCatches.get(node.trigger.linkName) ?? [];
        if (catches.length === 0) this.add('LINK_UNMATCHED', this.behaviour, `Link throw event ${label(node)} jumps to link "${node.trigger.linkName}", but no link catch event in the same scope has that name. Name a link catch event "${node.trigger.linkName}".`, this.at(node));
        for (const target of catches) link(node.id, target);
      }
    }

    const entries = graph.nodes.filter((node) => node.kind === 'StartEvent' || (node.kind === 'SubProcess' && node.triggeredByEvent));
    if (entries.length > 0) {
      const reached = new Set<string>();
      const queue = entries.map((node) => node.id);
      for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
        if (reached.has(id)) continue;
        reached.add(id);
        for (const next of successors.get(id) ?? []) queue.push(next);
      }
      for (const node of graph.nodes) {
        if (reached.has(node.id)) continue;
        if (node.kind === 'BoundaryEvent' && !nodes.has(node.attachedToId)) continue;
        if (node.kind === 'IntermediateCatchEvent' && node.trigger.kind === 'link' && node.incoming.length === 0) continue;
        this.add('UNREACHABLE', this.behaviour, `${label(node)} cannot be reached from a start event. Connect it with a sequence flow from an earlier element, or delete it.`, this.at(node));
      }
    }

    // A node without outgoing flows ends its path; only end events should.
    const predecessors = new Map<string, string[]>();
    for (const [from, targets] of successors) {
      for (const to of targets) appendTo(predecessors, to, from);
    }
    const terminal: string[] = [];
    for (const node of graph.nodes) {
      if ((successors.get(node.id) ?? []).length > 0) continue;
      terminal.push(node.id);
      const endsPath = node.kind === 'EndEvent' || (node.kind === 'SubProcess' && node.triggeredByEvent) || (node.kind === 'IntermediateThrowEvent' && node.trigger.kind === 'link');
      const isolated = node.kind === 'BoundaryEvent' ? !nodes.has(node.attachedToId) : node.incoming.length === 0 && node.kind !== 'StartEvent';
      if (!endsPath && !isolated) {
        this.add('DEAD_END', this.behaviour, `${label(node)} has no outgoing sequence flow, so the path stops there without an end event. Connect it to the next element or to an end event.`, this.at(node));
      }
    }
    const canEnd = new Set<string>();
    const queue = [...terminal];
    for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
      if (canEnd.has(id)) continue;
      canEnd.add(id);
      for (const previous of predecessors.get(id) ?? []) queue.push(previous);
    }
    for (const node of graph.nodes) {
      if (!canEnd.has(node.id)) {
        this.add('CANNOT_REACH_END', this.behaviour, `${label(node)} is on a loop with no way out: no path from it reaches an end event. Add a gateway branch that leaves the loop.`, this.at(node));
      }
    }
  }

  private checkMessageFlows(definitions: DefinitionsModel): void {
    const participantProcess = new Map(definitions.participants.map((participant) => [participant.id, participant.processId] as const));
    const processOfNode = new Map<string, string>();
    const visit = (graph: FlowGraph, processId: string): void => {
      for (const node of graph.nodes) {
        processOfNode.set(node.id, processId);
        if (node.kind === 'SubProcess') visit(node.graph, processId);
      }
    };
    for (const process of definitions.processes) visit(process.graph, process.id);
    const ownerOf = (ref: string): string | undefined => (participantProcess.has(ref) ? (participantProcess.get(ref) ?? `participant:${ref}`) : processOfNode.get(ref));
    for (const flow of definitions.messageFlows) {
      const source = ownerOf(flow.sourceRef);
      const target = ownerOf(flow.targetRef);
      const dangling = [source === undefined ? `source${flow.sourceRef ? ` "${flow.sourceRef}"` : ''}` : '', target === undefined ? `target${flow.targetRef ? ` "${flow.targetRef}"` : ''}` : ''].filter((end) => end !== '');
      const pooled = new Set(definitions.participants.map((participant) => participant.processId));
      const poolless = [flow.sourceRef, flow.targetRef].filter((ref) => processOfNode.has(ref) && !pooled.has(processOfNode.get(ref)));
      if (dangling.length === 0 && poolless.length > 0) {
        const processId = processOfNode.get(poolless[0] ?? '') ?? '';
        this.add('MESSAGE_FLOW_DANGLING', 'error', `Message flow "${flow.id}" connects to "${poolless[0]}" in process "${processId}", which is not a pool of the collaboration. Add a participant (pool) for process "${processId}" or reconnect the message flow.`, { elementId: flow.id });
      } else if (dangling.length > 0) {
        this.add('MESSAGE_FLOW_DANGLING', 'error', `Message flow "${flow.id}" points nowhere: its ${dangling.join(' and ')} is not a pool or an element of this file. Connect both ends to pools, tasks or events.`, { elementId: flow.id });
      } else if (source === target) {
        this.add('MESSAGE_FLOW_SAME_POOL', 'error', `Message flow "${flow.id}" connects two elements of the same pool. Use a sequence flow inside a pool; message flows go between pools.`, { elementId: flow.id });
      }
    }
  }
}

/**
 * Checks a parsed procedure model and returns diagnostics (empty when it can run as drawn).
 * Pure and fast enough to run on every edit in the editor.
 * @example const errors = validateDefinitions(definitions).filter((d) => d.severity === 'error');
 */
export function validateDefinitions(definitions: DefinitionsModel): Diagnostic[] {
  return new Validator().run(definitions);
}

/**
 * Design-time deadline plan of a procedure: for a receipt instant, the latest due instant of every
 * step along the longest path and the appointment date (ngày hẹn trả kết quả). Used by
 * `quytrinh dry-run`, the editor and the receipt slip.
 */
import type { DateTime } from 'luxon';
import type { Channel, FlowGraph, FlowNode, ProcessModel } from '../bpmn/model.ts';
import type { Norm } from './norm.ts';
import { toEpochMs, toVnDateTime } from './calendar.ts';
import type { InstantInput, WorkingCalendar } from './calendar.ts';

export interface PlanOptions {
  /** Receipt channel; its cut-off comes from the procedure (`qt` cutoffs), default desk. */
  readonly channel?: Channel;
  /** Overrides the procedure's cut-off (`HH:mm`). */
  readonly cutoff?: string;
  /**
   * Finds the procedure a call activity runs (liên thông), so that a call activity without its
   * own norm takes the child's published deadline (or, without one, its longest path). The child
   * starts when the call activity starts; its steps are not listed.
   */
  readonly resolveCalled?: (calledElement: string) => ProcessModel | undefined;
}

export interface PlannedStep {
  readonly elementId: string;
  readonly name?: string;
  readonly kind: FlowNode['kind'];
  /** Absent for a step without a norm (it then takes no time in the plan; the validator warns). */
  readonly norm?: Norm;
  /** Id of the embedded sub-process this step is inside, if any. */
  readonly scopeId?: string;
  readonly startAt: DateTime;
  readonly dueAt: DateTime;
}

export interface ProcedurePlan {
  readonly receivedAt: DateTime;
  /** The cut-off applied to the receipt. */
  readonly cutoff: string;
  readonly effectiveStart: DateTime;
  /** Timed steps in the order they become due on the longest path (ties: diagram order). */
  readonly steps: readonly PlannedStep[];
  /** The end of the longest path through the timed steps. */
  readonly pathEnd: DateTime;
  /** The published procedure deadline counted from the effective start, when declared. */
  readonly deadlineDueAt?: DateTime;
  /** Ngày hẹn trả: `deadlineDueAt` when the procedure declares a deadline, else `pathEnd`. */
  readonly appointment: DateTime;
}

/** Tasks, sub-processes and call activities: the nodes that carry a step (norm, owner). */
const isActivity = (node: FlowNode): node is Extract<FlowNode, { step: unknown }> => 'step' in node;

/** Nodes that start a scope: start events and activities without incoming flows (BPMN implicit start). */
function entriesOf(graph: FlowGraph): FlowNode[] {
  return graph.nodes.filter((n) => {
    if (n.kind === 'StartEvent') return true;
    if (n.kind === 'BoundaryEvent' || (n.kind === 'SubProcess' && n.triggeredByEvent)) return false;
    return n.incoming.length === 0 && isActivity(n);
  });
}

/**
 * Forward edges of the graph reachable from its entries, with loop-back edges (to a node on the
 * current depth-first path) dropped, in topological order. Boundary events and event
 * sub-processes are exception paths and are not planned.
 */
function forwardOrder(graph: FlowGraph): { order: FlowNode[]; predecessors: Map<string, string[]> } {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const successors = new Map<string, string[]>();
  for (const flow of graph.flows) {
    const list = successors.get(flow.sourceId) ?? [];
    list.push(flow.targetId);
    successors.set(flow.sourceId, list);
  }
  const state = new Map<string, 'open' | 'done'>();
  const forward: [string, string][] = [];
  // Iterative depth-first search so deep diagrams cannot overflow the stack.
  for (const entry of entriesOf(graph)) {
    if (state.has(entry.id)) continue;
    const stack: { id: string; next: number }[] = [{ id: entry.id, next: 0 }];
    state.set(entry.id, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const targets = successors.get(top.id) ?? [];
      if (top.next < targets.length) {
        const target = targets[top.next]!;
        top.next += 1;
        if (!byId.has(target)) continue;
        const seen = state.get(target);
        if (seen === 'open') continue; // a loop back: ignored in the plan
        forward.push([top.id, target]);
        if (seen === undefined) {
          state.set(target, 'open');
          stack.push({ id: target, next: 0 });
        }
      } else {
        state.set(top.id, 'done');
        stack.pop();
      }
    }
  }
  const predecessors = new Map<string, string[]>();
  const indegree = new Map<string, number>();
  for (const id of state.keys()) indegree.set(id, 0);
  for (const [from, to] of forward) {
    predecessors.set(to, [...(predecessors.get(to) ?? []), from]);
    indegree.set(to, (indegree.get(to) ?? 0) + 1);
  }
  const order: FlowNode[] = [];
  const ready = graph.nodes.filter((n) => indegree.get(n.id) === 0);
  const outgoing = new Map<string, string[]>();
  for (const [from, to] of forward) outgoing.set(from, [...(outgoing.get(from) ?? []), to]);
  while (ready.length > 0) {
    const node = ready.shift()!;
    order.push(node);
    for (const to of outgoing.get(node.id) ?? []) {
      const left = (indegree.get(to) ?? 0) - 1;
      indegree.set(to, left);
      if (left === 0) ready.push(byId.get(to)!);
    }
  }
  return { order, predecessors };
}

const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * An ISO 8601 timer duration as elapsed calendar time (a bare `P1D` is a calendar day, as the
 * server schedules it; months count 30 days, years 365), or undefined when unreadable.
 */
function timerDurationMs(expression: string): number | undefined {
  const text = expression.trim();
  const m = ISO_DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const n = (i: number): number => Number(m[i] ?? 0);
  return (((n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4)) * 24 + n(5)) * 60 + n(6)) * 60_000 + n(7) * 1000;
}

/**
 * How many times a step's norm runs back to back: a sequential multi-instance step with a literal
 * cardinality (`3`) runs that many times; over a runtime collection its size is unknown at design
 * time, so the plan counts one instance.
 */
function sequentialInstances(node: FlowNode): number {
  const multi = 'multiInstance' in node ? node.multiInstance : undefined;
  if (!multi?.sequential || multi.cardinality === undefined) return 1;
  const literal = /^\s*=?\s*(\d+)\s*$/.exec(multi.cardinality);
  return literal ? Math.max(1, Number(literal[1])) : 1;
}

interface PlanContext {
  readonly calendar: WorkingCalendar;
  readonly resolveCalled?: PlanOptions['resolveCalled'];
  /** Process ids being planned, to stop a call activity that (indirectly) calls itself. */
  readonly callers: readonly string[];
}

/** End of a called procedure started at `startMs`: its deadline when declared, else its longest path. */
function calledEnd(calledElement: string, startMs: number, context: PlanContext): number {
  const child = context.resolveCalled?.(calledElement);
  if (!child || context.callers.includes(child.id)) return startMs;
  if (child.procedure.deadline) return context.calendar.addNormMs(startMs, child.procedure.deadline);
  return planGraph(child.graph, startMs, { ...context, callers: [...context.callers, child.id] }, undefined, []);
}

function planGraph(graph: FlowGraph, startMs: number, context: PlanContext, scopeId: string | undefined, steps: PlannedStep[]): number {
  const { calendar } = context;
  const { order, predecessors } = forwardOrder(graph);
  const dueOf = new Map<string, number>();
  let end = startMs;
  for (const node of order) {
    const preds = predecessors.get(node.id) ?? [];
    const start = preds.length === 0 ? startMs : Math.max(...preds.map((p) => dueOf.get(p) ?? startMs));
    let due = start;
    // A wait on which the applicant's clock stops takes no time in the plan.
    if (isActivity(node) && !('stopsClock' in node && node.stopsClock)) {
      const step = node.step;
      if (!step.outsideClock) {
        if (node.kind === 'SubProcess') {
          const innerEnd = planGraph(node.graph, start, context, node.id, steps);
          due = step.norm ? calendar.addNormMs(start, step.norm) : innerEnd;
        } else if (step.norm) {
          // Instances of a sequential multi-instance step run one after another; parallel ones together.
          for (let n = sequentialInstances(node); n > 0; n -= 1) due = calendar.addNormMs(due, step.norm);
        } else if (node.kind === 'CallActivity') {
          due = calledEnd(node.calledElement, start, context);
        }
        steps.push({
          elementId: node.id,
          ...(node.name !== undefined ? { name: node.name } : {}),
          kind: node.kind,
          ...(step.norm ? { norm: step.norm } : {}),
          ...(scopeId !== undefined ? { scopeId } : {}),
          startAt: toVnDateTime(start),
          dueAt: toVnDateTime(due),
        });
      }
    }
    // A timer on the path (e.g. a waiting period) delays what follows by its duration, unless the
    // applicant's clock is stopped while it runs.
    if (node.kind === 'IntermediateCatchEvent' && !node.stopsClock && node.trigger.kind === 'timer' && node.trigger.timer.kind === 'duration') {
      const ms = timerDurationMs(node.trigger.timer.expression);
      if (ms !== undefined) due = start + ms;
    }
    dueOf.set(node.id, due);
    if (due > end) end = due;
  }
  return end;
}

/**
 * Plans a procedure for a receipt instant: the effective start (cut-off rule), then each timed
 * step's latest start and due instant along the longest path of the diagram (a join waits for
 * its latest branch; of alternative branches the longest counts; loop-back edges are ignored;
 * steps outside the clock, such as the return of the result, are skipped), and the appointment:
 * the procedure's published deadline from the effective start when declared, else the end of
 * the longest path. A timer catch event with a duration on the path delays its successors by that
 * elapsed time; other events and gateways take no time.
 *
 * @example planProcedure(model, '2026-03-02T07:30', calendar).appointment.toISODate() // '2026-03-13'
 */
export function planProcedure(process: ProcessModel, receivedAt: InstantInput, calendar: WorkingCalendar, options: PlanOptions = {}): ProcedurePlan {
  const receivedMs = toEpochMs(receivedAt);
  const cutoff = options.cutoff ?? process.procedure.cutoffs[options.channel ?? 'desk'] ?? '15:00';
  const startMs = toEpochMs(calendar.effectiveStart(receivedMs, cutoff));
  const steps: PlannedStep[] = [];
  const context: PlanContext = { calendar, ...(options.resolveCalled ? { resolveCalled: options.resolveCalled } : {}), callers: [process.id] };
  const pathEndMs = planGraph(process.graph, startMs, context, undefined, steps);
  const deadline = process.procedure.deadline;
  const deadlineMs = deadline ? calendar.addNormMs(startMs, deadline) : undefined;
  const order = new Map(steps.map((s, i) => [s, i]));
  steps.sort((a, b) => a.dueAt.toMillis() - b.dueAt.toMillis() || order.get(a)! - order.get(b)!);
  return {
    receivedAt: toVnDateTime(receivedMs),
    cutoff,
    effectiveStart: toVnDateTime(startMs),
    steps,
    pathEnd: toVnDateTime(pathEndMs),
    ...(deadlineMs !== undefined ? { deadlineDueAt: toVnDateTime(deadlineMs) } : {}),
    appointment: toVnDateTime(deadlineMs ?? pathEndMs),
  };
}

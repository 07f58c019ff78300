/**
 * A compact builder for procedure models in tests, so compiler and runtime tests do not depend on
 * the XML parser. Flows are `[source, target, condition?]`; incoming/outgoing are derived.
 */
import type { DefinitionsModel, FlowGraph, FlowNode, Lane, ProcessModel, SequenceFlow, StepSpec, MultiInstanceSpec, EventTrigger, TimerSpec } from '../../../engine/bpmn/model.ts';

type Draft = { kind: FlowNode['kind'] } & Record<string, unknown> & { id: string };
export type FlowSpec = readonly [string, string, string?] | { id?: string; from: string; to: string; when?: string };

const stepOf = (s: Partial<StepSpec> = {}): StepSpec => ({ outcomes: [], outsideClock: false, ...s });

export const start = (id: string, trigger: EventTrigger = { kind: 'none' }, interrupting = true): Draft => ({ kind: 'StartEvent', id, trigger, interrupting });
export const end = (id: string, trigger: EventTrigger = { kind: 'none' }): Draft => ({ kind: 'EndEvent', id, trigger });
export const user = (id: string, step: Partial<StepSpec> = {}, multiInstance?: MultiInstanceSpec): Draft =>
  ({ kind: 'UserTask', id, step: stepOf(step), ...(multiInstance ? { multiInstance } : {}) });
export const service = (id: string, handler?: string): Draft => ({ kind: 'ServiceTask', id, step: stepOf(), ...(handler ? { handler } : {}) });
export const receive = (id: string, messageName: string): Draft => ({ kind: 'ReceiveTask', id, step: stepOf(), messageName });
export const xor = (id: string, defaultTo?: string): Draft => ({ kind: 'ExclusiveGateway', id, ...(defaultTo ? { defaultTo } : {}) });
export const or = (id: string, defaultTo?: string): Draft => ({ kind: 'InclusiveGateway', id, ...(defaultTo ? { defaultTo } : {}) });
export const and = (id: string): Draft => ({ kind: 'ParallelGateway', id });
export const race = (id: string): Draft => ({ kind: 'EventBasedGateway', id });
export const timerCatch = (id: string, expression = 'PT1H'): Draft => ({ kind: 'IntermediateCatchEvent', id, trigger: { kind: 'timer', timer: { kind: 'duration', expression } satisfies TimerSpec }, stopsClock: false });
export const messageCatch = (id: string, messageName: string, stopsClock = false): Draft => ({ kind: 'IntermediateCatchEvent', id, trigger: { kind: 'message', messageName }, stopsClock });
export const messageThrow = (id: string, messageName: string): Draft => ({ kind: 'IntermediateThrowEvent', id, trigger: { kind: 'message', messageName } });
export const boundary = (id: string, attachedToId: string, trigger: EventTrigger, interrupting = true): Draft => ({ kind: 'BoundaryEvent', id, attachedToId, trigger, interrupting });
export const callActivity = (id: string, calledElement: string): Draft => ({ kind: 'CallActivity', id, calledElement, step: stepOf() });
export const subProcess = (id: string, nodes: Draft[], flows: FlowSpec[], triggeredByEvent = false): Draft =>
  ({ kind: 'SubProcess', id, triggeredByEvent, step: stepOf(), graph: graph(nodes, flows) });
export const timer = (expression = 'PT1H'): EventTrigger => ({ kind: 'timer', timer: { kind: 'duration', expression } });
export const message = (messageName: string): EventTrigger => ({ kind: 'message', messageName });

/** Builds a scope graph from node drafts and flows. */
export function graph(nodes: Draft[], flowSpecs: FlowSpec[]): FlowGraph {
  const flows: SequenceFlow[] = flowSpecs.map((spec) => {
    const s: { id?: string; from: string; to: string; when?: string } = 'from' in spec ? spec : { from: spec[0], to: spec[1], ...(spec[2] ? { when: spec[2] } : {}) };
    return {
      id: s.id ?? `F_${s.from}_${s.to}`,
      sourceId: s.from,
      targetId: s.to,
      ...(s.when ? { condition: { language: 'feel' as const, source: s.when, feel: s.when } } : {}),
    };
  });
  const built = nodes.map((draft) => {
    const { defaultTo, laneIds, ...rest } = draft as Draft & { defaultTo?: string; laneIds?: string[] };
    const outgoing = flows.filter((f) => f.sourceId === draft.id).map((f) => f.id);
    const incoming = flows.filter((f) => f.targetId === draft.id).map((f) => f.id);
    const defaultFlowId = defaultTo ? flows.find((f) => f.sourceId === draft.id && f.targetId === defaultTo)?.id : undefined;
    return { ...rest, laneIds: laneIds ?? [], incoming, outgoing, ...(defaultFlowId ? { defaultFlowId } : {}) } as unknown as FlowNode;
  });
  return { nodes: built, flows };
}

/** One executable process in a definitions model. */
export function definitions(nodes: Draft[], flows: FlowSpec[], options: { id?: string; lanes?: Lane[]; extra?: ProcessModel[] } = {}): DefinitionsModel {
  const process: ProcessModel = {
    id: options.id ?? 'Process_1',
    isExecutable: true,
    procedure: { cutoffs: { desk: undefined, online: undefined, post: undefined }, supplementMode: 'restart' },
    graph: graph(nodes, flows),
    lanes: options.lanes ?? [],
  };
  return { processes: [process, ...(options.extra ?? [])], participants: [], messageFlows: [] };
}

/** Puts nodes into lanes (lane ids outermost first). */
export function inLanes(draft: Draft, laneIds: string[]): Draft {
  return { ...draft, laneIds };
}

/**
 * The procedure model: the intermediate representation between BPMN XML and the compiled
 * machine. Nodes are frozen, tagged by `kind`; consumers `switch (node.kind)` with an exhaustive
 * `never` check so a new element type cannot be silently ignored.
 */
import type { Norm } from '../calendar/norm.ts';

/** A condition on a sequence flow, translated to FEEL whatever language the diagram used. */
export interface Condition {
  /** The language written in the diagram. */
  readonly language: 'feel' | 'juel' | 'camunda8';
  /** The text as written in the diagram. */
  readonly source: string;
  /** The FEEL expression evaluated by feelin over case variables. */
  readonly feel: string;
}

export interface SequenceFlow {
  readonly id: string;
  readonly name?: string;
  readonly sourceId: string;
  readonly targetId: string;
  readonly condition?: Condition;
}

/** What the officer does at a step: its norm, owner and the outcomes it offers. */
export interface StepSpec {
  readonly norm?: Norm;
  /** Owner role; defaults to the innermost lane's role (or lane name). */
  readonly role?: string;
  /** Owner unit; defaults to the nearest lane that names a unit. */
  readonly unit?: string;
  /** Outcomes an officer may choose, e.g. ['approve', 'return', 'refuse']; empty = just "done". */
  readonly outcomes: readonly string[];
  /** Return of the result and similar steps are outside the processing clock. */
  readonly outsideClock: boolean;
}

export interface MultiInstanceSpec {
  readonly sequential: boolean;
  /** FEEL expression yielding the list to iterate (e.g. `units`), or undefined with cardinality. */
  readonly collection?: string;
  readonly elementVariable?: string;
  /** FEEL expression yielding a number. */
  readonly cardinality?: string;
  readonly completionCondition?: string;
}

export type TimerSpec =
  | { readonly kind: 'duration'; readonly expression: string }
  | { readonly kind: 'date'; readonly expression: string }
  | { readonly kind: 'cycle'; readonly expression: string };

export type EventTrigger =
  | { readonly kind: 'none' }
  | { readonly kind: 'message'; readonly messageName: string }
  | { readonly kind: 'timer'; readonly timer: TimerSpec }
  | { readonly kind: 'error'; readonly errorCode?: string }
  | { readonly kind: 'escalation'; readonly escalationCode?: string }
  | { readonly kind: 'terminate' }
  | { readonly kind: 'signal'; readonly signalName: string }
  | { readonly kind: 'link'; readonly linkName: string };

interface NodeBase {
  readonly id: string;
  readonly name?: string;
  /** Lane ids from the outermost to the innermost lane holding this node. */
  readonly laneIds: readonly string[];
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
}

export type TaskKind = 'UserTask' | 'ManualTask' | 'Task' | 'ReceiveTask' | 'SendTask' | 'ServiceTask' | 'ScriptTask' | 'BusinessRuleTask';

export interface TaskNode extends NodeBase {
  readonly kind: TaskKind;
  readonly step: StepSpec;
  readonly multiInstance?: MultiInstanceSpec;
  /** ReceiveTask: the message it waits for. */
  readonly messageName?: string;
  /** ReceiveTask: waiting here stops the applicant's clock (supplementation). */
  readonly stopsClock?: boolean;
  /** Service/script/send/business-rule task: the registered server-side handler name. */
  readonly handler?: string;
}

export interface StartEventNode extends NodeBase {
  readonly kind: 'StartEvent';
  readonly trigger: EventTrigger;
  /** Event sub-process start events: whether they cancel the enclosing scope. */
  readonly interrupting: boolean;
}

/**
 * How a case that ends at an end event is recorded in the national status vocabulary: a
 * refusal path ends the dossier as refused (status 3), a stop as stopped (8); otherwise it
 * was processed (9).
 */
export type EndCaseStatus = 'refused' | 'stopped';
export const END_CASE_STATUSES: readonly EndCaseStatus[] = ['refused', 'stopped'];

export interface EndEventNode extends NodeBase {
  readonly kind: 'EndEvent';
  readonly trigger: EventTrigger;
  readonly caseStatus?: EndCaseStatus;
}

export interface IntermediateCatchEventNode extends NodeBase {
  readonly kind: 'IntermediateCatchEvent';
  readonly trigger: EventTrigger;
  readonly stopsClock: boolean;
}

export interface IntermediateThrowEventNode extends NodeBase {
  readonly kind: 'IntermediateThrowEvent';
  readonly trigger: EventTrigger;
}

export interface BoundaryEventNode extends NodeBase {
  readonly kind: 'BoundaryEvent';
  readonly attachedToId: string;
  readonly trigger: EventTrigger;
  readonly interrupting: boolean;
}

export interface GatewayNode extends NodeBase {
  readonly kind: 'ExclusiveGateway' | 'InclusiveGateway' | 'ParallelGateway' | 'EventBasedGateway';
  /** Exclusive/inclusive: the default flow id. */
  readonly defaultFlowId?: string;
}

export interface SubProcessNode extends NodeBase {
  readonly kind: 'SubProcess';
  /** Event sub-processes start on a timer or message inside their parent scope. */
  readonly triggeredByEvent: boolean;
  readonly step: StepSpec;
  readonly multiInstance?: MultiInstanceSpec;
  readonly graph: FlowGraph;
}

export interface CallActivityNode extends NodeBase {
  readonly kind: 'CallActivity';
  /** The process id (procedure) the child case runs. */
  readonly calledElement: string;
  readonly step: StepSpec;
  readonly multiInstance?: MultiInstanceSpec;
}

export type FlowNode =
  | TaskNode
  | StartEventNode
  | EndEventNode
  | IntermediateCatchEventNode
  | IntermediateThrowEventNode
  | BoundaryEventNode
  | GatewayNode
  | SubProcessNode
  | CallActivityNode;

export type FlowNodeKind = FlowNode['kind'];

/** One scope: a process or an embedded sub-process. */
export interface FlowGraph {
  readonly nodes: readonly FlowNode[];
  readonly flows: readonly SequenceFlow[];
}

export interface Lane {
  readonly id: string;
  readonly name?: string;
  readonly role?: string;
  readonly unit?: string;
  readonly childLaneIds: readonly string[];
}

export type SupplementMode = 'restart' | 'pause';
export type Channel = 'desk' | 'online' | 'post';

/** Procedure-level settings (qt attributes on bpmn:Process). */
export interface ProcedureSpec {
  readonly code?: string;
  /** The published total deadline (thời hạn giải quyết). */
  readonly deadline?: Norm;
  /** Receipt cut-off per channel, "HH:mm" local time; desk defaults to "15:00". */
  readonly cutoffs: Readonly<Record<Channel, string | undefined>>;
  readonly supplementMode: SupplementMode;
  /** A dossier not completed within this period after a supplement request is closed. */
  readonly abandonAfter?: Norm;
  readonly calendar?: string;
  /** Citation of the published decision the procedure is modelled from. */
  readonly source?: string;
}

export interface ProcessModel {
  readonly id: string;
  readonly name?: string;
  readonly isExecutable: boolean;
  readonly procedure: ProcedureSpec;
  readonly graph: FlowGraph;
  readonly lanes: readonly Lane[];
}

export interface MessageFlow {
  readonly id: string;
  readonly sourceRef: string;
  readonly targetRef: string;
  readonly messageName?: string;
}

export interface Participant {
  readonly id: string;
  readonly name?: string;
  readonly processId?: string;
}

/** Everything one BPMN file defines. */
export interface DefinitionsModel {
  readonly id?: string;
  readonly processes: readonly ProcessModel[];
  readonly participants: readonly Participant[];
  readonly messageFlows: readonly MessageFlow[];
}

/** Freezes a model deeply; factories call it so the IR can be shared without defensive copies. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Compile-time exhaustiveness check for `switch (node.kind)`. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled model node: ${JSON.stringify(value)}`);
}

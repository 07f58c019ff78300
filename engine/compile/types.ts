/**
 * What compilation produces: a serialisable machine config, the machine bound to the shared
 * implementations, and per-element facts the runtime needs to turn states into steps and effects.
 */
import type { AnyStateMachine } from 'xstate';
import type { EndCaseStatus, FlowNodeKind, MultiInstanceSpec, ProcedureSpec, ProcessModel, TimerSpec } from '../bpmn/model.ts';
import type { Norm } from '../calendar/norm.ts';

/** How an active element engages the outside world while it is active. */
export type WaitKind =
  /** A human step: waits for COMPLETE. */
  | 'step'
  /** Service/script/send/business-rule task: waits for SERVICE_DONE. */
  | 'service'
  /** Call activity: waits for CHILD_ENDED. */
  | 'child'
  /** Receive task or message catch: waits for MESSAGE. */
  | 'message'
  /** Timer catch: waits for TIMER. */
  | 'timer'
  /** Event-based gateway: waits for whichever of its successors' events comes first. */
  | 'race'
  /** Embedded or event sub-process: active while its content runs. */
  | 'scope'
  /** Passed through within one step (gateways, throw/end events, boundary events). */
  | 'none';

/** A timer or message that an element listens to while some element (its host) is active. */
export interface Listener {
  /** The catching element (boundary event, catch event, event sub-process start, ...). */
  readonly elementId: string;
  readonly timer?: TimerSpec;
  readonly messageName?: string;
  readonly stopsClock: boolean;
  /** Non-interrupting listeners only listen while their region is idle. */
  readonly idleRegion?: string;
  /** Interrupting event sub-process starts stop listening once their sub-process runs. */
  readonly disabledWhileActive?: string;
}

export interface ElementInfo {
  readonly id: string;
  readonly name?: string;
  readonly kind: FlowNodeKind;
  readonly wait: WaitKind;
  /** Owner and norm resolved with the lanes (for steps, sub-processes and call activities). */
  readonly role?: string;
  readonly unit?: string;
  readonly norm?: Norm;
  readonly outcomes: readonly string[];
  readonly outsideClock: boolean;
  readonly handler?: string;
  readonly calledElement?: string;
  /** End events: the case status a case ending here gets (absent: processed). */
  readonly caseStatus?: EndCaseStatus;
  readonly multiInstance?: MultiInstanceSpec;
  /** Timers and messages listened to while this element is active (its own, boundary, race, event sub-process). */
  readonly listeners: readonly Listener[];
}

/** A compiled procedure: feed it to `startCase` / `advanceCase`. */
export interface CompiledProcess {
  readonly processId: string;
  readonly name?: string;
  /** SHA-256 over the canonical JSON of config, elements and procedure settings. */
  readonly hash: string;
  /** Plain JSON XState v5 machine config; guards and actions referenced by name. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly elements: Readonly<Record<string, ElementInfo>>;
  readonly procedure: ProcedureSpec;
  /** The procedure model it was compiled from (soundness, plans). */
  readonly model: ProcessModel;
  /** The machine: `caseSetup.createMachine(config)`, shared by every compile with the same hash. */
  readonly machine: AnyStateMachine;
}

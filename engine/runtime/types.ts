/**
 * The contract between the pure engine and its adapters: events in, snapshot + effects out.
 * Effects are data; the server executes them after it has committed the snapshot and the audit.
 */
import type { Norm } from '../calendar/norm.ts';
import type { EndCaseStatus, TimerSpec } from '../bpmn/model.ts';

/** Case variables: plain JSON. */
export type CaseData = Readonly<Record<string, unknown>>;

export type EngineEvent =
  /** An officer finishes an open step (work item). */
  | { readonly type: 'COMPLETE'; readonly stepKey: string; readonly outcome?: string; readonly data?: CaseData }
  /** The scheduler delivers a due timer. */
  | { readonly type: 'TIMER'; readonly timerKey: string }
  /** A message arrives (e.g. the applicant's supplement, a reply from another agency). */
  | { readonly type: 'MESSAGE'; readonly name: string; readonly data?: CaseData }
  /** A child case started by a call activity has ended (`errorCode` when it ended at an error end event: error boundaries on the call activity catch it). */
  | { readonly type: 'CHILD_ENDED'; readonly stepKey: string; readonly endEventId: string; readonly data?: CaseData; readonly errorCode?: string }
  /** A service/script handler on the server has finished (or failed with a BPMN error code). */
  | { readonly type: 'SERVICE_DONE'; readonly stepKey: string; readonly data?: CaseData; readonly errorCode?: string };

/**
 * One open step. `stepKey` is unique within the case: the element id, plus an instance suffix
 * for multi-instance (`review#2`) and for repeated visits in loops (`handle@3`).
 */
export interface OpenStep {
  readonly stepKey: string;
  readonly elementId: string;
  readonly name?: string;
  readonly kind: string;
  readonly role?: string;
  readonly unit?: string;
  readonly norm?: Norm;
  readonly outcomes: readonly string[];
  readonly outsideClock: boolean;
  /** Multi-instance: the item this instance works on (e.g. a unit to consult). */
  readonly item?: unknown;
}

export type Effect =
  | { readonly type: 'stepOpened'; readonly step: OpenStep }
  | { readonly type: 'stepClosed'; readonly stepKey: string; readonly elementId: string; readonly outcome?: string; readonly reason: 'completed' | 'cancelled' }
  | { readonly type: 'timerScheduled'; readonly timerKey: string; readonly elementId: string; readonly timer: TimerSpec }
  | { readonly type: 'timerCancelled'; readonly timerKey: string; readonly elementId: string }
  | { readonly type: 'messageAwaited'; readonly name: string; readonly elementId: string; readonly stopsClock: boolean }
  | { readonly type: 'messageNoLongerAwaited'; readonly name: string; readonly elementId: string; readonly stopsClock: boolean }
  | { readonly type: 'serviceRequested'; readonly stepKey: string; readonly elementId: string; readonly handler?: string; readonly kind: string }
  | { readonly type: 'childCaseRequested'; readonly stepKey: string; readonly elementId: string; readonly calledElement: string; readonly data: CaseData }
  | { readonly type: 'messageThrown'; readonly elementId: string; readonly name?: string }
  | { readonly type: 'escalationThrown'; readonly elementId: string; readonly code?: string }
  | { readonly type: 'elementPassed'; readonly elementId: string; readonly kind: string }
  | { readonly type: 'caseEnded'; readonly endEventId: string; readonly result: 'completed' | 'terminated' | 'error'; readonly errorCode?: string; readonly caseStatus?: EndCaseStatus };

/** What the server stores for a case between two events: plain JSON. */
export interface PersistedCase {
  /** The content hash of the compiled definition the case runs on. */
  readonly definitionHash: string;
  /** XState's persisted snapshot (JSON-serialisable). */
  readonly machine: unknown;
}

/** Services, child cases, timers and messages a case is waiting for. */
export interface Waiting {
  readonly services: readonly { readonly stepKey: string; readonly elementId: string; readonly kind: string; readonly handler?: string }[];
  readonly children: readonly { readonly stepKey: string; readonly elementId: string; readonly calledElement: string }[];
  readonly timers: readonly { readonly timerKey: string; readonly elementId: string; readonly timer: TimerSpec }[];
  readonly messages: readonly { readonly name: string; readonly elementId: string; readonly stopsClock: boolean }[];
}

export interface StepResult {
  readonly snapshot: PersistedCase;
  readonly effects: readonly Effect[];
  /** Element ids of the active flow nodes (tasks, catch events, sub-processes) after the event. */
  readonly active: readonly string[];
  readonly openSteps: readonly OpenStep[];
  readonly data: CaseData;
  readonly ended?: { readonly endEventId: string; readonly result: 'completed' | 'terminated' | 'error' };
  /** What the case waits for now besides open steps (derived from the snapshot, not a diff). */
  readonly waiting?: Waiting;
  /** Element ids entered during this step, in order (dry-run paths, audit detail). */
  readonly path?: readonly string[];
}

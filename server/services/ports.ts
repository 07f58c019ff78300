/**
 * What the services need from the engine and the calendar, as ports. The default implementations
 * (engine-adapter.ts) call engine/index.ts; keeping the seam here means the transaction code
 * never depends on how the engine spells its functions.
 */
import type { CaseData, Channel, Diagnostic, EngineEvent, Norm, PersistedCase, ProcedureSpec, StepResult } from '../../engine/index.ts';

/** One executable process of a BPMN file, compiled and ready to store. */
export interface CompiledProcedure {
  readonly processId: string;
  readonly name?: string;
  readonly procedure: ProcedureSpec;
  /** Content hash of the compiled definition (the version's identity). */
  readonly hash: string;
  /**
   * Plain JSON: everything the runnable is rebuilt from (machine config, element facts, the
   * procedure model). Stored with the version so open cases keep running on exactly the
   * definition they started on, whatever later compilers would make of the same XML.
   */
  readonly compiled: unknown;
  /** The in-memory runnable form given to `start`/`send` (not serialisable). */
  readonly runnable: unknown;
  readonly diagnostics: readonly Diagnostic[];
}

export interface ProcedureEngine {
  /** Validates without compiling for deployment: the editor's live check. */
  validate(xml: string): Promise<{ readonly valid: boolean; readonly diagnostics: readonly Diagnostic[] }>;
  /** Reads and compiles every executable process; throws an EngineError carrying diagnostics when none can run. */
  compile(xml: string): Promise<{ readonly procedures: readonly CompiledProcedure[]; readonly diagnostics: readonly Diagnostic[] }>;
  /** Rebuilds the runnable form from the stored `compiled` JSON, without recompiling the XML. */
  load(compiled: unknown): unknown;
  /** Starts a case: the first steps open. */
  start(runnable: unknown, input: { readonly caseId: string; readonly data: CaseData; readonly now: string }): StepResult;
  /** Sends one event to a case; throws InvalidTransitionError when the case cannot take it. */
  send(runnable: unknown, snapshot: PersistedCase, event: EngineEvent, now: string): StepResult;
  /** Design-time plan: each step's latest due instant along the longest path and the appointment (JSON). */
  plan(xml: string, processId: string, input: { readonly receivedAt: string; readonly channel: Channel; readonly calendar?: string }): Promise<unknown>;
}

/** Working-time arithmetic of one calendar (a unit's or the default). */
export interface WorkingCalendar {
  /** When the clock starts for a dossier received at `receivedAt` (cut-off "HH:mm", non-working days). */
  effectiveStart(receivedAt: string, cutoff: string | undefined): string;
  /** The instant a norm after `from` ends, in working time (or calendar time for calendar days). */
  addNorm(from: string, norm: Norm): string;
  /** Working minutes between two instants (0 when `to` is not after `from`). */
  workingMinutesBetween(from: string, to: string): number;
}

/** Finds the calendar a procedure names (undefined → the default calendar). */
export type CalendarResolver = (name: string | undefined) => WorkingCalendar;

/** A server-side handler for service/script tasks, registered by name (never code from a diagram). */
export type ServiceHandler = (input: { readonly caseId: string; readonly stepKey: string; readonly data: CaseData }) => Promise<CaseData | void>;

export type { Channel };

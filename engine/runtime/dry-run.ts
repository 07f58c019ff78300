/**
 * Dry-run: runs a procedure in memory through the same compile and step functions a real case
 * uses, completing each step with the given (or first) outcome, firing timers only when nothing
 * else can move, and answering services and child cases at once. It stops by itself (max steps).
 */
import type { Diagnostic } from '../diagnostics.ts';
import type { Channel, DefinitionsModel } from '../bpmn/model.ts';
import { isEngineError } from '../errors.ts';
import { compileProcess, selectProcess } from '../compile/compile.ts';
import { checkSoundness } from '../compile/soundness.ts';
import { advanceCase, startCase } from './step.ts';
import type { CaseData, EngineEvent, StepResult } from './types.ts';
import { createCalendar } from '../calendar/calendar.ts';
import { BUILTIN_CALENDARS, DEFAULT_CALENDAR_ID } from '../calendar/data/vietnam.ts';
import { planProcedure } from '../calendar/plan.ts';

export interface DryRunOptions {
  readonly processId?: string;
  /** Initial case variables. */
  readonly variables?: CaseData;
  /** Outcome per element id: one for every visit, or one per visit in order (the last repeats). */
  readonly outcomes?: Readonly<Record<string, string | readonly string[]>>;
  /** Receipt instant (ISO); with it the appointment is computed by the working calendar. */
  readonly receivedAt?: string;
  readonly channel?: Channel;
  /** Further files whose processes call activities may call. */
  readonly extraDefinitions?: readonly DefinitionsModel[];
  /** Events delivered before giving up as a loop; default 1000. */
  readonly maxSteps?: number;
}

export interface DryRunResult {
  /** True when the case reached an end event. */
  readonly completed: boolean;
  readonly endEvent?: string;
  /** The BPMN error code when the run ended at an error end event. */
  readonly errorCode?: string;
  /** Element ids entered, in order. */
  readonly path: readonly string[];
  /** Ngày hẹn trả (ISO) when `receivedAt` was given. */
  readonly appointment?: string;
  /** Active elements where the run stopped without an end. */
  readonly marking?: readonly string[];
  readonly data?: CaseData;
  readonly diagnostics: readonly Diagnostic[];
}

/** The step function takes `now` for its callers' records only; a dry-run has no clock. */
const NOW = '1970-01-01T00:00:00Z';

/**
 * @example dryRun(definitions, { outcomes: { Task_Check: 'return' } }).endEvent // 'End_Returned'
 */
export function dryRun(definitions: DefinitionsModel, options: DryRunOptions = {}): DryRunResult {
  return run(definitions, options, 0);
}

function run(definitions: DefinitionsModel, options: DryRunOptions, depth: number): DryRunResult {
  const diagnostics: Diagnostic[] = [];
  const { compiled, diagnostics: compileDiagnostics } = compileProcess(definitions, options.processId);
  diagnostics.push(...compileDiagnostics);
  if (!compiled) {
    diagnostics.push(...checkSoundness(definitions, options.processId ? { processId: options.processId } : {}));
    return { completed: false, path: [], diagnostics };
  }
  const process = selectProcess(definitions, options.processId)!;
  let appointment: string | undefined;
  if (options.receivedAt) {
    try {
      const spec = BUILTIN_CALENDARS[process.procedure.calendar ?? DEFAULT_CALENDAR_ID] ?? BUILTIN_CALENDARS[DEFAULT_CALENDAR_ID]!;
      const plan = planProcedure(process, options.receivedAt, createCalendar(spec), { ...(options.channel ? { channel: options.channel } : {}) });
      appointment = plan.appointment.toISO() ?? undefined;
    } catch (error) {
      diagnostics.push({ code: 'DRY_RUN_CALENDAR', severity: 'warning', message: `No appointment: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  const path: string[] = [];
  const visits = new Map<string, number>();
  const maxSteps = options.maxSteps ?? 1000;
  let result: StepResult;
  const stop = (code: string, message: string, marking: readonly string[]): DryRunResult => {
    diagnostics.push({ code, severity: 'error', message, processId: compiled.processId, path: [...path] });
    diagnostics.push(...checkSoundness(compiled.model));
    return { completed: false, path, marking, diagnostics, ...(appointment ? { appointment } : {}) };
  };
  try {
    result = startCase(compiled, { data: options.variables ?? {}, now: NOW });
  } catch (error) {
    return stop('DRY_RUN_STUCK', `The case cannot start: ${error instanceof Error ? error.message : String(error)}`, []);
  }
  path.push(...(result.path ?? []));
  for (let step = 0; step < maxSteps; step++) {
    if (result.ended) {
      const errorCode = result.effects.find((e) => e.type === 'caseEnded' && e.errorCode !== undefined);
      return {
        completed: true, endEvent: result.ended.endEventId, path, data: result.data, diagnostics,
        ...(errorCode?.type === 'caseEnded' && errorCode.errorCode !== undefined ? { errorCode: errorCode.errorCode } : {}),
        ...(appointment ? { appointment } : {}),
      };
    }
    const event = nextEvent(result, compiled.processId, definitions, options, depth, visits, diagnostics);
    if (!event) {
      const marking = markingOf(result);
      return stop('DRY_RUN_STUCK', `Nothing can move: the case waits at ${marking.join(', ') || 'nothing'} with no step, timer or message to deliver. Check the joins and event definitions there.`, marking);
    }
    try {
      result = advanceCase(compiled, result.snapshot, event, NOW);
    } catch (error) {
      if (!isEngineError(error)) throw error;
      return stop('DRY_RUN_STUCK', `The case is stuck at ${result.active.join(', ')}: ${error.message}`, result.active);
    }
    path.push(...(result.path ?? []));
  }
  return stop('DRY_RUN_LOOP', `No end after ${maxSteps} events: the case loops through ${[...new Set(path.slice(-20))].join(', ')}. Choose other outcomes with --outcomes or check the loop's exit condition.`, result.active);
}

/** Active elements plus the joins where tokens wait (token bookkeeping keeps those in context). */
function markingOf(result: StepResult): string[] {
  const context = (result.snapshot.machine as { context?: { tokens?: Record<string, Record<string, number>> } }).context;
  const joins = Object.entries(context?.tokens ?? {}).filter(([, counts]) => Object.values(counts).some((n) => n > 0)).map(([id]) => id);
  return [...result.active, ...joins];
}

function nextEvent(
  result: StepResult, processId: string, definitions: DefinitionsModel, options: DryRunOptions, depth: number,
  visits: Map<string, number>, diagnostics: Diagnostic[],
): EngineEvent | undefined {
  const step = result.openSteps[0];
  if (step) {
    const visit = visits.get(step.elementId) ?? 0;
    visits.set(step.elementId, visit + 1);
    const given = options.outcomes?.[step.elementId];
    const choice = typeof given === 'string' ? given : given && given.length > 0 ? given[Math.min(visit, given.length - 1)] : step.outcomes[0];
    return { type: 'COMPLETE', stepKey: step.stepKey, ...(step.outcomes.length > 0 && choice !== undefined ? { outcome: choice } : {}) };
  }
  const effectsPending = result.waiting ?? { services: [], children: [], timers: [], messages: [] };
  const service = effectsPending.services[0];
  if (service) {
    if (!service.handler) {
      diagnostics.push({ code: 'DRY_RUN_NO_HANDLER', severity: 'warning', message: `"${service.elementId}" names no handler; the dry-run completes it at once. Set qt:handler to a registered handler.`, elementId: service.elementId, processId });
    }
    return { type: 'SERVICE_DONE', stepKey: service.stepKey };
  }
  const child = effectsPending.children[0];
  if (child) {
    const all = [definitions, ...(options.extraDefinitions ?? [])];
    const owner = all.find((d) => d.processes.some((p) => p.id === child.calledElement));
    if (!owner || depth >= 8) {
      diagnostics.push({ code: 'CALLED_PROCESS_NOT_FOUND', severity: 'error', message: `Call activity "${child.elementId}" calls "${child.calledElement}", which is in none of the given files${depth >= 8 ? ' (or calls nest too deep)' : ''}. Pass its file with --with.`, elementId: child.elementId, processId });
      return undefined;
    }
    const childRun = run(owner, { ...options, processId: child.calledElement, variables: result.data, receivedAt: undefined }, depth + 1);
    for (const d of childRun.diagnostics) diagnostics.push(d);
    if (!childRun.completed || !childRun.endEvent) return undefined;
    return { type: 'CHILD_ENDED', stepKey: child.stepKey, endEventId: childRun.endEvent, ...(childRun.data ? { data: childRun.data } : {}), ...(childRun.errorCode !== undefined ? { errorCode: childRun.errorCode } : {}) };
  }
  const timer = effectsPending.timers[0];
  if (timer) return { type: 'TIMER', timerKey: timer.timerKey };
  const message = effectsPending.messages[0];
  if (message) {
    diagnostics.push({ code: 'DRY_RUN_MESSAGE', severity: 'info', message: `Message "${message.name}" delivered because nothing else could move.`, elementId: message.elementId, processId });
    return { type: 'MESSAGE', name: message.name };
  }
  return undefined;
}

/**
 * The pure step function: (compiled process, persisted snapshot, event, now) → new snapshot and
 * effects as data. Built on XState v5's pure `initialTransition` / `transition`; nothing here
 * executes an effect. Effects are the difference between what the case waited for before and after
 * the event (open steps, timers, messages, services, child cases) plus what happened on the way
 * (elements passed, messages and escalations thrown, the end).
 */
import { createActor, initialTransition, transition } from 'xstate';
import type { AnyMachineSnapshot, AnyStateMachine, StateValue } from 'xstate';
import { EngineError, InvalidTransitionError } from '../errors.ts';
import type { CompiledProcess, ElementInfo } from '../compile/types.ts';
import type { CaseContext, MachineEvent } from '../compile/implementations.ts';
import type { TimerSpec } from '../bpmn/model.ts';
import type { CaseData, Effect, EngineEvent, OpenStep, PersistedCase, StepResult } from './types.ts';

/**
 * XState's persisted snapshot fields the engine needs to restore a case, plus how many times each
 * waiting element was entered (step keys `id@n` on later visits). Visits are counted here from
 * the reported `enter` actions rather than by an assign on every entry, which XState makes costly.
 */
interface MachineState {
  readonly status: 'active' | 'done' | 'error' | 'stopped';
  readonly value: StateValue;
  readonly context: CaseContext;
  readonly visits: Readonly<Record<string, number>>;
}

type XStateSnapshot = { readonly status: MachineState['status']; readonly value: StateValue; readonly context: CaseContext };

type Scope = { actionExecutor: (action: ExecutedAction) => void };
const scopes = new WeakMap<AnyStateMachine, { scope: Scope; sink: ExecutedAction[] } | null>();

/**
 * XState's pure `transition()` builds a throw-away actor per call, and building it runs the
 * machine's whole initial transition: most of a step's cost. Our machines spawn no actors, so one
 * inert actor scope per machine is reused, with the actions collected instead of executed — what
 * `transition()` does. Falls back to `transition()` if XState ever stops exposing the scope.
 */
function pureTransition(machine: AnyStateMachine, snapshot: AnyMachineSnapshot, event: MachineEvent): [AnyMachineSnapshot, ExecutedAction[]] {
  let cached = scopes.get(machine);
  if (cached === undefined) {
    const scope = (createActor(machine) as unknown as { _actorScope?: Scope })._actorScope;
    cached = scope ? { scope, sink: [] } : null;
    scopes.set(machine, cached);
  }
  if (!cached) return transition(machine, snapshot, event as never) as unknown as [AnyMachineSnapshot, ExecutedAction[]];
  const sink: ExecutedAction[] = [];
  cached.scope.actionExecutor = (action) => { sink.push(action); };
  const next = machine.transition(snapshot, event as never, cached.scope as never) as AnyMachineSnapshot;
  return [next, sink];
}

/** Counts the waiting elements entered during one step. */
function countVisits(compiled: CompiledProcess, previous: Readonly<Record<string, number>>, actions: readonly ExecutedAction[]): Readonly<Record<string, number>> {
  let visits: Record<string, number> | undefined;
  for (const action of actions) {
    if (action.type !== 'enter') continue;
    const id = (action.params as { id: string }).id;
    if (compiled.elements[id]?.wait === 'none') continue;
    visits ??= { ...previous };
    visits[id] = (visits[id] ?? 0) + 1;
  }
  return visits ?? previous;
}

interface Pending { readonly stepKey: string; readonly elementId: string; readonly kind: string; readonly handler?: string; readonly calledElement?: string; readonly item?: unknown; readonly variable?: string }
interface Timer { readonly timerKey: string; readonly elementId: string; readonly timer: TimerSpec }
interface Awaited { readonly name: string; readonly elementId: string; readonly stopsClock: boolean }

/** What a case waits for in one state: derived from the state value and context only. */
export interface Obligations {
  readonly active: string[];
  readonly steps: Map<string, OpenStep>;
  readonly services: Map<string, Pending>;
  readonly children: Map<string, Pending>;
  readonly timers: Map<string, Timer>;
  readonly messages: Map<string, Awaited>;
  /** Leaves that are gateways or events the token could not pass (no condition held). */
  readonly stuck: string[];
}

/**
 * Starts a case: enters the start event and runs until the case waits.
 * @example const { snapshot, openSteps } = startCase(compiled, { data: {}, now: '2026-03-02T09:00:00+07:00' });
 */
export function startCase(compiled: CompiledProcess, options: { data?: CaseData; now: string }): StepResult {
  const [snapshot, actions] = initialTransition(compiled.machine, { data: options.data ?? {} });
  const xs = snapshot as unknown as XStateSnapshot;
  const state: MachineState = { status: xs.status, value: xs.value, context: xs.context, visits: countVisits(compiled, {}, actions) };
  const after = deriveObligations(compiled, state);
  assertNotStuck(after);
  return buildResult(compiled, emptyObligations(), after, state, actions, undefined);
}

/**
 * Delivers one event to a case. Throws InvalidTransitionError when the case cannot take it
 * (the persisted state is then unchanged), EngineError DEFINITION_MISMATCH when the snapshot was
 * made by another definition. `now` is the instant of the event; deadlines are computed by the
 * caller's calendar from the effects.
 * @example const next = advanceCase(compiled, stored, { type: 'COMPLETE', stepKey: 'Task_Review', outcome: 'approve' }, now);
 */
export function advanceCase(compiled: CompiledProcess, persisted: PersistedCase, event: EngineEvent, now: string): StepResult {
  if (persisted.definitionHash !== compiled.hash) {
    throw new EngineError('DEFINITION_MISMATCH', `This case runs on definition ${persisted.definitionHash.slice(0, 12)}…, not ${compiled.hash.slice(0, 12)}…. Load the version the case was started on.`);
  }
  const stored = persisted.machine as MachineState;
  const before = deriveObligations(compiled, stored);
  if (stored.status !== 'active') throw new InvalidTransitionError('', describe(event), []);
  const machineEvent = translate(before, event);
  const snapshot = compiled.machine.resolveState({ value: stored.value, context: stored.context } as never) as AnyMachineSnapshot;
  const [next, actions] = pureTransition(compiled.machine, snapshot, machineEvent);
  const xs = next as unknown as XStateSnapshot;
  const state: MachineState = { status: xs.status, value: xs.value, context: xs.context, visits: countVisits(compiled, stored.visits ?? {}, actions) };
  if (state.value === snapshot.value && state.context === snapshot.context) {
    throw new InvalidTransitionError('', describe(event), before.active);
  }
  const after = deriveObligations(compiled, state);
  assertNotStuck(after);
  return buildResult(compiled, before, after, state, actions, event);
}

function describe(event: EngineEvent): string {
  switch (event.type) {
    case 'COMPLETE': return `COMPLETE ${event.stepKey}${event.outcome !== undefined ? ` with outcome "${event.outcome}"` : ''}`;
    case 'TIMER': return `TIMER ${event.timerKey}`;
    case 'MESSAGE': return `MESSAGE ${event.name}`;
    case 'CHILD_ENDED': return `CHILD_ENDED ${event.stepKey}`;
    case 'SERVICE_DONE': return `SERVICE_DONE ${event.stepKey}`;
  }
}

/** Engine event → machine event addressed to the element that takes it; refuses what the case does not wait for. */
function translate(before: Obligations, event: EngineEvent): MachineEvent {
  const refuse = (): never => { throw new InvalidTransitionError('', describe(event), before.active); };
  switch (event.type) {
    case 'COMPLETE': {
      const step = before.steps.get(event.stepKey) ?? refuse();
      if (step.outcomes.length > 0 ? event.outcome === undefined || !step.outcomes.includes(event.outcome) : event.outcome !== undefined) {
        throw new InvalidTransitionError('', `${describe(event)} (step "${step.elementId}" offers ${step.outcomes.length ? step.outcomes.map((o) => `"${o}"`).join(', ') : 'no outcomes'})`, before.active);
      }
      return { type: `COMPLETE.${step.elementId}`, stepKey: event.stepKey, ...(event.outcome !== undefined ? { outcome: event.outcome } : {}), ...(event.data ? { data: event.data } : {}) };
    }
    case 'TIMER': {
      const timer = before.timers.get(event.timerKey) ?? refuse();
      return { type: `TIMER.${timer.elementId}`, to: [timer.elementId] };
    }
    case 'MESSAGE': {
      const to = [...before.messages.values()].filter((m) => m.name === event.name).map((m) => m.elementId);
      if (to.length === 0) refuse();
      return { type: `MESSAGE.${event.name}`, to, ...(event.data ? { data: event.data } : {}) };
    }
    case 'CHILD_ENDED': {
      const child = before.children.get(event.stepKey) ?? refuse();
      return { type: `DONE.${child.elementId}`, stepKey: event.stepKey, ...(event.data ? { data: event.data } : {}), ...(event.errorCode !== undefined ? { errorCode: event.errorCode } : {}) };
    }
    case 'SERVICE_DONE': {
      const service = before.services.get(event.stepKey) ?? refuse();
      return { type: `DONE.${service.elementId}`, stepKey: event.stepKey, ...(event.data ? { data: event.data } : {}), ...(event.errorCode !== undefined ? { errorCode: event.errorCode } : {}) };
    }
  }
}

function assertNotStuck(after: Obligations): void {
  if (after.stuck.length > 0) {
    throw new EngineError('INVALID_TRANSITION', `No outgoing flow of "${after.stuck.join('", "')}" can be taken with this case data. Check the gateway conditions or give the gateway a default flow.`);
  }
}

function emptyObligations(): Obligations {
  return { active: [], steps: new Map(), services: new Map(), children: new Map(), timers: new Map(), messages: new Map(), stuck: [] };
}

const PASS_THROUGH_KINDS = new Set(['StartEvent', 'ExclusiveGateway', 'BoundaryEvent', 'IntermediateThrowEvent', 'IntermediateCatchEvent', 'ReceiveTask']);

/**
 * Reads what the case waits for from its state value and context.
 * @example deriveObligations(compiled, snapshot.machine).steps.keys() // e.g. 'Task_Review@2'
 */
export function deriveObligations(compiled: CompiledProcess, state: MachineState): Obligations {
  const result = emptyObligations();
  if (state.status !== 'active') return result;
  const elements = compiled.elements;
  const listening: ElementInfo[] = [];
  const activeSet = new Set<string>();
  const idle = new Set<string>();
  const visit = (value: StateValue): void => {
    if (typeof value === 'string') {
      const info = elements[value];
      if (!info) return;
      if (info.wait !== 'none') {
        if (!activeSet.has(value)) { result.active.push(value); activeSet.add(value); listening.push(info); }
      }
      else if (PASS_THROUGH_KINDS.has(info.kind)) result.stuck.push(value);
      return;
    }
    for (const key in value) {
      const child = value[key]!;
      const info = elements[key];
      // A compound element (sub-process) is active; a token region named by its element is not by
      // itself (its value is `__idle` or the element's own state).
      const tokenRegion = child === '__idle' || child === key || (typeof child === 'object' && key in child);
      if (info && info.wait !== 'none' && !tokenRegion && !activeSet.has(key)) { result.active.push(key); activeSet.add(key); listening.push(info); }
      if (child === '__idle') idle.add(key);
      visit(child);
    }
  };
  visit(state.value);
  const root = elements[compiled.processId];
  if (root) listening.push(root);
  const visits = state.visits;
  for (const info of listening) {
    const visitCount = visits[info.id] ?? 1;
    const baseKey = visitCount > 1 ? `${info.id}@${visitCount}` : info.id;
    if (info.wait === 'step' || info.wait === 'service' || info.wait === 'child') {
      // Multi-instance activities wait once per unfinished instance (`id#i`, 1-based).
      const mi = info.multiInstance ? state.context.mi[info.id] : undefined;
      const instances: { key: string; item?: unknown; hasItem: boolean }[] = [];
      if (mi) {
        const indexes = info.multiInstance!.sequential
          ? (mi.done.length < mi.items.length ? [mi.done.length] : [])
          : mi.items.map((_, i) => i).filter((i) => !mi.done.includes(i));
        for (const i of indexes) instances.push({ key: `${baseKey}#${i + 1}`, item: mi.items[i], hasItem: true });
      } else {
        instances.push({ key: baseKey, hasItem: false });
      }
      for (const instance of instances) {
        if (info.wait === 'step') {
          result.steps.set(instance.key, openStep(info, instance.key, instance.item, instance.hasItem));
        } else {
          const pending: Pending = {
            stepKey: instance.key, elementId: info.id, kind: info.kind,
            ...(info.handler ? { handler: info.handler } : {}), ...(info.calledElement ? { calledElement: info.calledElement } : {}),
            ...(instance.hasItem ? { item: instance.item, variable: info.multiInstance?.elementVariable } : {}),
          };
          (info.wait === 'service' ? result.services : result.children).set(instance.key, pending);
        }
      }
    }
    for (const listener of info.listeners) {
      if (listener.idleRegion && !idle.has(listener.idleRegion)) continue;
      if (listener.disabledWhileActive && activeSet.has(listener.disabledWhileActive)) continue;
      if (listener.timer) {
        const timerKey = visitCount > 1 ? `${listener.elementId}@${visitCount}` : listener.elementId;
        result.timers.set(timerKey, { timerKey, elementId: listener.elementId, timer: listener.timer });
      } else if (listener.messageName !== undefined) {
        result.messages.set(`${listener.messageName}|${listener.elementId}`, { name: listener.messageName, elementId: listener.elementId, stopsClock: listener.stopsClock });
      }
    }
  }
  return result;
}

function openStep(info: ElementInfo, stepKey: string, item: unknown, withItem: boolean): OpenStep {
  return {
    stepKey,
    elementId: info.id,
    ...(info.name ? { name: info.name } : {}),
    kind: info.kind,
    ...(info.role ? { role: info.role } : {}),
    ...(info.unit ? { unit: info.unit } : {}),
    ...(info.norm ? { norm: info.norm } : {}),
    outcomes: info.outcomes,
    outsideClock: info.outsideClock,
    ...(withItem ? { item } : {}),
  };
}

type ExecutedAction = { readonly type: string; readonly params?: unknown };

function buildResult(
  compiled: CompiledProcess, before: Obligations, after: Obligations, state: MachineState, actions: readonly ExecutedAction[], event: EngineEvent | undefined,
): StepResult {
  const effects: Effect[] = [];
  const path: string[] = [];
  const completedKey = event?.type === 'COMPLETE' ? event.stepKey : undefined;
  for (const [key, step] of before.steps) {
    if (!after.steps.has(key)) {
      effects.push(key === completedKey
        ? { type: 'stepClosed', stepKey: key, elementId: step.elementId, ...(event?.type === 'COMPLETE' && event.outcome !== undefined ? { outcome: event.outcome } : {}), reason: 'completed' }
        : { type: 'stepClosed', stepKey: key, elementId: step.elementId, reason: 'cancelled' });
    }
  }
  for (const action of actions) {
    const params = action.params as { id: string; kind?: string; name?: string } | undefined;
    if (!params) continue;
    if (action.type === 'enter') {
      path.push(params.id);
      const info = compiled.elements[params.id];
      if (info && info.wait === 'none') effects.push({ type: 'elementPassed', elementId: params.id, kind: info.kind });
    } else if (action.type === 'thrown') {
      effects.push(params.kind === 'message'
        ? { type: 'messageThrown', elementId: params.id, ...(params.name !== undefined ? { name: params.name } : {}) }
        : { type: 'escalationThrown', elementId: params.id, ...(params.name !== undefined ? { code: params.name } : {}) });
    }
  }
  const firedTimer = event?.type === 'TIMER' ? event.timerKey : undefined;
  for (const [key, timer] of before.timers) {
    if (!after.timers.has(key) && key !== firedTimer) effects.push({ type: 'timerCancelled', timerKey: key, elementId: timer.elementId });
  }
  for (const [key, message] of before.messages) {
    if (!after.messages.has(key)) effects.push({ type: 'messageNoLongerAwaited', ...message });
  }
  for (const [key, step] of after.steps) if (!before.steps.has(key)) effects.push({ type: 'stepOpened', step });
  for (const [key, service] of after.services) {
    if (!before.services.has(key)) effects.push({ type: 'serviceRequested', stepKey: key, elementId: service.elementId, kind: service.kind, ...(service.handler ? { handler: service.handler } : {}) });
  }
  for (const [key, child] of after.children) {
    if (!before.children.has(key)) {
      // A multi-instance child case gets its item under the element variable (e.g. the unit to consult).
      const data = child.variable !== undefined ? { ...state.context.data, [child.variable]: child.item } : state.context.data;
      effects.push({ type: 'childCaseRequested', stepKey: key, elementId: child.elementId, calledElement: child.calledElement ?? '', data });
    }
  }
  for (const [key, timer] of after.timers) if (!before.timers.has(key)) effects.push({ type: 'timerScheduled', ...timer });
  for (const [key, message] of after.messages) if (!before.messages.has(key)) effects.push({ type: 'messageAwaited', ...message });
  let ended: StepResult['ended'];
  if (state.status === 'done') {
    const at = state.context.endedAt;
    // A scope may end without an end event (an element with no outgoing flow): the process id stands in.
    ended = { endEventId: at?.id ?? compiled.processId, result: at?.result ?? 'completed' };
    const caseStatus = compiled.elements[ended.endEventId]?.caseStatus;
    effects.push({ type: 'caseEnded', endEventId: ended.endEventId, result: ended.result, ...(at?.errorCode !== undefined ? { errorCode: at.errorCode } : {}), ...(caseStatus ? { caseStatus } : {}) });
  }
  const machine: MachineState = { status: state.status, value: state.value, context: state.context, visits: state.visits };
  return {
    snapshot: { definitionHash: compiled.hash, machine },
    effects,
    active: after.active,
    openSteps: [...after.steps.values()],
    data: state.context.data,
    waiting: {
      services: [...after.services.values()].map((v) => ({ stepKey: v.stepKey, elementId: v.elementId, kind: v.kind, ...(v.handler ? { handler: v.handler } : {}) })),
      children: [...after.children.values()].map((c) => ({ stepKey: c.stepKey, elementId: c.elementId, calledElement: c.calledElement ?? '' })),
      timers: [...after.timers.values()],
      messages: [...after.messages.values()],
    },
    ...(ended ? { ended } : {}),
    path,
  };
}

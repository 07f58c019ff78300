import { describe, it, expect } from 'vitest';
import { compileProcess, loadCompiled } from '../../../engine/compile/compile.ts';
import { advanceCase, startCase } from '../../../engine/runtime/step.ts';
import { isEngineError, InvalidTransitionError } from '../../../engine/errors.ts';
import type { CompiledProcess } from '../../../engine/compile/types.ts';
import type { EngineEvent, StepResult } from '../../../engine/runtime/types.ts';
import { definitions, start, user, end, xor, and, boundary, timer, message, messageCatch, inLanes } from '../compile/ir.ts';

const NOW = '2026-03-02T09:00:00+07:00';

function compile(defs: Parameters<typeof compileProcess>[0]): CompiledProcess {
  const { compiled, diagnostics } = compileProcess(defs);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return compiled!;
}

const roundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const review = () => compile(definitions(
  [start('S'), inLanes(user('Receive', { norm: { amount: 4, unit: 'workingHours' } }), ['Lane_Desk']), user('Review', { outcomes: ['approve', 'return'] }), xor('G', 'Receive'), end('E')],
  [['S', 'Receive'], ['Receive', 'Review'], ['Review', 'G'], ['G', 'E', 'outcome = "approve"'], ['G', 'Receive']],
  { lanes: [{ id: 'Lane_Desk', name: 'Bộ phận một cửa', role: 'officer', unit: 'UBND-XA', childLaneIds: [] }] },
));

describe('startCase', () => {
  it('should open the first step with its owner from the lane and its norm', () => {
    const result = startCase(review(), { data: { applicant: 'Nguyễn Văn A' }, now: NOW });
    expect(result.active).toEqual(['Receive']);
    expect(result.openSteps).toEqual([
      { stepKey: 'Receive', elementId: 'Receive', kind: 'UserTask', role: 'officer', unit: 'UBND-XA', norm: { amount: 4, unit: 'workingHours' }, outcomes: [], outsideClock: false },
    ]);
    expect(result.effects.map((e) => e.type)).toEqual(['elementPassed', 'stepOpened']);
    expect(result.data).toEqual({ applicant: 'Nguyễn Văn A' });
    expect((result.snapshot.machine as { value: unknown }).value).toBe('Receive');
  });
});

describe('advanceCase', () => {
  it('should set outcome and outcomes.<element> and merge completion data for the next gateway', () => {
    const compiled = review();
    let state = startCase(compiled, { data: {}, now: NOW });
    state = advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: 'Receive', data: { pages: 3 } }, NOW);
    state = advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: 'Review', outcome: 'approve' }, NOW);
    expect(state.data).toEqual({ pages: 3, outcome: 'approve', outcomes: { Review: 'approve' } });
    expect(state.ended).toEqual({ endEventId: 'E', result: 'completed' });
    expect(state.effects).toContainEqual({ type: 'stepClosed', stepKey: 'Review', elementId: 'Review', outcome: 'approve', reason: 'completed' });
    expect(state.effects).toContainEqual({ type: 'caseEnded', endEventId: 'E', result: 'completed' });
  });

  it('should give a repeated visit its own step key', () => {
    const compiled = review();
    let state = startCase(compiled, { data: {}, now: NOW });
    state = advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: 'Receive' }, NOW);
    state = advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: 'Review', outcome: 'return' }, NOW);
    expect(state.openSteps.map((s) => s.stepKey)).toEqual(['Receive@2']);
    expect(state.path).toEqual(['G', 'Receive']);
  });

  it('should restore a JSON-serialised snapshot into the same state and continue (process restart)', () => {
    const compiled = review();
    const events: EngineEvent[] = [
      { type: 'COMPLETE', stepKey: 'Receive' },
      { type: 'COMPLETE', stepKey: 'Review', outcome: 'return' },
      { type: 'COMPLETE', stepKey: 'Receive@2' },
      { type: 'COMPLETE', stepKey: 'Review@2', outcome: 'approve' },
    ];
    let inMemory: StepResult = startCase(compiled, { data: {}, now: NOW });
    let restarted: StepResult = startCase(compiled, { data: {}, now: NOW });
    for (const event of events) {
      inMemory = advanceCase(compiled, inMemory.snapshot, event, NOW);
      // Simulate a restart: the snapshot only survives as JSON text, the compiled process is rebuilt.
      const recompiled = review();
      const stored = JSON.stringify(restarted.snapshot);
      restarted = advanceCase(recompiled, JSON.parse(stored), event, NOW);
      expect(restarted.active).toEqual(inMemory.active);
      expect(roundTrip(restarted.snapshot)).toEqual(roundTrip(inMemory.snapshot));
      expect(restarted.effects).toEqual(inMemory.effects);
    }
    expect(restarted.ended?.endEventId).toBe('E');
  });

  it('should refuse completing a step that is not open and leave the snapshot unchanged', () => {
    const compiled = review();
    const state = startCase(compiled, { data: {}, now: NOW });
    const before = JSON.stringify(state.snapshot);
    expect(() => advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: 'Review', outcome: 'approve' }, NOW)).toThrow(InvalidTransitionError);
    expect(JSON.stringify(state.snapshot)).toBe(before);
  });

  it('should refuse an outcome the step does not offer', () => {
    const compiled = review();
    let state = startCase(compiled, { data: {}, now: NOW });
    state = advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: 'Receive' }, NOW);
    const attempt = () => advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: 'Review', outcome: 'refuse' }, NOW);
    expect(attempt).toThrow(/offers "approve", "return"/);
    expect(() => advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: 'Review' }, NOW)).toThrow(InvalidTransitionError);
  });

  it('should refuse a snapshot made by another definition', () => {
    const compiled = review();
    const other = compile(definitions([start('S'), user('X'), end('E')], [['S', 'X'], ['X', 'E']]));
    const state = startCase(compiled, { data: {}, now: NOW });
    try {
      advanceCase(other, state.snapshot, { type: 'COMPLETE', stepKey: 'Receive' }, NOW);
      expect.unreachable();
    } catch (error) {
      expect(isEngineError(error) && error.code).toBe('DEFINITION_MISMATCH');
    }
  });

  it('should refuse data that leaves an exclusive gateway without a flow, state unchanged', () => {
    const compiled = compile(definitions([start('S'), user('A'), xor('G'), end('E1'), end('E2')],
      [['S', 'A'], ['A', 'G'], ['G', 'E1', 'n > 5'], ['G', 'E2', 'n <= 5']]));
    const state = startCase(compiled, { data: {}, now: NOW });
    expect(() => advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: 'A' }, NOW)).toThrow(/No outgoing flow of "G"/);
    const next = advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: 'A', data: { n: 7 } }, NOW);
    expect(next.ended?.endEventId).toBe('E1');
  });

  it('should schedule boundary timers with the step and cancel them when it completes', () => {
    const compiled = compile(definitions(
      [start('S'), user('A'), boundary('T', 'A', timer('PT8H')), user('Late'), end('E'), end('E2')],
      [['S', 'A'], ['A', 'E'], ['T', 'Late'], ['Late', 'E2']]));
    const started = startCase(compiled, { data: {}, now: NOW });
    expect(started.effects).toContainEqual({ type: 'timerScheduled', timerKey: 'T', elementId: 'T', timer: { kind: 'duration', expression: 'PT8H' } });
    const done = advanceCase(compiled, started.snapshot, { type: 'COMPLETE', stepKey: 'A' }, NOW);
    expect(done.effects).toContainEqual({ type: 'timerCancelled', timerKey: 'T', elementId: 'T' });
    const fired = advanceCase(compiled, started.snapshot, { type: 'TIMER', timerKey: 'T' }, NOW);
    expect(fired.effects).toContainEqual({ type: 'stepClosed', stepKey: 'A', elementId: 'A', reason: 'cancelled' });
    expect(fired.effects.some((e) => e.type === 'timerCancelled')).toBe(false);
    expect(fired.active).toEqual(['Late']);
    expect(() => advanceCase(compiled, fired.snapshot, { type: 'TIMER', timerKey: 'T' }, NOW)).toThrow(InvalidTransitionError);
  });

  it('should report awaited messages with the clock flag and their end', () => {
    const compiled = compile(definitions([start('S'), messageCatch('W', 'supplement', true), user('A'), end('E')], [['S', 'W'], ['W', 'A'], ['A', 'E']]));
    const started = startCase(compiled, { data: {}, now: NOW });
    expect(started.effects).toContainEqual({ type: 'messageAwaited', name: 'supplement', elementId: 'W', stopsClock: true });
    const next = advanceCase(compiled, started.snapshot, { type: 'MESSAGE', name: 'supplement', data: { pages: 2 } }, NOW);
    expect(next.effects).toContainEqual({ type: 'messageNoLongerAwaited', name: 'supplement', elementId: 'W', stopsClock: true });
    expect(next.data).toEqual({ pages: 2 });
    expect(next.active).toEqual(['A']);
  });

  it('should cancel both boundary listeners and the step when an interrupting message arrives', () => {
    const compiled = compile(definitions(
      [start('S'), user('A'), boundary('M', 'A', message('withdraw')), boundary('T', 'A', timer()), end('E'), end('W')],
      [['S', 'A'], ['A', 'E'], ['M', 'W'], ['T', 'E']]));
    const started = startCase(compiled, { data: {}, now: NOW });
    const next = advanceCase(compiled, started.snapshot, { type: 'MESSAGE', name: 'withdraw' }, NOW);
    expect(next.ended?.endEventId).toBe('W');
    expect(next.effects.map((e) => e.type)).toEqual(['stepClosed', 'elementPassed', 'elementPassed', 'timerCancelled', 'messageNoLongerAwaited', 'caseEnded']);
  });

  it('should keep the state value shaped like the diagram for parallel branches', () => {
    const compiled = compile(definitions([start('S'), and('Split'), user('A'), user('B'), and('Join'), end('E')],
      [['S', 'Split'], ['Split', 'A'], ['Split', 'B'], ['A', 'Join'], ['B', 'Join'], ['Join', 'E']]));
    const started = startCase(compiled, { data: {}, now: NOW });
    expect((started.snapshot.machine as { value: unknown }).value).toEqual({ Split: { F_Split_A: 'A', F_Split_B: 'B' } });
    const next = advanceCase(compiled, started.snapshot, { type: 'COMPLETE', stepKey: 'A' }, NOW);
    expect((next.snapshot.machine as { value: unknown }).value).toEqual({ Split: { F_Split_A: 'Join', F_Split_B: 'B' } });
  });
});

describe('loadCompiled', () => {
  it('should rebuild a stored compiled process that continues a case started on it', () => {
    const compiled = review();
    const { machine: _machine, ...stored } = compiled;
    const loaded = loadCompiled(JSON.parse(JSON.stringify(stored)));
    expect(loaded.hash).toBe(compiled.hash);
    const started = startCase(compiled, { data: {}, now: NOW });
    const next = advanceCase(loaded, JSON.parse(JSON.stringify(started.snapshot)), { type: 'COMPLETE', stepKey: 'Receive' }, NOW);
    expect(next.active).toEqual(['Review']);
  });
});

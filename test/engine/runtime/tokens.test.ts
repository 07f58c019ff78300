/**
 * Token bookkeeping: scopes whose splits and joins are not block-structured run with one region
 * per element and join arrivals counted in context.
 */
import { describe, it, expect } from 'vitest';
import { compileProcess } from '../../../engine/compile/compile.ts';
import { advanceCase, startCase } from '../../../engine/runtime/step.ts';
import { checkSoundness } from '../../../engine/compile/soundness.ts';
import type { CompiledProcess } from '../../../engine/compile/types.ts';
import type { StepResult } from '../../../engine/runtime/types.ts';
import { definitions, start, user, end, and, xor, boundary, timer } from '../compile/ir.ts';

const NOW = '2026-03-02T09:00:00+07:00';

// S splits three ways; A and B meet at J1, then J1 and C meet at J2: sound but not one block.
const nested = definitions(
  [start('S'), and('Split'), user('A'), user('B'), user('C'), and('J1'), and('J2'), user('After'), end('E')],
  [['S', 'Split'], ['Split', 'A'], ['Split', 'B'], ['Split', 'C'], ['A', 'J1'], ['B', 'J1'], ['J1', 'J2'], ['C', 'J2'], ['J2', 'After'], ['After', 'E']],
);

function compile(): CompiledProcess {
  const { compiled, diagnostics } = compileProcess(nested);
  expect(diagnostics.map((d) => d.code)).toContain('TOKEN_BOOKKEEPING');
  return compiled!;
}

const complete = (c: CompiledProcess, s: StepResult, key: string) => advanceCase(c, JSON.parse(JSON.stringify(s.snapshot)), { type: 'COMPLETE', stepKey: key }, NOW);

describe('token bookkeeping', () => {
  it('should be sound by the token game', () => {
    expect(checkSoundness(nested).filter((d) => d.severity === 'error')).toEqual([]);
  });

  for (const order of [['A', 'B', 'C'], ['C', 'B', 'A'], ['B', 'C', 'A']]) {
    it(`should wait at both joins until every branch arrives (order ${order.join(', ')})`, () => {
      const compiled = compile();
      let state = startCase(compiled, { data: {}, now: NOW });
      expect([...state.active].sort()).toEqual(['A', 'B', 'C']);
      const left = new Set(order);
      for (const key of order) {
        state = complete(compiled, state, key);
        left.delete(key);
        expect([...state.active].sort()).toEqual(left.size > 0 ? [...left].sort() : ['After']);
      }
      state = complete(compiled, state, 'After');
      expect(state.ended?.endEventId).toBe('E');
    });
  }

  it('should keep element ids in the state value', () => {
    const state = startCase(compile(), { data: {}, now: NOW });
    const value = JSON.stringify((state.snapshot.machine as { value: unknown }).value);
    for (const id of ['A', 'B', 'C']) expect(value).toContain(`"${id}":"${id}"`);
  });

  it('should start a new token for a non-interrupting boundary timer and keep the host', () => {
    const defs = definitions(
      [start('S'), xor('X', 'B'), user('A'), user('B'), and('J'), end('E'), boundary('T', 'A', timer(), false), user('Remind'), end('ER')],
      [['S', 'X'], ['X', 'A', 'go = true'], ['X', 'B'], ['A', 'J'], ['B', 'J'], ['J', 'E'], ['T', 'Remind'], ['Remind', 'ER']],
    );
    const { compiled } = compileProcess(defs);
    let state = startCase(compiled!, { data: { go: true }, now: NOW });
    expect(state.active).toEqual(['A']);
    state = advanceCase(compiled!, state.snapshot, { type: 'TIMER', timerKey: 'T' }, NOW);
    expect([...state.active].sort()).toEqual(['A', 'Remind']);
    state = complete(compiled!, state, 'Remind');
    state = complete(compiled!, state, 'A');
    // The exclusive split sent one token; the parallel join waits for a second that never comes.
    expect(state.ended).toBeUndefined();
    expect(state.active).toEqual([]);
  });
});

describe('token bookkeeping with a boundary path merging into the main flow', () => {
  it('should run the merged step once per token, one after the other, then end', () => {
    const defs = definitions([start('S'), user('A'), boundary('T', 'A', timer(), false), user('Remind'), xor('M'), user('B'), end('E')],
      [['S', 'A'], ['A', 'M'], ['T', 'Remind'], ['Remind', 'M'], ['M', 'B'], ['B', 'E']]);
    const { compiled, diagnostics } = compileProcess(defs);
    expect(diagnostics.map((d) => d.code)).toEqual(['TOKEN_BOOKKEEPING']);
    let state = startCase(compiled!, { data: {}, now: NOW });
    const open: string[][] = [];
    for (const event of [{ type: 'TIMER', timerKey: 'T' }, { type: 'COMPLETE', stepKey: 'Remind' }, { type: 'COMPLETE', stepKey: 'A' }, { type: 'COMPLETE', stepKey: 'B' }, { type: 'COMPLETE', stepKey: 'B@2' }] as const) {
      state = advanceCase(compiled!, JSON.parse(JSON.stringify(state.snapshot)), event, NOW);
      open.push(state.openSteps.map((s) => s.stepKey));
    }
    // The second token waits while B is busy, then B runs again (B@2).
    expect(open).toEqual([['A', 'Remind'], ['A', 'B'], ['B'], ['B@2'], []]);
    expect(state.ended?.endEventId).toBe('E');
  });
});

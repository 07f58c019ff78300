import { describe, it, expect } from 'vitest';
import { checkSoundness } from '../../../engine/compile/soundness.ts';
import { definitions, start, user, end, xor, and, or } from './ir.ts';

describe('checkSoundness', () => {
  it('should find nothing in a sound parallel block', () => {
    const defs = definitions([start('S'), and('Split'), user('A'), user('B'), and('Join'), end('E')],
      [['S', 'Split'], ['Split', 'A'], ['Split', 'B'], ['A', 'Join'], ['B', 'Join'], ['Join', 'E']]);
    expect(checkSoundness(defs)).toEqual([]);
  });

  it('should report a deadlock when an exclusive split is joined by a parallel gateway, with a path', () => {
    const defs = definitions([start('S'), xor('Choice'), user('A'), user('B'), and('Join'), end('E')],
      [['S', 'Choice'], ['Choice', 'A', 'x = 1'], ['Choice', 'B'], ['A', 'Join'], ['B', 'Join'], ['Join', 'E']]);
    const found = checkSoundness(defs);
    const deadlock = found.find((d) => d.code === 'DEADLOCK');
    expect(deadlock?.elementId).toBe('Join');
    expect(deadlock?.path?.[0]).toBe('S');
    expect(deadlock?.path).toContain('Choice');
  });

  it('should report lack of synchronisation when a parallel split is merged by an exclusive gateway', () => {
    const defs = definitions([start('S'), and('Split'), user('A'), user('B'), xor('Merge'), user('C'), end('E')],
      [['S', 'Split'], ['Split', 'A'], ['Split', 'B'], ['A', 'Merge'], ['B', 'Merge'], ['Merge', 'C'], ['C', 'E']]);
    const found = checkSoundness(defs);
    const lack = found.find((d) => d.code === 'LACK_OF_SYNC');
    expect(lack).toBeDefined();
    expect(lack?.path?.slice(0, 2)).toEqual(['S', 'Split']);
    expect(found.some((d) => d.code === 'DEADLOCK')).toBe(false);
  });

  it('should report a livelock for a loop without a way out', () => {
    const defs = definitions([start('S'), user('A'), xor('Again'), user('B'), end('E')],
      [['S', 'A'], ['A', 'Again'], ['Again', 'B'], ['B', 'A']]);
    const found = checkSoundness(defs);
    const livelock = found.find((d) => d.code === 'LIVELOCK');
    expect(livelock).toBeDefined();
    expect(livelock?.path?.[0]).toBe('S');
  });

  it('should accept a loop with an exit', () => {
    const defs = definitions([start('S'), user('A'), xor('Again', 'E'), end('E')],
      [['S', 'A'], ['A', 'Again'], ['Again', 'A', 'outcome = "redo"'], ['Again', 'E']]);
    expect(checkSoundness(defs)).toEqual([]);
  });

  it('should accept an inclusive split closed by an inclusive join', () => {
    const defs = definitions([start('S'), or('Split'), user('A'), user('B'), or('Join'), end('E')],
      [['S', 'Split'], ['Split', 'A', 'a'], ['Split', 'B', 'b'], ['A', 'Join'], ['B', 'Join'], ['Join', 'E']]);
    expect(checkSoundness(defs)).toEqual([]);
  });

  it('should stop by itself on an unbounded diagram and say the result is partial', () => {
    // A loop that spawns a parallel branch each round: the token count per flow is capped, and the bound stops exploration.
    const nodes = [start('S'), and('Split'), user('A'), xor('Back'), end('E')];
    const defs = definitions(nodes, [['S', 'Split'], ['Split', 'A'], ['Split', 'Back'], ['A', 'E'], ['Back', 'Split'], ['Back', 'E']]);
    const started = performance.now();
    const found = checkSoundness(defs, { maxMarkings: 50 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(found.length).toBeGreaterThan(0);
  });
});

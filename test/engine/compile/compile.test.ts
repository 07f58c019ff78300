import { describe, it, expect } from 'vitest';
import { compileProcess, selectProcess } from '../../../engine/compile/compile.ts';
import { evaluateFeel, feelHolds } from '../../../engine/compile/feel.ts';
import { sha256Hex, canonicalJson } from '../../../engine/compile/sha256.ts';
import { evaluate } from 'feelin';
import { definitions, start, user, end, xor, and, or, subProcess, boundary, timer } from './ir.ts';

const linear = (name = 'A') => definitions([start('S'), { ...user('A'), name }, end('E')], [['S', 'A'], ['A', 'E']]);

describe('compileProcess', () => {
  it('should produce a plain JSON config whose states are named by element ids', () => {
    const { compiled } = compileProcess(linear());
    expect(JSON.parse(JSON.stringify(compiled!.config))).toEqual(compiled!.config);
    expect(Object.keys(compiled!.config['states'] as object).sort()).toEqual(['A', 'E', 'S']);
    expect(JSON.stringify(compiled!.config)).not.toMatch(/function|=>/);
  });

  it('should hash deterministically and change the hash with the content', () => {
    const a = compileProcess(linear()).compiled!;
    const b = compileProcess(linear()).compiled!;
    const c = compileProcess(linear('Tiếp nhận')).compiled!;
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
    // Same content → the cached machine is shared.
    expect(b.machine).toBe(a.machine);
    expect(c.machine).not.toBe(a.machine);
  });

  it('should compile a parallel block into a parallel state with one region per flow', () => {
    const { compiled } = compileProcess(definitions([start('S'), and('Split'), user('A'), user('B'), and('Join'), end('E')],
      [['S', 'Split'], ['Split', 'A'], ['Split', 'B'], ['A', 'Join'], ['B', 'Join'], ['Join', 'E']]));
    const split = (compiled!.config['states'] as Record<string, { type?: string; states?: object }>)['Split']!;
    expect(split.type).toBe('parallel');
    expect(Object.keys(split.states!)).toEqual(['F_Split_A', 'F_Split_B']);
  });

  it('should compile an embedded sub-process into a compound state', () => {
    const { compiled } = compileProcess(definitions([start('S'), subProcess('Sub', [start('SS'), user('In'), end('SE')], [['SS', 'In'], ['In', 'SE']]), end('E')],
      [['S', 'Sub'], ['Sub', 'E']]));
    const sub = (compiled!.config['states'] as Record<string, { initial?: string; states?: object }>)['Sub']!;
    expect(sub.initial).toBe('SS');
    expect(Object.keys(sub.states!).sort()).toEqual(['In', 'SE', 'SS']);
  });

  it('should fall back to token bookkeeping for an unstructured join, with a warning', () => {
    const { compiled, diagnostics } = compileProcess(definitions([start('S'), xor('X'), user('A'), user('B'), and('Join'), end('E')],
      [['S', 'X'], ['X', 'A', 'a'], ['X', 'B'], ['A', 'Join'], ['B', 'Join'], ['Join', 'E']]));
    expect(compiled).toBeDefined();
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: 'TOKEN_BOOKKEEPING', severity: 'warning' }));
  });

  it('should refuse a loop of gateways with nothing to wait for', () => {
    const { compiled, diagnostics } = compileProcess(definitions([start('S'), xor('G1'), xor('G2'), end('E')],
      [['S', 'G1'], ['G1', 'G2'], ['G2', 'G1', 'x = 1'], ['G2', 'E']]));
    expect(compiled).toBeUndefined();
    expect(diagnostics.find((d) => d.code === 'EVENTLESS_LOOP')?.path).toEqual(['G1', 'G2', 'G1']);
  });

  it('should accept parallel branches that each end with an end event (no join)', () => {
    const { compiled, diagnostics } = compileProcess(definitions([start('S'), and('Split'), user('A'), user('B'), end('EA'), end('EB')],
      [['S', 'Split'], ['Split', 'A'], ['Split', 'B'], ['A', 'EA'], ['B', 'EB']]));
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(compiled).toBeDefined();
  });

  it('should warn about an inclusive join that closes no inclusive split', () => {
    const { diagnostics } = compileProcess(definitions([start('S'), xor('X', 'B'), user('A'), user('B'), or('Merge'), end('E')],
      [['S', 'X'], ['X', 'A', 'a'], ['X', 'B'], ['A', 'Merge'], ['B', 'Merge'], ['Merge', 'E']]));
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: 'INCLUSIVE_JOIN_AS_MERGE', severity: 'warning' }));
  });

  it('should list timers of boundary events with their host', () => {
    const { compiled } = compileProcess(definitions([start('S'), user('A'), boundary('T', 'A', timer('PT2H')), end('E'), end('E2')],
      [['S', 'A'], ['A', 'E'], ['T', 'E2']]));
    expect(compiled!.elements['A']!.listeners).toEqual([{ elementId: 'T', timer: { kind: 'duration', expression: 'PT2H' }, stopsClock: false }]);
  });

  it('should say which processes exist when the asked one is missing', () => {
    const { compiled, diagnostics } = compileProcess(linear(), 'Nope');
    expect(compiled).toBeUndefined();
    expect(diagnostics[0]?.message).toContain('Process_1');
    expect(selectProcess(linear())?.id).toBe('Process_1');
  });
});

describe('evaluateFeel', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['outcome = "approve"', { outcome: 'approve' }],
    ['outcome = "approve"', { outcome: 'return' }],
    ['outcome = "approve"', {}],
    ['n > 5 and ok', { n: 7, ok: true }],
    ['n > 5 or ok', { n: 1, ok: null }],
    ['not(ok)', { ok: false }],
    ['a.b = 2', { a: { b: 2 } }],
    ['n >= 5 and n < 10', { n: 5 }],
    ['x != null', { x: 1 }],
    ['count(units) > 1', { units: ['a', 'b'] }],
    ['"a" = 1', {}],
  ];
  for (const [expression, variables] of cases) {
    it(`should agree with feelin on ${expression} over ${JSON.stringify(variables)}`, () => {
      expect(evaluateFeel(expression, variables)).toEqual(evaluate(expression, variables).value);
    });
  }

  it('should agree with feelin on and / or over every mix of true, false and null', () => {
    const values = [true, false, null];
    for (const expression of ['a and b', 'a or b', 'a and b and c', 'a or b or c', 'a and b or c', 'a or b and c']) {
      for (const a of values) for (const b of values) for (const c of values) {
        const variables = { a, b, c };
        expect(evaluateFeel(expression, variables), `${expression} over ${JSON.stringify(variables)}`).toEqual(evaluate(expression, variables).value);
      }
    }
  });

  it('should hold only for exactly true', () => {
    expect(feelHolds('n > 5', { n: 6 })).toBe(true);
    expect(feelHolds('n > 5', {})).toBe(false);
  });
});

describe('sha256Hex', () => {
  it('should match the standard test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('should hash UTF-8 text', () => {
    expect(sha256Hex('Tiếp nhận hồ sơ')).toHaveLength(64);
    expect(sha256Hex('Tiếp nhận hồ sơ')).not.toBe(sha256Hex('Tiep nhan ho so'));
  });

  it('should sort keys in canonical JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,null]},"b":1}');
  });
});

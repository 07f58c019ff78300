/** Mutated real diagrams: reading never crashes with anything but a typed refusal, and never hangs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readProcedure } from '../../../engine/bpmn/read.ts';
import { isEngineError } from '../../../engine/errors.ts';

const CORPUS = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'bpmn-corpus');
const SEEDS = [
  join(CORPUS, 'import', 'bpmn-js', 'kitchen-sink.bpmn'),
  join(CORPUS, 'stretch', 'bpmn-engine', 'mother-of-all.bpmn'),
  join(CORPUS, 'stretch', 'camunda', 'loan-granting.bpmn'),
  join(import.meta.dirname, '..', '..', 'fixtures', 'bpmn', 'error', 'flow-crosses-scope.bpmn'),
].map((path) => readFileSync(path, 'utf8'));

const JUNK = ['<', '>', '"', "'", '&', '&amp;', '<!--', ']]>', '<![CDATA[', '</bpmn:process>', '<bpmn:task id="x">', 'id="__proto__"', '${a(', '\u0000', 'ệ'];

/** A mutation: replace the characters [from, from + length) of the document by `insert`. */
const mutation = fc.record({
  seed: fc.nat({ max: SEEDS.length - 1 }),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.nat({ max: 400 }),
  insert: fc.oneof(fc.constantFrom(...JUNK), fc.string({ maxLength: 20 }), fc.constant('')),
  copies: fc.nat({ max: 3 }),
});

describe('readProcedure on mutated diagrams', () => {
  it('should resolve with diagnostics or refuse with an engine error, within a second', async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async ({ seed, at, length, insert, copies }) => {
        const source = SEEDS[seed] ?? '';
        const from = Math.floor(at * source.length);
        const removed = source.slice(from, from + length);
        // delete a slice, or duplicate it, then splice in junk
        const xml = source.slice(0, from) + removed.repeat(copies) + insert + source.slice(from + length);
        const started = performance.now();
        try {
          const { diagnostics } = await readProcedure(xml);
          for (const d of diagnostics) expect(d.message.length).toBeGreaterThan(0);
        } catch (error) {
          expect(isEngineError(error)).toBe(true);
        }
        expect(performance.now() - started).toBeLessThan(1000);
      }),
      { numRuns: 300, seed: 20261125 },
    );
  }, 60_000);
});

/**
 * Robustness: every process of every third-party diagram (import, reject and stretch corpora,
 * including diagrams the importer refuses) goes through compile, soundness and a dry-run without
 * an exception and within a second.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { describe, it, expect } from 'vitest';
import { checkSoundness, compileProcess, dryRun, isEngineError, readProcedure } from '../../../engine/index.ts';
import type { DefinitionsModel } from '../../../engine/index.ts';

const corpus = join(dirname(new URL(import.meta.url).pathname), '../../../../shared/bpmn-corpus');
const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));

describe('compile robustness on the third-party corpus', () => {
  for (const file of walk(corpus).filter((f) => /\.(bpmn|xml)$/.test(f)).sort()) {
    it(`should compile, check and dry-run ${relative(corpus, file)} without throwing`, async () => {
      let definitions: DefinitionsModel;
      try {
        definitions = (await readProcedure(readFileSync(file, 'utf8'))).definitions;
      } catch (error) {
        // Unreadable XML is the importer's to refuse; nothing reaches the compiler.
        expect(isEngineError(error)).toBe(true);
        return;
      }
      for (const process of definitions.processes) {
        const started = performance.now();
        const { compiled, diagnostics } = compileProcess(definitions, process.id);
        expect(compiled !== undefined || diagnostics.some((d) => d.severity === 'error')).toBe(true);
        checkSoundness(definitions, { processId: process.id });
        if (compiled) expect(typeof dryRun(definitions, { processId: process.id, maxSteps: 300 }).completed).toBe('boolean');
        expect(performance.now() - started).toBeLessThan(1000);
      }
    });
  }
});

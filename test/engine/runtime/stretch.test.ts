/**
 * Every diagram in ../shared/bpmn-corpus/stretch is either run by dry-run to an end event or
 * refused with a specific diagnostic. The table says which; a change in either direction fails.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { describe, it, expect } from 'vitest';
import { dryRun, hasErrors, readProcedure } from '../../../engine/index.ts';
import type { CaseData } from '../../../engine/index.ts';

const corpus = join(dirname(new URL(import.meta.url).pathname), '../../../../shared/bpmn-corpus/stretch');

type Expectation =
  | { runs: string; vars?: CaseData }
  | { refused: string; element?: string };

const EXPECTED: Record<string, Expectation> = {
  'bpmn-engine/call-activity.bpmn': { runs: 'end' },
  'bpmn-engine/lanes.bpmn': { runs: 'mainEndEvent' },
  // An interrupting boundary timer and the task's own flow meet at a parallel join: it can never fire.
  'bpmn-engine/boundary-timeout.bpmn': { refused: 'DEADLOCK', element: 'join' },
  'bpmn-engine/task-with-multi-instance-loop.bpmn': { runs: 'EndEvent_16n25gf' },
  'bpmn-engine/mother-of-all.bpmn': { refused: 'UNSUPPORTED_EXPRESSION', element: 'toLoop' },
  'bpmn-engine/messaging.bpmn': { runs: 'EndEvent_1099nj2' },
  'bpmn-engine/multiple-joins.bpmn': { refused: 'UNSUPPORTED_EXPRESSION', element: 'flow3' },
  'camunda/camunda-testing-job-announcement-publication.bpmn': { runs: 'Event_087qk1c', vars: { twitter: true, facebook: false } },
  'camunda/loan-granting.bpmn': { runs: 'EndEvent_0q9wl5o', vars: { creditScores: [3, 7] } },
  'camunda/order-handling.bpmn': { refused: 'UNSUPPORTED_ELEMENT', element: 'BoundaryEvent_1y1bvad' },
  'miwg/C.3.0.bpmn': { refused: 'INVALID_EXPRESSION' },
  'miwg/C.9.0.bpmn': { runs: 'EndEvent_ApplicationIssued' },
  'miwg/C.9.2.bpmn': { runs: 'EndEvent_ManuallyDecided' },
  'flowable/Table_Reservation_v1.bpmn20.xml': { refused: 'UNSUPPORTED_EXPRESSION', element: 'sequenceflow6' },
};

const files = readdirSync(corpus).flatMap((dir) => readdirSync(join(corpus, dir)).map((name) => `${dir}/${name}`)).sort();

describe('stretch corpus', () => {
  it('should have an expectation for every file', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const file of files) {
    const expected = EXPECTED[file]!;
    it(`should ${'runs' in expected ? `run ${file} to ${expected.runs}` : `refuse ${file} with ${expected.refused}`}`, async () => {
      const { definitions, diagnostics } = await readProcedure(readFileSync(join(corpus, file), 'utf8'));
      const all = [...diagnostics];
      let result: ReturnType<typeof dryRun> | undefined;
      if (!hasErrors(diagnostics)) {
        result = dryRun(definitions, { ...('vars' in expected && expected.vars ? { variables: expected.vars } : {}), receivedAt: '2026-03-02T09:00:00+07:00' });
        all.push(...result.diagnostics);
      }
      if ('runs' in expected) {
        expect(all.filter((d) => d.severity === 'error')).toEqual([]);
        expect(result?.completed).toBe(true);
        expect(result?.endEvent).toBe(expected.runs);
        expect(result?.path.at(-1)).toBe(expected.runs);
      } else {
        expect(result?.completed ?? false).toBe(false);
        const finding = all.find((d) => d.code === expected.refused && d.severity === 'error');
        expect(finding, JSON.stringify(all.map((d) => d.code))).toBeDefined();
        if (expected.element) expect(finding?.elementId).toBe(expected.element);
      }
    }, 20_000);
  }
});

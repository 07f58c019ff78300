/**
 * Third-party diagrams (../shared/bpmn-corpus, read in place, never copied): every file imports
 * without a crash or hang; broken ones are refused with diagnostics that say where.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../engine/bpmn/parse.ts';
import { readProcedure } from '../engine/bpmn/read.ts';
import { isEngineError } from '../engine/errors.ts';
import type { Diagnostic } from '../engine/diagnostics.ts';

const CORPUS = join(import.meta.dirname, '..', '..', 'shared', 'bpmn-corpus');
/** A file must be read, mapped and validated well within this (the largest takes < 100 ms). */
const TIME_LIMIT_MS = 2000;
/** Errors that a valid diagram from another tool may legitimately get at import: things we do not run. */
const IMPORT_ERROR_CODES = new Set(['UNSUPPORTED_ELEMENT', 'UNSUPPORTED_EXPRESSION', 'INVALID_EXPRESSION']);
/** Refusals of the document as a whole; they name the document rather than an element. */
const DOCUMENT_CODES = new Set(['NOT_XML', 'NOT_BPMN', 'BPMN_NAMESPACE_MISSING', 'XML_MALFORMED', 'XML_UNREADABLE', 'XML_DOCTYPE_FORBIDDEN', 'XML_TOO_LARGE', 'XML_TOO_DEEP', 'NO_PROCESS', 'NO_EXECUTABLE_PROCESS']);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  }).filter((path) => /\.(bpmn|xml)$/.test(path)).sort();
}

function corpus(section: 'import' | 'reject' | 'stretch'): string[] {
  const dir = join(CORPUS, section);
  // A missing corpus is a broken checkout, never a reason to pass silently.
  if (!existsSync(dir)) throw new Error(`BPMN corpus not found at ${dir}; it is expected beside the project at ../shared/bpmn-corpus`);
  return filesUnder(dir);
}

/** Reads a file, returning the diagnostics whether the document was refused outright or not. */
async function readAll(path: string): Promise<{ refused: boolean; diagnostics: readonly Diagnostic[]; ms: number }> {
  const started = performance.now();
  try {
    const { diagnostics } = await readProcedure(readFileSync(path, 'utf8'));
    return { refused: false, diagnostics, ms: performance.now() - started };
  } catch (error) {
    if (!isEngineError(error)) throw error;
    return { refused: true, diagnostics: error.diagnostics, ms: performance.now() - started };
  }
}

function expectWellFormed(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    expect(typeof d.code).toBe('string');
    expect(['error', 'warning', 'info']).toContain(d.severity);
    expect(d.message.length).toBeGreaterThan(20);
  }
}

const name = (path: string) => relative(CORPUS, path);

describe('BPMN corpus: import', () => {
  it('should find the corpus files', () => {
    expect(corpus('import').length).toBeGreaterThanOrEqual(20);
  });

  it.each(corpus('import').map((path) => [name(path), path]))('%s: should parse without throwing; errors only name unsupported elements', async (_name, path) => {
    // when
    const started = performance.now();
    const { definitions, diagnostics } = await parseBpmn(readFileSync(path, 'utf8'));
    // then
    expect(performance.now() - started).toBeLessThan(TIME_LIMIT_MS);
    expect(definitions.processes.length + definitions.participants.length).toBeGreaterThan(0);
    expectWellFormed(diagnostics);
    for (const error of diagnostics.filter((d) => d.severity === 'error')) {
      expect(IMPORT_ERROR_CODES).toContain(error.code);
      expect(error.elementId).toBeTruthy();
    }
    // and validation completes on the model too
    const { diagnostics: all, ms } = await readAll(path);
    expectWellFormed(all);
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
  });
});

describe('BPMN corpus: reject', () => {
  /** What each broken file must be refused for. */
  const EXPECTED: Record<string, { code: string; elementId?: string }> = {
    'bpmn-js-examples/newDiagram.bpmn': { code: 'NO_EXECUTABLE_PROCESS' },
    'bpmn-js/boundaryEvent-missingAttachToRef.bpmn': { code: 'BOUNDARY_WITHOUT_HOST', elementId: 'BoundaryEvent_1' },
    'bpmn-js/dangling-process-message-flow.bpmn': { code: 'MESSAGE_FLOW_DANGLING', elementId: '_b467921a-ef7b-44c5-bf78-fd624c400d17' },
    'bpmn-js/duplicate-ids.bpmn': { code: 'DUPLICATE_ID', elementId: 'test' },
    'bpmn-js/empty-definitions.bpmn': { code: 'NO_PROCESS' },
    'bpmn-js/event-based-gateway-outgoing-edge.bpmn': { code: 'UNSUPPORTED_ELEMENT', elementId: 'IntermediateCatchEvent_2' },
    'bpmn-js/invalid-flow-element.bpmn': { code: 'LANE_INVALID_REFERENCE', elementId: 'Lane_1' },
    'bpmn-js/missing-namespace.bpmn': { code: 'BPMN_NAMESPACE_MISSING' },
    'bpmn-js/no-process-collaboration.bpmn': { code: 'NO_PROCESS' },
  };

  it('should know what every reject file is refused for', () => {
    expect(corpus('reject').map((path) => relative(join(CORPUS, 'reject'), path))).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(corpus('reject').map((path) => [name(path), path]))('%s: should be refused with an error naming an element or the document', async (fileName, path) => {
    const { diagnostics, ms } = await readAll(path);
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expectWellFormed(diagnostics);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.elementId !== undefined || DOCUMENT_CODES.has(error.code)).toBe(true);
    const expected = EXPECTED[relative('reject', fileName)];
    expect(errors).toContainEqual(expect.objectContaining(expected ?? { code: 'unlisted file' }));
  });
});

describe('BPMN corpus: stretch', () => {
  it.each(corpus('stretch').map((path) => [name(path), path]))('%s: should parse and validate without crashing', async (_name, path) => {
    const { refused, diagnostics, ms } = await readAll(path);
    expect(refused).toBe(false);
    expect(ms).toBeLessThan(TIME_LIMIT_MS);
    expectWellFormed(diagnostics);
    for (const error of diagnostics.filter((d) => d.severity === 'error')) expect(error.elementId).toBeTruthy();
  });
});

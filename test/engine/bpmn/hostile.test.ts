import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../../engine/bpmn/parse.ts';
import { precheckXml, XML_LIMITS } from '../../../engine/bpmn/guard.ts';
import { isEngineError } from '../../../engine/errors.ts';
import type { Diagnostic } from '../../../engine/diagnostics.ts';

const ERROR_FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'bpmn', 'error');
const HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D">';

/** Parses and returns the refusal diagnostics with the time it took. */
async function refusal(xml: string): Promise<{ diagnostics: readonly Diagnostic[]; ms: number }> {
  const started = performance.now();
  const outcome = await parseBpmn(xml).then(
    () => undefined,
    (error: unknown) => error,
  );
  const ms = performance.now() - started;
  if (!isEngineError(outcome)) throw new Error('expected the document to be refused');
  expect(outcome.code).toBe('BPMN_PARSE');
  return { diagnostics: outcome.diagnostics, ms };
}

describe('hostile XML', () => {
  it('should refuse billion laughs (entity expansion) within 1 s', async () => {
    const { diagnostics, ms } = await refusal(readFileSync(join(ERROR_FIXTURES, 'billion-laughs.bpmn'), 'utf8'));
    expect(diagnostics.map((d) => d.code)).toEqual(['XML_DOCTYPE_FORBIDDEN']);
    expect(ms).toBeLessThan(1000);
  });

  it('should refuse external entities without reading them', async () => {
    const { diagnostics } = await refusal(readFileSync(join(ERROR_FIXTURES, 'external-entity.bpmn'), 'utf8'));
    expect(diagnostics.map((d) => d.code)).toEqual(['XML_DOCTYPE_FORBIDDEN']);
    expect(diagnostics[0]?.message).not.toContain('root:');
  });

  it('should refuse a 50 MB document within 1 s', async () => {
    // given 50 MB of otherwise valid BPMN
    const filler = `<bpmn:task id="T" name="${'x'.repeat(1000)}" />`;
    const xml = `${HEAD}<bpmn:process id="P">${filler.repeat(Math.ceil((50 * 1024 * 1024) / filler.length))}</bpmn:process></bpmn:definitions>`;
    expect(xml.length).toBeGreaterThan(50 * 1024 * 1024);
    // when / then
    const { diagnostics, ms } = await refusal(xml);
    expect(diagnostics.map((d) => d.code)).toEqual(['XML_TOO_LARGE']);
    expect(ms).toBeLessThan(1000);
  });

  it('should refuse 10,000-deep nesting within 1 s', async () => {
    const depth = 10_000;
    const xml = `${HEAD}<bpmn:process id="P">${'<bpmn:subProcess>'.repeat(depth)}${'</bpmn:subProcess>'.repeat(depth)}</bpmn:process></bpmn:definitions>`;
    const { diagnostics, ms } = await refusal(xml);
    expect(diagnostics.map((d) => d.code)).toEqual(['XML_TOO_DEEP']);
    expect(ms).toBeLessThan(1000);
  });

  it('should accept nesting up to the limit and count self-closing, comments and CDATA correctly', () => {
    const levels = XML_LIMITS.maxDepth - 1;
    const xml = `${HEAD}<!-- <a><b><c> -->${'<x:e xmlns:x="urn:x" a="/>" b=\'>\'>'.repeat(levels - 1)}<![CDATA[<<<<]]><bpmn:task id="t"/>${'</x:e>'.repeat(levels - 1)}</bpmn:definitions>`;
    expect(precheckXml(xml)).toEqual([]);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('should refuse the id %s and leave Object.prototype untouched', async (id) => {
    const { diagnostics } = await refusal(`${HEAD}<bpmn:process id="P" isExecutable="true"><bpmn:startEvent id="${id}" /></bpmn:process></bpmn:definitions>`);
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'RESERVED_ID', elementId: id, severity: 'error' })]);
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('should refuse the prefix __proto__ (unbound-prefix-__proto__ fixture)', async () => {
    const { diagnostics } = await refusal(readFileSync(join(ERROR_FIXTURES, 'unbound-prefix-__proto__.bpmn'), 'utf8'));
    expect(diagnostics.map((d) => d.code)).toEqual(['RESERVED_PREFIX']);
  });

  it('should not mistake prose mentioning constructor: for a prefix', () => {
    const xml = `${HEAD}<bpmn:process id="P"><bpmn:documentation>the constructor: a person</bpmn:documentation></bpmn:process></bpmn:definitions>`;
    expect(precheckXml(xml)).toEqual([]);
  });

  it.each([
    ['not XML', 'Quy trình tiếp nhận hồ sơ', 'NOT_XML'],
    ['empty', '', 'NOT_XML'],
    ['JSON', '{"definitions": []}', 'NOT_XML'],
    ['an HTML root', '<html><body/></html>', 'NOT_BPMN'],
    ['a root without namespace', '<definitions id="D"/>', 'BPMN_NAMESPACE_MISSING'],
    ['an unbound root prefix', '<bpmn:definitions id="D"/>', 'BPMN_NAMESPACE_MISSING'],
    ['a foreign namespace', '<bpmn:definitions xmlns:bpmn="http://example.com/not-bpmn" id="D"/>', 'BPMN_NAMESPACE_MISSING'],
    ['an unclosed tag', '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D"', 'XML_MALFORMED'],
    ['an unclosed comment', `${HEAD}<!-- never closed`, 'XML_MALFORMED'],
  ])('should refuse %s with a clear diagnostic', async (_label, xml, code) => {
    const { diagnostics } = await refusal(xml);
    expect(diagnostics.map((d) => d.code)).toEqual([code]);
    // the message says how to fix it
    expect(diagnostics[0]?.message).toMatch(/\b(Declare|Use|Export|Provide)\b/);
  });
});

describe('hostile but well-formed BPMN', () => {
  it('should grow linearly with the fan-out of a gateway and the fan-in of an element', async () => {
    // given a gateway with n conditional outgoing flows, all joining one end event
    const { readProcedure } = await import('../../../engine/bpmn/read.ts');
    const fan = (count: number): string => {
      let flows = '';
      for (let i = 0; i < count; i++) flows += `<bpmn:sequenceFlow id="F${i}" sourceRef="G" targetRef="E"><bpmn:conditionExpression>n = ${i}</bpmn:conditionExpression></bpmn:sequenceFlow>`;
      return `${HEAD}<bpmn:process id="P" isExecutable="true"><bpmn:startEvent id="S" /><bpmn:sequenceFlow id="In" sourceRef="S" targetRef="G" /><bpmn:exclusiveGateway id="G" />${flows}<bpmn:endEvent id="E" /></bpmn:process></bpmn:definitions>`;
    };
    const timed = async (count: number): Promise<number> => {
      const xml = fan(count);
      const started = performance.now();
      const { diagnostics } = await readProcedure(xml);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      return performance.now() - started;
    };
    // The fastest of a few runs: a busy machine slows single runs, never the best one.
    const fastest = async (count: number, runs: number): Promise<number> => {
      let best = Infinity;
      for (let i = 0; i < runs; i++) best = Math.min(best, await timed(count));
      return best;
    };
    await timed(1000);
    // when the fan grows fourfold
    const small = await fastest(3000, 3);
    const large = await fastest(12_000, 2);
    // then the time grows about fourfold, far from the sixteenfold of a pairwise check
    expect(large / small).toBeLessThan(10);
  }, 60_000);

  it('should refuse an absurdly long or deeply nested condition instead of hanging or overflowing', async () => {
    const { translateExpression } = await import('../../../engine/bpmn/expression.ts');
    const deep = `\${${'('.repeat(3000)}a${')'.repeat(3000)}}`;
    const long = `\${${Array.from({ length: 2000 }, (_, i) => `x${i}`).join(' && ')}}`;
    for (const source of [deep, long]) {
      const translated = translateExpression(source);
      expect(translated.ok).toBe(false);
      expect(!translated.ok && translated.code).toBe('UNSUPPORTED_EXPRESSION');
    }
  });
});

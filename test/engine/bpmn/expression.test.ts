import { evaluate } from 'feelin';
import { describe, expect, it } from 'vitest';
import { feelSyntaxError, juelToFeel, stripOuterParentheses, translateExpression } from '../../../engine/bpmn/expression.ts';

function feelOf(source: string, language?: string): string {
  const translated = translateExpression(source, language);
  if (!translated.ok) throw new Error(translated.reason);
  return translated.condition.feel;
}

function truth(feel: string, context: Record<string, unknown>): unknown {
  return evaluate(feel, context).value;
}

describe('translateExpression', () => {
  it('should keep FEEL as written', () => {
    const translated = translateExpression('amount > 5 and outcome = "approve"');
    expect(translated).toEqual({ ok: true, condition: { language: 'feel', source: 'amount > 5 and outcome = "approve"', feel: 'amount > 5 and outcome = "approve"' } });
  });

  it('should read Camunda 8 =expr as FEEL', () => {
    const translated = translateExpression('= approved = true');
    expect(translated.ok && translated.condition).toEqual({ language: 'camunda8', source: '= approved = true', feel: 'approved = true' });
  });

  it.each([
    ['${approved}', { approved: true }, true],
    ['${approved}', { approved: false }, false],
    ['${!approved}', { approved: false }, true],
    ['${not approved}', { approved: true }, false],
    ["${outcome == 'approve'}", { outcome: 'approve' }, true],
    ["${outcome == 'approve'}", { outcome: 'return' }, false],
    ['${outcome eq "refuse"}', { outcome: 'refuse' }, true],
    ["${outcome != 'approve'}", { outcome: 'return' }, true],
    ['${n > 5}', { n: 6 }, true],
    ['${n > 5}', { n: 5 }, false],
    ['${n >= 5 && n <= 10}', { n: 10 }, true],
    ['${n lt 5 || urgent}', { n: 9, urgent: true }, true],
    ['${n lt 5 || urgent}', { n: 9, urgent: false }, false],
    ["${!(a == 'x' && b)}", { a: 'x', b: true }, false],
    ['${dossier.pages > 10}', { dossier: { pages: 11 } }, true],
    ['${a + 2 * b == 8}', { a: 2, b: 3 }, true],
    ['${empty list}', { list: [] }, true],
    ['${not empty list}', { list: ['x'] }, true],
    ['${empty name}', { name: '' }, true],
    ['${empty name}', { name: 'Lan' }, false],
    ['#{approved == true}', { approved: true }, true],
  ])('should translate JUEL %s to FEEL with the same meaning for %j', (source, context, expected) => {
    // given a JUEL condition from a Camunda 7 / Flowable diagram
    const feel = feelOf(source);
    // then the FEEL evaluates like the JUEL would
    expect(truth(feel, context)).toBe(expected);
  });

  it.each([
    ['${service.isValid(dossier)}'],
    ['${execution.getVariable("x")}'],
    ['${a ? b : c}'],
    ['${list[0]}'],
    ['${a == }'],
  ])('should refuse %s as UNSUPPORTED_EXPRESSION', (source) => {
    const translated = translateExpression(source);
    expect(translated.ok).toBe(false);
    expect(!translated.ok && translated.code).toBe('UNSUPPORTED_EXPRESSION');
  });

  it('should refuse script languages even when the text looks like FEEL', () => {
    const translated = translateExpression('x > 5', 'JavaScript');
    expect(!translated.ok && translated.code).toBe('UNSUPPORTED_EXPRESSION');
    expect(!translated.ok && translated.reason).toContain('JavaScript');
  });

  it('should report invalid FEEL syntax as INVALID_EXPRESSION', () => {
    const translated = translateExpression("Service Level == 'Premium'");
    expect(!translated.ok && translated.code).toBe('INVALID_EXPRESSION');
  });
});

describe('juelToFeel', () => {
  it('should emit FEEL without redundant outer parentheses', () => {
    expect(juelToFeel("a == 'b' && !done")).toEqual({ ok: true, feel: '(a = "b") and not(done)' });
  });
});

describe('feelSyntaxError', () => {
  it('should accept valid FEEL and describe the first error otherwise', () => {
    expect(feelSyntaxError('a = "x"')).toBeUndefined();
    expect(feelSyntaxError('a = ')).toMatch(/FEEL syntax error/);
    expect(feelSyntaxError('  ')).toBe('the expression is empty');
  });
});

describe('stripOuterParentheses', () => {
  it('should strip only parentheses that enclose everything', () => {
    expect(stripOuterParentheses('((a = 1))')).toBe('a = 1');
    expect(stripOuterParentheses('(a) and (b)')).toBe('(a) and (b)');
    expect(stripOuterParentheses('(x = ")(")')).toBe('x = ")("');
  });
});

/**
 * Expressions in diagrams come in three dialects: FEEL (ours and Camunda 8 after its `=`), and
 * JUEL `${…}` from Camunda 7 / Flowable / Activiti. Everything is translated to FEEL, which feelin
 * evaluates over case data. JUEL is only translated for the side-effect-free subset that maps
 * one-to-one onto FEEL; method calls and anything else are refused so a condition never silently
 * evaluates to something the designer did not mean.
 */
import { parseExpression } from 'feelin';
import type { Condition } from './model.ts';

/** A failed translation says whether the dialect is unsupported or the FEEL text is invalid. */
export type Translation =
  | { readonly ok: true; readonly condition: Condition }
  | { readonly ok: false; readonly code: 'UNSUPPORTED_EXPRESSION' | 'INVALID_EXPRESSION'; readonly reason: string };

/** FEEL by name or by an OMG DMN URI (Trisotech writes the DMN model/FEEL namespace). */
function isFeelLanguage(language: string): boolean {
  return language === '' || language === 'feel' || /omg\.org\/spec\/(dmn|feel)\//.test(language);
}

/** JUEL by name; BPMN's default XPath is accepted only for `${…}` bodies, which are JUEL in practice. */
function isJuelLanguage(language: string): boolean {
  return language === 'juel' || language === 'uel' || language === 'http://www.w3.org/1999/xpath';
}

/**
 * Checks FEEL syntax with feelin's parser (which recovers from errors, marking them in the tree).
 * Returns undefined when the expression parses, or a description of the first error.
 * @example feelSyntaxError('a = "x"') // undefined
 */
export function feelSyntaxError(feel: string): string | undefined {
  if (feel.trim() === '') return 'the expression is empty';
  let errorAt: number | undefined;
  try {
    parseExpression(feel, {}, undefined).iterate({
      enter(node) {
        if (errorAt === undefined && node.type.isError) errorAt = node.from;
        return errorAt === undefined;
      },
    });
  } catch (cause) {
    return cause instanceof Error ? cause.message : String(cause);
  }
  return errorAt === undefined ? undefined : `FEEL syntax error at character ${errorAt + 1} of "${feel}"`;
}

/**
 * Removes parentheses that enclose the whole expression (ignoring those inside string literals).
 * @example stripOuterParentheses('((a = 1))') // 'a = 1'
 */
export function stripOuterParentheses(expression: string): string {
  let text = expression.trim();
  while (text.startsWith('(') && text.endsWith(')')) {
    let depth = 0;
    let quote = '';
    let closesAtEnd = true;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = '';
      } else if (c === '"') {
        quote = c;
      } else if (c === '(') {
        depth++;
      } else if (c === ')') {
        depth--;
        if (depth === 0 && i < text.length - 1) {
          closesAtEnd = false;
          break;
        }
      }
    }
    if (!closesAtEnd) break;
    text = text.slice(1, -1).trim();
  }
  return text;
}

// --- JUEL subset → FEEL -------------------------------------------------------------------------

type Token =
  | { readonly type: 'number'; readonly text: string }
  | { readonly type: 'string'; readonly text: string }
  | { readonly type: 'name'; readonly text: string }
  | { readonly type: 'op'; readonly text: string };

const KEYWORD_OPS: ReadonlyMap<string, string> = new Map([
  ['and', '&&'], ['or', '||'], ['not', '!'], ['eq', '=='], ['ne', '!='],
  ['lt', '<'], ['gt', '>'], ['le', '<='], ['ge', '>='], ['empty', 'empty'],
]);

class Unsupported extends Error {}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) { i += space[0].length; continue; }
    const number = /^\d+(\.\d+)?/.exec(rest);
    if (number) { tokens.push({ type: 'number', text: number[0] }); i += number[0].length; continue; }
    const quoted = /^'((?:[^'\\]|\\.)*)'|^"((?:[^"\\]|\\.)*)"/.exec(rest);
    if (quoted) {
      const raw = quoted[1] ?? quoted[2] ?? '';
      tokens.push({ type: 'string', text: raw.replace(/\\(.)/g, '$1') });
      i += quoted[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(rest);
    if (name) {
      const op = KEYWORD_OPS.get(name[0]);
      tokens.push(op ? { type: 'op', text: op } : { type: 'name', text: name[0] });
      i += name[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|&&|\|\||[<>!()+\-*/])/.exec(rest);
    if (op) { tokens.push({ type: 'op', text: op[0] }); i += op[0].length; continue; }
    throw new Unsupported(`"${rest.slice(0, 12)}" is outside the supported JUEL subset`);
  }
  return tokens;
}

/** Recursive descent over the JUEL subset, emitting FEEL with explicit parentheses. */
class JuelToFeel {
  private position = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  translate(): string {
    const feel = this.or();
    const extra = this.tokens[this.position];
    if (extra) throw new Unsupported(`unexpected "${extra.text}"`);
    return stripOuterParentheses(feel);
  }

  private peekOp(...ops: string[]): string | undefined {
    const token = this.tokens[this.position];
    return token?.type === 'op' && ops.includes(token.text) ? token.text : undefined;
  }

  private binary(next: () => string, ops: readonly string[], feelOp: (op: string) => string): string {
    let left = next();
    for (let op = this.peekOp(...ops); op; op = this.peekOp(...ops)) {
      this.position++;
      left = `(${left} ${feelOp(op)} ${next()})`;
    }
    return left;
  }

  private or(): string { return this.binary(() => this.and(), ['||'], () => 'or'); }
  private and(): string { return this.binary(() => this.equality(), ['&&'], () => 'and'); }
  private equality(): string { return this.binary(() => this.relation(), ['==', '!='], (op) => (op === '==' ? '=' : '!=')); }
  private relation(): string { return this.binary(() => this.additive(), ['<', '>', '<=', '>='], (op) => op); }
  private additive(): string { return this.binary(() => this.multiplicative(), ['+', '-'], (op) => op); }
  private multiplicative(): string { return this.binary(() => this.unary(), ['*', '/'], (op) => op); }

  private unary(): string {
    const op = this.peekOp('!', 'empty', '-');
    if (!op) return this.primary();
    this.position++;
    const operand = this.unary();
    if (op === '!') return `not(${operand})`;
    if (op === '-') return `(-${operand})`;
    // JUEL `empty`: null, "" or an empty list; typed so that other values give false, not null.
    return `(${operand} = null or (${operand} instance of string and ${operand} = "") or (${operand} instance of list and count(${operand}) = 0))`;
  }

  private primary(): string {
    const token = this.tokens[this.position++];
    if (!token) throw new Unsupported('the expression ends too early');
    switch (token.type) {
      case 'number':
        return token.text;
      case 'string':
        return JSON.stringify(token.text);
      case 'name': {
        if (this.peekOp('(')) throw new Unsupported(`method or function call "${token.text}(…)" cannot be evaluated`);
        if (token.text === 'true' || token.text === 'false' || token.text === 'null') return token.text;
        return token.text;
      }
      case 'op': {
        if (token.text !== '(') throw new Unsupported(`unexpected "${token.text}"`);
        const inner = this.or();
        if (!this.peekOp(')')) throw new Unsupported('a "(" is not closed');
        this.position++;
        return `(${inner})`;
      }
    }
  }
}

/**
 * Translates the inside of a JUEL `${…}` (or `#{…}`) to FEEL.
 * @example juelToFeel("a == 'b' && !done") // '((a = "b") and not(done))'
 */
export function juelToFeel(inner: string): { ok: true; feel: string } | { ok: false; reason: string } {
  try {
    return { ok: true, feel: new JuelToFeel(tokenize(inner)).translate() };
  } catch (cause) {
    if (cause instanceof Unsupported) return { ok: false, reason: cause.message };
    // The descent recurses per nesting level; absurd nesting exhausts the stack.
    if (cause instanceof RangeError) return { ok: false, reason: 'it is nested too deeply' };
    throw cause;
  }
}

/** Conditions in real procedures are one line; anything longer is refused before translation. */
export const MAX_EXPRESSION_LENGTH = 4000;

const JUEL_WRAPPED = /^\s*[$#]\{([\s\S]*)\}\s*$/;

/**
 * Reads an expression as written in a diagram (condition, collection, cardinality, completion
 * condition) and returns it as FEEL: `=expr` is Camunda 8 FEEL, `${…}` is JUEL (translated),
 * anything else is FEEL as-is. The result's FEEL has been syntax-checked.
 * @example translateExpression("${amount > 5}").ok // true
 */
export function translateExpression(source: string, language?: string): Translation {
  const text = source.trim();
  if (text.length > MAX_EXPRESSION_LENGTH) return unsupported(`the expression has ${text.length} characters, more than ${MAX_EXPRESSION_LENGTH}`);
  const lang = (language ?? '').trim().toLowerCase();
  const juel = JUEL_WRAPPED.exec(text);
  if (juel) {
    if (!isFeelLanguage(lang) && !isJuelLanguage(lang)) return unsupported(`the language "${language}" cannot be evaluated`);
    const translated = juelToFeel(juel[1] ?? '');
    if (!translated.ok) return unsupported(`the JUEL expression ${text} cannot be translated to FEEL: ${translated.reason}`);
    return checked({ language: 'juel', source, feel: translated.feel });
  }
  if (!isFeelLanguage(lang)) return unsupported(`the language "${language}" cannot be evaluated (scripts are never run from a diagram)`);
  if (text.startsWith('=')) return checked({ language: 'camunda8', source, feel: text.slice(1).trim() });
  return checked({ language: 'feel', source, feel: text });
}

function unsupported(reason: string): Translation {
  return { ok: false, code: 'UNSUPPORTED_EXPRESSION', reason };
}

function checked(condition: Condition): Translation {
  const error = feelSyntaxError(condition.feel);
  return error === undefined ? { ok: true, condition } : { ok: false, code: 'INVALID_EXPRESSION', reason: error };
}

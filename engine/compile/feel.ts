/**
 * FEEL evaluation for gateway conditions and multi-instance collections. feelin re-parses an
 * expression on every call (~90 µs), too slow for the step budget, so the common condition shape
 * (names, literals, comparisons, `and`/`or`/`not(...)`) is compiled once into a closure with FEEL's
 * three-valued semantics; everything else, and any run-time value the fast path does not model
 * (lists, contexts, dates), goes to feelin.
 */
import { evaluate as feelinEvaluate } from 'feelin';

type Value = string | number | boolean | null;
/** Returns the FEEL value, or FALLBACK when the expression must be evaluated by feelin. */
type Compiled = (variables: Readonly<Record<string, unknown>>) => Value | typeof FALLBACK;

const FALLBACK = Symbol('fallback');
const cache = new Map<string, Compiled | null>();

/**
 * Evaluates a FEEL expression over case variables.
 * @example evaluateFeel('outcome = "approve"', { outcome: 'approve' }) // true
 */
export function evaluateFeel(expression: string, variables: Readonly<Record<string, unknown>>): unknown {
  let compiled = cache.get(expression);
  if (compiled === undefined) {
    compiled = compileFast(expression);
    cache.set(expression, compiled);
  }
  if (compiled) {
    const value = compiled(variables);
    if (value !== FALLBACK) return value;
  }
  return feelinEvaluate(expression, variables as Record<string, unknown>).value;
}

/**
 * A condition holds only when it evaluates to exactly `true` (null and non-booleans do not).
 * @example feelHolds('n > 5', {}) // false: n is null
 */
export function feelHolds(expression: string, variables: Readonly<Record<string, unknown>>): boolean {
  return evaluateFeel(expression, variables) === true;
}

/** Checks that feelin can parse the expression; returns the error message otherwise. */
export function feelSyntaxError(expression: string): string | undefined {
  let compiled = cache.get(expression);
  if (compiled === undefined) {
    compiled = compileFast(expression);
    cache.set(expression, compiled);
  }
  // What the fast path compiles is valid FEEL; only the rest needs feelin's parser.
  if (compiled) return undefined;
  try {
    feelinEvaluate(expression, {});
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

// --- fast path -------------------------------------------------------------------------------

type Token = { kind: 'name' | 'string' | 'number' | 'op' | 'paren' | 'comma'; text: string };

const KEYWORDS = new Set(['and', 'or', 'not', 'true', 'false', 'null']);

function tokenize(source: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === '"') {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== '"') {
        if (source[j] === '\\') return null;
        text += source[j];
        j++;
      }
      if (j >= source.length) return null;
      tokens.push({ kind: 'string', text });
      i = j + 1;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(source.slice(i));
    if (number && (ch !== '-' || tokens.length === 0 || tokens[tokens.length - 1]!.kind === 'op' || tokens[tokens.length - 1]!.text === '(')) {
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: 'name', text: name[0] });
      i += name[0].length;
      continue;
    }
    const op = /^(!=|<=|>=|=|<|>)/.exec(source.slice(i));
    if (op) {
      tokens.push({ kind: 'op', text: op[0] });
      i += op[0].length;
      continue;
    }
    if (ch === '(' || ch === ')') { tokens.push({ kind: 'paren', text: ch }); i++; continue; }
    return null;
  }
  return tokens;
}

/** Recursive descent over: or := and ('or' and)*; and := cmp ('and' cmp)*; cmp := atom (op atom)?. */
function compileFast(source: string): Compiled | null {
  const tokens = tokenize(source);
  if (!tokens || tokens.length === 0) return null;
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const fail = (): never => { throw new SyntaxError('fallback'); };

  const parseAtom = (): Compiled => {
    const token = tokens[pos++] ?? fail();
    if (token.kind === 'string') { const v = token.text; return () => v; }
    if (token.kind === 'number') { const v = Number(token.text); return () => v; }
    if (token.kind === 'paren' && token.text === '(') {
      const inner = parseOr();
      if (tokens[pos++]?.text !== ')') fail();
      return inner;
    }
    if (token.kind !== 'name') return fail();
    if (token.text === 'true') return () => true;
    if (token.text === 'false') return () => false;
    if (token.text === 'null') return () => null;
    if (token.text === 'not') {
      if (tokens[pos++]?.text !== '(') fail();
      const inner = parseOr();
      if (tokens[pos++]?.text !== ')') fail();
      return (vars) => {
        const v = inner(vars);
        return v === FALLBACK ? FALLBACK : typeof v === 'boolean' ? !v : null;
      };
    }
    if (KEYWORDS.has(token.text)) return fail();
    if (peek()?.text === '(') return fail();
    const path = token.text.split('.');
    return (vars) => {
      let current: unknown = vars;
      for (const segment of path) {
        if (current === null || typeof current !== 'object' || Array.isArray(current)) return null;
        if (!Object.prototype.hasOwnProperty.call(current, segment)) return null;
        current = (current as Record<string, unknown>)[segment];
      }
      if (current === undefined || current === null) return null;
      if (typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean') return current;
      return FALLBACK;
    };
  };

  const parseComparison = (): Compiled => {
    const left = parseAtom();
    const op = peek();
    if (op?.kind !== 'op') return left;
    pos++;
    const right = parseAtom();
    return (vars) => {
      const a = left(vars);
      const b = right(vars);
      if (a === FALLBACK || b === FALLBACK) return FALLBACK;
      return compare(op.text, a, b);
    };
  };

  /**
   * `a and b …` / `a or b …` in FEEL's three-valued logic: the decisive value (false for and, true
   * for or) wins; otherwise any part that is not a boolean makes the whole null.
   */
  const junction = (operator: 'and' | 'or', parseOperand: () => Compiled): Compiled => {
    const decisive = operator === 'or';
    const parts = [parseOperand()];
    while (peek()?.text === operator) { pos++; parts.push(parseOperand()); }
    if (parts.length === 1) return parts[0]!;
    return (vars) => {
      let sawNull = false;
      for (const part of parts) {
        const v = part(vars);
        if (v === FALLBACK) return FALLBACK;
        if (v === decisive) return decisive;
        if (v !== !decisive) sawNull = true;
      }
      return sawNull ? null : !decisive;
    };
  };
  const parseAnd = (): Compiled => junction('and', parseComparison);
  function parseOr(): Compiled {
    return junction('or', parseAnd);
  }

  try {
    const compiled = parseOr();
    return pos === tokens.length ? compiled : null;
  } catch {
    return null;
  }
}

function compare(op: string, a: Value, b: Value): Value {
  if (op === '=' || op === '!=') {
    let equal: boolean | null;
    if (a === null || b === null) equal = a === b;
    else if (typeof a !== typeof b) return null;
    else equal = a === b;
    return op === '=' ? equal : !equal;
  }
  if (a === null || b === null || typeof a !== typeof b || typeof a === 'boolean') return null;
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    default: return null;
  }
}

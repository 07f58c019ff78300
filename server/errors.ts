/**
 * The ONE place where errors become HTTP responses: `application/problem+json` with a stable
 * `code`. Routes and services throw; they never build error responses by hand.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import { isEngineError } from '../engine/index.ts';
import type { Diagnostic, EngineErrorCode } from '../engine/index.ts';

/** Server-side problem codes (engine codes are mapped below). */
export type ProblemCode =
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'VALIDATION'
  | 'STALE_VERSION'
  | 'CONFLICT'
  /** A rule of the procedure or of the law refuses the action now (e.g. a second apology letter). */
  | 'NOT_ALLOWED'
  | 'CSRF'
  | 'INTERNAL';

const PROBLEM_STATUS: Record<ProblemCode, number> = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  VALIDATION: 400,
  STALE_VERSION: 409,
  CONFLICT: 409,
  NOT_ALLOWED: 409,
  CSRF: 403,
  INTERNAL: 500,
};

const ENGINE_STATUS: Record<EngineErrorCode, number> = {
  BPMN_PARSE: 422,
  BPMN_INVALID: 422,
  UNSUPPORTED_ELEMENT: 422,
  INVALID_TRANSITION: 409,
  DEADLINE_CALENDAR: 422,
  DEFINITION_MISMATCH: 409,
};

/**
 * An error with an HTTP meaning. Extra fields (e.g. `elementId`, `currentVersion`) go into the body.
 *
 * @example throw new Problem('STALE_VERSION', 'The case changed since you read it. Reload it and try again.', { currentVersion: 4 });
 */
export class Problem extends Error {
  override name = 'Problem';
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
  get status(): number {
    return PROBLEM_STATUS[this.code];
  }
}

export const notFound = (what: string): Problem => new Problem('NOT_FOUND', `${what} was not found.`);
export const forbidden = (message = 'You may not do this. Ask an administrator for the role it needs.'): Problem => new Problem('FORBIDDEN', message);

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  elementId?: string;
  diagnostics?: readonly Diagnostic[];
  [extra: string]: unknown;
}

/** Converts anything thrown into a problem body; unknown errors become a logged 500. */
export function toProblem(error: unknown, log: (error: unknown) => void = console.error): ProblemBody {
  if (error instanceof Problem) return body(error.status, error.code, error.message, error.extra);
  if (isEngineError(error)) {
    const elementId = (error as { elementId?: unknown }).elementId ?? error.diagnostics.find((d) => d.elementId)?.elementId;
    return body(ENGINE_STATUS[error.code] ?? 422, error.code, error.message, {
      ...(typeof elementId === 'string' ? { elementId } : {}),
      ...(error.diagnostics.length ? { diagnostics: error.diagnostics } : {}),
    });
  }
  if (error instanceof ZodError) {
    const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const detail = issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ');
    return body(400, 'VALIDATION', `The request is invalid: ${detail}`, { issues });
  }
  const dbCode = (error as { code?: unknown } | null)?.code;
  if (dbCode === '23505' || dbCode === 'SQLITE_CONSTRAINT_UNIQUE' || dbCode === 'SQLITE_CONSTRAINT_PRIMARYKEY' || dbCode === '40001' || dbCode === 'SQLITE_BUSY') {
    return body(409, 'CONFLICT', 'Another change to the same record happened at the same time. Reload and try again.');
  }
  if (error instanceof HTTPException) {
    const code = error.status === 401 ? 'UNAUTHENTICATED' : error.status === 403 ? 'FORBIDDEN' : error.status === 404 ? 'NOT_FOUND' : error.status === 400 ? 'VALIDATION' : 'INTERNAL';
    return body(error.status, code, error.message || 'Request refused.');
  }
  log(error);
  return body(500, 'INTERNAL', 'Something went wrong on the server. The error was logged; try again or tell the administrator.');
}

function body(status: number, code: string, detail: string, extra: Readonly<Record<string, unknown>> = {}): ProblemBody {
  return { type: `https://quytrinh.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`, title: code, status, code, detail, ...extra };
}

/** Hono `onError` handler. */
export function problemResponse(error: unknown, c: Context): Response {
  const problem = toProblem(error);
  return c.body(JSON.stringify(problem), problem.status as 400, { 'content-type': 'application/problem+json; charset=utf-8' });
}

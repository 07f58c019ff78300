/**
 * Typed fetch wrapper for the server's /api routes (server/API.md). The session is an HttpOnly
 * cookie; the CSRF token from login lives only in memory and goes on every state-changing request.
 * Errors arrive as application/problem+json and are thrown as {@link ApiError} with their code and
 * the element they name, so pages can show both to the user.
 */
import type { Diagnostic, WeeklyHours } from '../engine/index.ts';
import type { CalendarChangeResult, CalendarSummary, CalendarView, NewCalendarInput, YearNoticeInput } from '../server/services/calendars.ts';
import type { CaseDetail, ReceiveInput as ReceiveCaseInput, inbox, listCases } from '../server/services/cases.ts';
import type { StepInterval } from '../engine/index.ts';

export type Timeliness = 'early' | 'onTime' | 'late' | 'withinDeadline' | 'dueSoon' | 'overdue' | (string & {});

export interface RoleGrant { readonly role: string; readonly unitId: string }

export interface User {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly RoleGrant[];
}

export interface Unit { readonly id: string; readonly code: string; readonly name: string; readonly parentId?: string | null; readonly calendar?: string | null }

export interface NewUnitInput { readonly code: string; readonly name: string; readonly parentId?: string; readonly calendar?: string }

/** A user as the admin sees it (GET /api/users). */
export interface UserAccount extends User {
  readonly active: boolean;
  readonly createdAt: string;
}

export interface NewUserInput {
  readonly username: string;
  readonly displayName: string;
  readonly password: string;
  readonly roles: readonly RoleGrant[];
}

export interface UserPatch {
  readonly displayName?: string;
  readonly password?: string;
  readonly active?: boolean;
  readonly roles?: readonly RoleGrant[];
}

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

// The calendar and case API's shapes are the server's own types (type-only: nothing of the server is bundled).
export type { CalendarChangeResult, CalendarSummary, CalendarView, DayBrief, DayDiff, NewCalendarInput, RecomputedCase, YearNoticeInput } from '../server/services/calendars.ts';
export type { CaseAction, CaseDetail, CaseStepView as CaseStep, ReceiveInput as ReceiveCaseInput } from '../server/services/cases.ts';
/** One row of the inbox (GET /api/inbox). */
export type InboxItem = Awaited<ReturnType<typeof inbox>>[number];
/** One row of a case list (GET /api/cases). */
export type CaseSummary = Awaited<ReturnType<typeof listCases>>['items'][number];
/** One audit event of a case's history. */
export type HistoryEntry = CaseDetail['history'][number];
/** One row of a case's step-time audit (GET /api/cases/:id/audit?format=json). */
export type { StepInterval } from '../engine/index.ts';

export interface ProcedureVersion { readonly version: number; readonly hash: string; readonly deployedAt: string; readonly retired: boolean }

export interface Procedure {
  readonly processId: string;
  readonly name?: string;
  readonly code?: string;
  readonly latestVersion: number;
  readonly versions: readonly ProcedureVersion[];
}








/** One row of a case's step-time audit (GET /api/cases/:id/audit?format=json, engine `StepInterval`). */

export type CaseActionPath = 'supplement-request' | 'resubmission' | 'apology' | 'withdraw' | 'stop' | 'refuse';

export interface ValidateResult { readonly valid: boolean; readonly diagnostics: readonly Diagnostic[] }
export interface DeployResult { readonly processId: string; readonly version: number; readonly hash: string; readonly created: boolean; readonly diagnostics: readonly Diagnostic[] }

/** A problem+json error (or a network failure) with what the user needs to see. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly elementId?: string,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;

/** Remembers the CSRF token (from login or /me); never written to storage. */
function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

async function request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: string | undefined;
  if (body !== undefined) {
    headers['content-type'] = contentType;
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch (cause) {
    throw new ApiError(0, 'NETWORK', `Không kết nối được máy chủ (${String(cause)}).`);
  }
  if (!response.ok) throw await toApiError(response);
  return response;
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const problem = JSON.parse(text) as { code?: string; title?: string; detail?: string; message?: string; elementId?: string; diagnostics?: Diagnostic[] };
    const message = problem.detail ?? problem.message ?? problem.title ?? response.statusText;
    return new ApiError(response.status, problem.code ?? `HTTP_${response.status}`, message, problem.elementId, problem.diagnostics ?? []);
  } catch {
    return new ApiError(response.status, `HTTP_${response.status}`, text.slice(0, 300) || response.statusText);
  }
}

async function json<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
  const response = await request(method, path, body, contentType);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

const enc = encodeURIComponent;

/** Calendar changes are previewed first: the same request with `?dryRun=true` stores nothing. */
const dryRunQuery = (dryRun: boolean): string => (dryRun ? '?dryRun=true' : '');

/** Every server route the browser app uses. */
export const api = {
  async login(username: string, password: string): Promise<{ user: User; csrfToken: string }> {
    const result = await json<{ user: User; csrfToken: string }>('POST', '/api/auth/login', { username, password });
    setCsrfToken(result.csrfToken);
    return result;
  },
  async me(): Promise<{ user: User; csrfToken: string }> {
    const result = await json<{ user: User; csrfToken: string }>('GET', '/api/auth/me');
    setCsrfToken(result.csrfToken);
    return result;
  },
  async logout(): Promise<void> {
    await json<void>('POST', '/api/auth/logout');
    setCsrfToken(undefined);
  },
  units: () => json<Unit[]>('GET', '/api/units'),
  createUnit: (input: NewUnitInput) => json<Unit>('POST', '/api/units', input),
  /** Sets the calendar the unit's new dossiers run on (null = the default). */
  setUnitCalendar: (unitId: string, calendar: string | null) => json<Unit>('PATCH', `/api/units/${enc(unitId)}`, { calendar }),
  users: () => json<UserAccount[]>('GET', '/api/users'),
  user: (id: string) => json<UserAccount>('GET', `/api/users/${enc(id)}`),
  createUser: (input: NewUserInput) => json<UserAccount>('POST', '/api/users', input),
  updateUser: (id: string, patch: UserPatch) => json<UserAccount>('PATCH', `/api/users/${enc(id)}`, patch),
  apiTokens: (userId: string) => json<ApiToken[]>('GET', `/api/users/${enc(userId)}/tokens`),
  /** The clear token is in this answer only. */
  createApiToken: (userId: string, name: string) => json<ApiToken & { token: string }>('POST', `/api/users/${enc(userId)}/tokens`, { name }),
  revokeApiToken: (userId: string, tokenId: string) => json<void>('DELETE', `/api/users/${enc(userId)}/tokens/${enc(tokenId)}`),
  calendars: () => json<CalendarSummary[]>('GET', '/api/calendars'),
  /** Without a year the server shows this year. */
  calendar: (name: string, year?: number) => json<CalendarView>('GET', `/api/calendars/${enc(name)}${year === undefined ? '' : `?year=${year}`}`),
  createCalendar: (input: NewCalendarInput, dryRun: boolean) => json<CalendarChangeResult>('POST', `/api/calendars${dryRunQuery(dryRun)}`, input),
  setYearNotice: (name: string, year: number, notice: YearNoticeInput, expectedVersion: number, dryRun: boolean) =>
    json<CalendarChangeResult>('PUT', `/api/calendars/${enc(name)}/years/${year}${dryRunQuery(dryRun)}`, { ...notice, expectedVersion }),
  setWeeklyHours: (name: string, weeklyHours: WeeklyHours, expectedVersion: number, dryRun: boolean) =>
    json<CalendarChangeResult>('PUT', `/api/calendars/${enc(name)}/weekly-hours${dryRunQuery(dryRun)}`, { weeklyHours, expectedVersion }),
  procedures: () => json<Procedure[]>('GET', '/api/procedures'),
  async procedureXml(processId: string, version: number): Promise<string> {
    const response = await request('GET', `/api/procedures/${enc(processId)}/versions/${version}/xml`);
    return response.text();
  },
  validate: (xml: string) => json<ValidateResult>('POST', '/api/procedures/validate', xml, 'text/xml'),
  /** Deploys every executable process of the file: one result per process. */
  async deploy(xml: string): Promise<DeployResult[]> {
    const result = await json<DeployResult | DeployResult[]>('POST', '/api/procedures', xml, 'text/xml');
    return Array.isArray(result) ? result : [result];
  },
  receiveCase: (input: ReceiveCaseInput) => json<CaseDetail>('POST', '/api/cases', input),
  cases: (query: Record<string, string> = {}) => json<{ items: CaseSummary[]; nextCursor?: string | null }>('GET', `/api/cases?${new URLSearchParams(query).toString()}`),
  caseDetail: (id: string) => json<CaseDetail>('GET', `/api/cases/${enc(id)}`),
  inbox: () => json<InboxItem[]>('GET', '/api/inbox'),
  /** Claims the step (claim = true) or puts it back in the shared queue. */
  claim: (caseId: string, stepKey: string, caseVersion: number, claim = true) =>
    json<CaseDetail>('POST', `/api/cases/${enc(caseId)}/steps/${enc(stepKey)}/${claim ? 'claim' : 'release'}`, { caseVersion }),
  /** Case-level actions: supplement-request, resubmission, apology, withdraw, stop, refuse. */
  caseAction: (caseId: string, path: CaseActionPath, body: Record<string, unknown>) => json<CaseDetail>('POST', `/api/cases/${enc(caseId)}/${path}`, body),
  complete: (caseId: string, stepKey: string, body: { caseVersion: number; outcome?: string; comment?: string; data?: Record<string, unknown> }) =>
    json<CaseDetail>('POST', `/api/cases/${enc(caseId)}/steps/${enc(stepKey)}/complete`, body),
  async stepIntervals(caseId: string): Promise<StepInterval[]> {
    const audit = await json<{ intervals: StepInterval[] }>('GET', `/api/cases/${enc(caseId)}/audit?format=json`);
    return audit.intervals;
  },
  auditCsvUrl: (caseId: string) => `/api/cases/${enc(caseId)}/audit?format=csv`,
  documentUrl: (caseId: string, form: string) => `/api/cases/${enc(caseId)}/documents/${enc(form)}`,
};

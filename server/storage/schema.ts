/**
 * The database schema as TypeScript types. Callers use the Selectable/Insertable/Updateable
 * aliases, never the table interfaces directly. Instants are TEXT in UTC ISO form (see db.ts);
 * JSON columns are TEXT holding serialised JSON; booleans are 0/1 integers.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

// --- Procedures (0001) ---

export interface ProceduresTable {
  process_id: string;
  name: string | null;
  code: string | null;
  created_at: string;
}

export interface ProcedureVersionsTable {
  process_id: string;
  version: number;
  /** Content hash of the deployed process; same content → same version. */
  hash: string;
  xml: string;
  /** JSON: the compiled, serialisable machine definition. */
  compiled: string;
  /** JSON: procedure-level settings (deadline, cut-offs, supplement mode…). */
  procedure: string;
  /** JSON: the diagnostics (warnings) at deploy time. */
  diagnostics: string;
  deployed_at: string;
  deployed_by: string | null;
  retired_at: string | null;
}

// --- Cases (0001) ---

export interface CasesTable {
  id: string;
  code: string;
  process_id: string;
  version: number;
  unit_id: string;
  /** 1–10, domain.md status vocabulary. */
  status_code: number;
  /** running | stopped (supplement, clock stopped) | ended */
  clock_state: string;
  /** JSON applicant {name, idNumber?, phone?, email?, address?} */
  applicant: string;
  channel: string;
  received_at: string;
  effective_start: string;
  /** The appointment (ngày hẹn trả) given to the applicant; moved once by an apology letter. */
  appointment_at: string | null;
  /** The processing deadline the clock runs against (null while the clock is stopped). */
  due_at: string | null;
  /** JSON case variables. */
  data: string;
  /** JSON PersistedCase. */
  snapshot: string;
  /** Optimistic concurrency: every advance bumps it; a stale value is refused. */
  case_version: number;
  ended_at: string | null;
  /** Final classification: early | onTime | late (null while open). */
  timeliness: string | null;
  apology_count: number;
  supplement_rounds: number;
  /** JSON clock bookkeeping: {stoppedAt?, workedMinutes?, supplementRequestedAt?, dueSoonNotified?, overdueNotified?} */
  clock: string;
  end_event_id: string | null;
  parent_case_id: string | null;
  parent_step_key: string | null;
  created_at: string;
  updated_at: string;
  /** Head of the case's audit chain: seq and hash of its newest event (0/null before any; null seq = unknown, read the chain). */
  audit_seq: number | null;
  audit_hash: string | null;
  /** The working calendar the case runs on, fixed at receipt (0004): the procedure's `qt:calendar`, else the receiving unit's; null = the procedure's calendar or the default. */
  calendar: string | null;
  /** The applicant's name, identity number and phone for text search (0005): lower case, no diacritics, đ → d; see `applicantSearchText`. Defaults to '' (found by no search). */
  applicant_search: Generated<string>;
}

/**
 * SQLite only (0005): FTS5 trigram index over `cases.applicant_search`, written by triggers on
 * `cases`. PostgreSQL indexes the column itself (pg_trgm) and has no such table.
 */
export interface CaseSearchTable {
  case_id: string;
  applicant_search: string;
}

export interface CaseStepsTable {
  case_id: string;
  step_key: string;
  element_id: string;
  name: string | null;
  kind: string;
  role: string | null;
  unit_id: string | null;
  /** JSON Norm or null. */
  norm: string | null;
  /** JSON string[] */
  outcomes: string;
  outside_clock: number;
  opened_at: string;
  due_at: string | null;
  claimed_by: string | null;
  claimed_at: string | null;
  closed_at: string | null;
  outcome: string | null;
  closed_by: string | null;
  /** completed | cancelled */
  close_reason: string | null;
  /** early | onTime | late once closed. */
  timeliness: string | null;
  /** When the scheduler announced the open step as overdue (0006); null until then. */
  overdue_notified_at: string | null;
}

export interface TimersTable {
  id: string;
  case_id: string;
  timer_key: string;
  element_id: string | null;
  /** engine (BPMN timer) | dueSoon | overdue | abandon */
  purpose: string;
  due_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  fired_at: string | null;
  attempts: Generated<number>;
}

export interface AuditEventsTable {
  id: Generated<number>;
  /** The chain key: a case id, or `calendar:<name>` for events outside cases. */
  case_id: string;
  /** Position in the chain, from 1. */
  seq: number;
  type: string;
  at: string;
  actor: string | null;
  unit_id: string | null;
  element_id: string | null;
  step_key: string | null;
  /** JSON */
  data: string;
  request_id: string | null;
  prev_hash: string | null;
  hash: string;
}

export interface CalendarsTable {
  name: string;
  base: string | null;
  /** JSON calendar spec (office hours, overrides…). */
  spec: string;
  updated_at: string;
}

export interface ApologyLettersTable {
  id: string;
  case_id: string;
  reason: string;
  previous_appointment: string | null;
  new_appointment: string;
  signed_by: string;
  issued_by: string | null;
  issued_at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  topic: string;
  /** JSON */
  payload: string;
  created_at: string;
  attempts: Generated<number>;
  next_attempt_at: string;
  delivered_at: string | null;
  last_error: string | null;
}

/** The units a case involves (receiving unit, units of its steps), kept by triggers (0008). */
export interface CaseUnitsTable {
  case_id: string;
  unit_id: string;
  /** The case's receipt instant, copied so a unit's cases are read newest first from the index. */
  received_at: string;
}

export interface CaseCountersTable {
  key: string;
  value: number;
}

export interface DatabaseSchema {
  procedures: ProceduresTable;
  procedure_versions: ProcedureVersionsTable;
  cases: CasesTable;
  case_search: CaseSearchTable;
  case_steps: CaseStepsTable;
  timers: TimersTable;
  audit_events: AuditEventsTable;
  calendars: CalendarsTable;
  apology_letters: ApologyLettersTable;
  outbox: OutboxTable;
  case_counters: CaseCountersTable;
  case_units: CaseUnitsTable;
  // --- auth (0002, D2) ---
  units: UnitsTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
}

export type ProcedureRow = Selectable<ProceduresTable>;
export type ProcedureVersionRow = Selectable<ProcedureVersionsTable>;
export type NewProcedureVersion = Insertable<ProcedureVersionsTable>;
export type CaseRow = Selectable<CasesTable>;
export type NewCase = Insertable<CasesTable>;
export type CaseUpdate = Updateable<CasesTable>;
export type CaseStepRow = Selectable<CaseStepsTable>;
export type NewCaseStep = Insertable<CaseStepsTable>;
export type TimerRow = Selectable<TimersTable>;
export type NewTimer = Insertable<TimersTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type NewAuditEvent = Insertable<AuditEventsTable>;
export type CalendarRow = Selectable<CalendarsTable>;
export type ApologyLetterRow = Selectable<ApologyLettersTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type NewOutboxMessage = Insertable<OutboxTable>;

// --- Users and access (0002) ---

export interface UnitsTable {
  id: string;
  code: string;
  name: string;
  parent_id: string | null;
  /** The working calendar the unit keeps; null = the default calendar. */
  calendar: string | null;
}

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  /** `scrypt$N$r$p$salt$hash` (base64url), see server/auth/password.ts. */
  password_hash: string;
  /** 1 active, 0 disabled (cannot log in; tokens and sessions stop working). */
  active: number;
  created_at: string;
}

export interface UserRolesTable {
  user_id: string;
  role: string;
  unit_id: string;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the cookie token. */
  id: string;
  user_id: string;
  csrf_token: string;
  expires_at: string;
  created_at: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 (hex) of the token; the token itself is shown once at creation. */
  token_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export type UnitRow = Selectable<UnitsTable>;
export type UserRow = Selectable<UsersTable>;
export type UserRoleRow = Selectable<UserRolesTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;

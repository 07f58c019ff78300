/** What every service call needs: its dependencies and who is acting. */
import type { Clock } from '../clock.ts';
import type { DbHandle } from '../storage/db.ts';
import type { CaseCodeFormat } from './case-code.ts';
import type { CalendarResolver, ProcedureEngine, ServiceHandler } from './ports.ts';

export interface ServiceDeps {
  readonly db: DbHandle;
  readonly clock: Clock;
  readonly engine: ProcedureEngine;
  readonly calendars: CalendarResolver;
  /**
   * Brings `calendars` up to date with the calendars table (loads it on first use; on a database
   * several instances share, reloads when another instance changed a calendar). The app calls it
   * before every API request; work outside requests (the scheduler's round) should call it too.
   * Absent when `calendars` was given explicitly.
   */
  readonly refreshCalendars?: () => Promise<void>;
  /** Service/script task handlers by name. */
  readonly handlers: Readonly<Record<string, ServiceHandler>>;
  /** How dossier codes are made (default `<agency e-ID>-YYMMDD-AAXXXX`, Circular 04/2025). */
  readonly caseCode: CaseCodeFormat;
  /** "Due soon" starts this many working minutes before a deadline (default one working day). */
  readonly dueSoonMinutes: number;
}

/** The caller, for attribution in the audit. System work (the scheduler) has no user. */
export interface Actor {
  readonly userId?: string;
  readonly username?: string;
  readonly unitId?: string;
  readonly requestId?: string;
}

export const SYSTEM_ACTOR: Actor = { username: 'system' };

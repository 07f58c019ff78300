/**
 * The static list of migrations, in order. A static provider (no filesystem scan) works the same
 * under tsx, vitest and a bundled build. Add a new numbered module; never edit a released one.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-init.ts';
import * as m0002 from './0002-auth.ts';
import * as m0003 from './0003-audit-head.ts';
import * as m0004 from './0004-case-calendar.ts';
import * as m0005 from './0005-case-search.ts';
import * as m0006 from './0006-step-overdue.ts';
import * as m0007 from './0007-national-phone-search.ts';
import * as m0008 from './0008-case-units.ts';

export const MIGRATIONS: Record<string, Migration> = {
  '0001-init': m0001,
  '0002-auth': m0002,
  '0003-audit-head': m0003,
  '0004-case-calendar': m0004,
  '0005-case-search': m0005,
  '0006-step-overdue': m0006,
  '0007-national-phone-search': m0007,
  '0008-case-units': m0008,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};

/**
 * Working calendars kept in the database (`calendars` table: one row per calendar, the full
 * CalendarSpec as JSON), the admin's edits of a year's official notice, and what an edit does
 * to open cases: every due instant computed with the calendar is computed again, in the same
 * transaction as the edit, with one audit event per case and one on the calendar's own chain.
 *
 * Freshness across server instances: every instance keeps the specs in memory (the services
 * need a synchronous resolver) together with a stamp, the list of `name@updated_at` of all
 * rows. On a database several instances share (PostgreSQL) each API request first compares the
 * stamp with one small query (a few rows, no JSON) and reloads only when it changed; `updated_at`
 * strictly increases on every edit, so an edit is never missed even with a stopped test clock.
 * On SQLite there is one server process, which is also the only writer: its edits install the
 * new specs in memory directly and no query is needed per request.
 * A change installs the new specs in its own process just before it commits. Advances of a case
 * the change moved are safe: it claims the case's version, so a racing advance either commits
 * first (the change then finds the version taken, starts again and recomputes what the advance
 * opened) or gets 409. What is left is a request that read the calendars before the change
 * installed them and writes, after the change's scan, to a case the change did not claim (a new
 * receipt, which computes its appointment before its transaction, or an advance opening a step):
 * a window of one request (of up to a second for the scheduler, which `quytrinh serve` refreshes
 * every second). Saving the notice unchanged re-checks every open case (no day changed → no day
 * filter) and repairs such a leftover.
 */
import type { CalendarSpec, DayInfo, Diagnostic, WeeklyHours, YearNotice } from '../../engine/index.ts';
import { BUILTIN_CALENDARS, CALENDAR_MAX_YEAR, CALENDAR_MIN_YEAR, DEFAULT_CALENDAR_ID, EngineError, createCalendar, resolveCalendarSpec, validateCalendarSpec } from '../../engine/index.ts';
import type { WorkingCalendar as EngineCalendar, Norm } from '../../engine/index.ts';
import { appendAudit } from '../audit/chain.ts';
import { Problem, notFound } from '../errors.ts';
import { fromJson, toDbInstant } from '../storage/db.ts';
import type { DbHandle, DbOrTx, Tx } from '../storage/db.ts';
import type { CaseRow } from '../storage/schema.ts';
import { calendarOfCase, commitChange, isConflict, readForChange, scheduleDeadlineTimers } from './advance.ts';
import type { ClockInfo } from './advance.ts';
import type { Actor, ServiceDeps } from './context.ts';
import { loadVersion } from './definitions.ts';
import { calendarResolver } from './engine-adapter.ts';
import type { CalendarResolver } from './ports.ts';

// --- The in-memory view of the table ---

/** The calendars one server process computes with: the table's rows over the built-in calendars. */
export interface CalendarStore {
  /** The services' port (synchronous): a stored calendar by name, else a built-in one, else the default. */
  readonly resolve: CalendarResolver;
  /** The engine's calendar (luxon results, day tables) that `resolve` picks for a name: for design-time plans and previews. */
  engineCalendar(name: string | undefined): EngineCalendar;
  /** Loads the table on first use (seeding the built-in calendars into an empty table); afterwards reloads when another instance changed it. */
  refresh(): Promise<void>;
  /** Puts specs just committed by this process in place. */
  install(specs: Readonly<Record<string, CalendarSpec>>, stamp: string): void;
  /** Forgets what was installed: the next refresh reloads the table (after a change that did not commit). */
  invalidate(): void;
}

interface StoredCalendar {
  readonly spec: CalendarSpec;
  readonly updatedAt: string;
}

const stores = new WeakMap<object, CalendarStore>();

/**
 * The store of one database handle (one per Kysely instance, so every part of a process that
 * shares the handle — app, scheduler, CLI — computes with the same calendars).
 *
 * @example const store = calendarStoreFor(handle); await store.refresh(); store.resolve('vn-civil-service').addNorm(from, norm);
 */
export function calendarStoreFor(handle: DbHandle, now: () => string = () => new Date().toISOString()): CalendarStore {
  let store = stores.get(handle.db);
  if (!store) {
    store = createCalendarStore(handle, now);
    stores.set(handle.db, store);
  }
  return store;
}

function stampOf(rows: readonly { name: string; updated_at: string }[]): string {
  return rows.map((r) => `${r.name}@${r.updated_at}`).join('|');
}

function createCalendarStore(handle: DbHandle, now: () => string): CalendarStore {
  let current = calendarResolver({});
  let specs: Readonly<Record<string, CalendarSpec>> = {};
  const engineCalendars = new Map<string, EngineCalendar>();
  let stamp: string | undefined;
  let inFlight: Promise<void> | undefined;
  // `skipLocked` is set exactly when several server instances may share the database.
  const shared = handle.capabilities.skipLocked;

  const store: CalendarStore = {
    resolve: (name) => current(name),
    engineCalendar(name) {
      const id = effectiveCalendarId(specs, name);
      let calendar = engineCalendars.get(id);
      if (!calendar) {
        calendar = createCalendar(lookupOver(specs)(id)!, lookupOver(specs));
        engineCalendars.set(id, calendar);
      }
      return calendar;
    },
    refresh() {
      if (stamp !== undefined && !shared) return Promise.resolve();
      // Concurrent requests share one check instead of each sending the same query.
      inFlight ??= (async () => {
        try {
          if (stamp !== undefined) {
            const rows = await handle.db.selectFrom('calendars').select(['name', 'updated_at']).orderBy('name').execute();
            if (stampOf(rows) === stamp) return;
          }
          await seedCalendars(handle.db, now());
          const loaded = await loadStoredCalendars(handle.db);
          store.install(specsOf(loaded), stampOf([...loaded].map(([name, c]) => ({ name, updated_at: c.updatedAt }))));
        } finally {
          inFlight = undefined;
        }
      })();
      return inFlight;
    },
    install(newSpecs, newStamp) {
      current = calendarResolver(newSpecs);
      specs = newSpecs;
      engineCalendars.clear();
      stamp = newStamp;
    },
    invalidate() {
      stamp = undefined;
    },
  };
  return store;
}

/** Copies the built-in calendars into an empty table (a no-op once any calendar is stored). */
export async function seedCalendars(db: DbOrTx, now: string): Promise<void> {
  const any = await db.selectFrom('calendars').select('name').limit(1).executeTakeFirst();
  if (any) return;
  const at = toDbInstant(now);
  await db
    .insertInto('calendars')
    .values(Object.values(BUILTIN_CALENDARS).map((spec) => ({ name: spec.id, base: spec.base ?? null, spec: JSON.stringify(spec), updated_at: at })))
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

async function loadStoredCalendars(db: DbOrTx): Promise<Map<string, StoredCalendar>> {
  const rows = await db.selectFrom('calendars').select(['name', 'spec', 'updated_at']).orderBy('name').execute();
  const out = new Map<string, StoredCalendar>();
  for (const row of rows) {
    try {
      out.set(row.name, { spec: { ...(JSON.parse(row.spec) as CalendarSpec), id: row.name }, updatedAt: row.updated_at });
    } catch {
      // Rows are validated when written; an unreadable one falls back to the built-in calendar of that name.
    }
  }
  return out;
}

function specsOf(stored: ReadonlyMap<string, StoredCalendar>): Record<string, CalendarSpec> {
  return Object.fromEntries([...stored].map(([name, c]) => [name, c.spec]));
}

function lookupOver(specs: Readonly<Record<string, CalendarSpec>>): (id: string) => CalendarSpec | undefined {
  return (id) => specs[id] ?? BUILTIN_CALENDARS[id];
}

/** The calendar id a calendar name (a procedure's, a unit's, a case's) computes with (unknown or none → the default), as the resolver decides. */
function effectiveCalendarId(specs: Readonly<Record<string, CalendarSpec>>, name: string | undefined): string {
  return name && lookupOver(specs)(name) ? name : DEFAULT_CALENDAR_ID;
}

/** Every calendar name the resolver knows: the stored calendars and the built-in ones. */
function knownCalendarNames(specs: Readonly<Record<string, CalendarSpec>>): string[] {
  return [...new Set([...Object.keys(specs), ...Object.keys(BUILTIN_CALENDARS)])];
}

// --- Reading ---

/** One calendar in the list. */
export interface CalendarSummary {
  readonly name: string;
  readonly displayName: string | null;
  readonly base: string | null;
  readonly version: number;
  readonly updatedAt: string | null;
  /** Shipped with quytrinh (may still have been edited). */
  readonly builtIn: boolean;
  /** Years with a notice of this calendar's own (inherited ones are listed on the base). */
  readonly noticeYears: number[];
}

function summaryOf(name: string, spec: CalendarSpec, updatedAt: string | null): CalendarSummary {
  return {
    name,
    displayName: spec.name ?? null,
    base: spec.base ?? null,
    version: spec.version ?? 1,
    updatedAt,
    builtIn: name in BUILTIN_CALENDARS,
    noticeYears: [...new Set((spec.notices ?? []).map((n) => n.year))].sort((a, b) => a - b),
  };
}

/** Every calendar: the stored ones and any built-in one not stored yet, by name. */
export async function listCalendars(deps: Pick<ServiceDeps, 'db'>): Promise<CalendarSummary[]> {
  const stored = await loadStoredCalendars(deps.db.db);
  const list = [...stored].map(([name, c]) => summaryOf(name, c.spec, c.updatedAt));
  for (const spec of Object.values(BUILTIN_CALENDARS)) if (!stored.has(spec.id)) list.push(summaryOf(spec.id, spec, null));
  return list.sort((a, b) => a.name.localeCompare(b.name));
}

/** A calendar with its exceptional days of one year (days off on weekdays, worked weekend days). */
export interface CalendarView extends CalendarSummary {
  readonly lineage: readonly string[];
  /** Office hours after inheritance. */
  readonly weeklyHours: WeeklyHours;
  /** The holiday rules after inheritance: keys a notice's `holidays` may use. */
  readonly holidayRules: readonly { readonly key: string; readonly name: string }[];
  readonly year: number;
  /** This calendar's own notice for the year (what PUT …/years/:year replaces), or null. */
  readonly notice: YearNotice | null;
  /** The notice in force for the year after inheritance (own merged over the base's), or null. */
  readonly effectiveNotice: YearNotice | null;
  /** Every day of the year that is not a regular working weekday or weekly rest day, with its reason and notice. */
  readonly days: readonly DayInfo[];
  /** The stored spec as is. */
  readonly spec: CalendarSpec;
}

/** One calendar and its exceptional days of `year`; 404 for an unknown name. */
export async function calendarView(deps: Pick<ServiceDeps, 'db'>, name: string, year: number): Promise<CalendarView> {
  checkYear(year);
  const stored = await loadStoredCalendars(deps.db.db);
  const specs = specsOf(stored);
  const spec = lookupOver(specs)(name);
  if (!spec) throw notFound(`Calendar ${name}`);
  const resolved = resolveCalendarSpec(spec, lookupOver(specs));
  const calendar = createCalendar(spec, lookupOver(specs));
  return {
    ...summaryOf(name, spec, stored.get(name)?.updatedAt ?? null),
    lineage: resolved.lineage,
    weeklyHours: resolved.weeklyHours,
    holidayRules: resolved.holidays.rules.map((r) => ({ key: r.key, name: r.name })),
    year,
    notice: (spec.notices ?? []).find((n) => n.year === year) ?? null,
    effectiveNotice: resolved.notices.find((n) => n.year === year) ?? null,
    days: calendar.exceptionalDays(year),
    spec,
  };
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < CALENDAR_MIN_YEAR || year > CALENDAR_MAX_YEAR) {
    throw new Problem('VALIDATION', `The year must be a whole number from ${CALENDAR_MIN_YEAR} to ${CALENDAR_MAX_YEAR}.`);
  }
}

// --- Changing ---

/** A year's official notice as the admin enters it (the year comes from the path). */
export type YearNoticeInput = Omit<YearNotice, 'year'>;

/** What changed in a calendar's exceptional days of a year. */
export interface DayDiff {
  readonly added: readonly DayBrief[];
  readonly removed: readonly DayBrief[];
  readonly changed: readonly DayBrief[];
}

export interface DayBrief {
  readonly date: string;
  readonly working: boolean;
  readonly reason?: string;
  readonly notice?: string;
}

/** One case whose due instants moved. */
export interface RecomputedCase {
  readonly caseId: string;
  readonly code: string;
  readonly previousAppointmentAt: string | null;
  readonly appointmentAt: string | null;
  /** Open steps whose due instant moved. */
  readonly steps: number;
}

export interface CalendarChangeResult {
  /** True when nothing was stored: the result shows what the change would do. */
  readonly dryRun: boolean;
  readonly calendar: CalendarView;
  /** Warnings of the validation (the change was stored). */
  readonly diagnostics: readonly Diagnostic[];
  readonly diff: DayDiff | { readonly weeklyHours: { readonly before: WeeklyHours; readonly after: WeeklyHours } };
  /** Open cases whose due instants moved (all of them are in the audit; the list stops at 100). */
  readonly recomputed: { readonly count: number; readonly cases: readonly RecomputedCase[] };
}

/** How a change is made: against the version the admin read, and/or only as a preview. */
export interface ChangeOptions {
  /** The calendar version the admin edited; a newer one is refused with 409 STALE_VERSION. */
  readonly expectedVersion?: number;
  /** Computes everything (validation, diff, the cases that would move) and rolls it back. */
  readonly dryRun?: boolean;
}

/** Carries a dry run's result out of its transaction, which it rolls back. */
class DryRunRollback extends Error {
  constructor(readonly result: CalendarChangeResult) {
    super('dry run');
  }
}

const MAX_ATTEMPTS = 5;
const LISTED_CASES = 100;

/**
 * Replaces a calendar's own notice for `year` (days off, swapped working days, holiday dates,
 * break periods, with the notice's document number) and recomputes the open cases using it.
 * Refuses invalid data with 422 DEADLINE_CALENDAR and its diagnostics, changing nothing.
 *
 * @example await setYearNotice(deps, actor, 'vn-civil-service', 2027, { notice: '1/TB-BNV', days: [{ date: '2027-03-03', working: false, reason: 'Nghỉ' }] });
 */
export async function setYearNotice(deps: ServiceDeps, actor: Actor, name: string, year: number, input: YearNoticeInput, options: ChangeOptions = {}): Promise<CalendarChangeResult> {
  checkYear(year);
  const outside = [...(input.days ?? []).map((d) => d.date), ...Object.values(input.holidays ?? {}).flat()].filter((date) => !date.startsWith(`${year}-`));
  if (outside.length) {
    throw calendarInvalid(`The notice for ${year} lists days of another year (${outside.slice(0, 5).join(', ')}). Enter each day in the notice of its own year.`, [
      ...outside.map((date) => ({ code: 'CALENDAR_DAY_YEAR', severity: 'error' as const, message: `Day ${date} is not in ${year}.` })),
    ]);
  }
  const notice: YearNotice = {
    year,
    notice: input.notice,
    ...(input.issuer !== undefined && { issuer: input.issuer }),
    ...(input.issuedOn !== undefined && { issuedOn: input.issuedOn }),
    ...(input.source !== undefined && { source: input.source }),
    ...(input.holidays !== undefined && { holidays: input.holidays }),
    ...(input.days !== undefined && { days: input.days }),
    ...(input.breaks !== undefined && { breaks: input.breaks }),
  };
  return changeCalendar(deps, actor, name, { year, notice: input.notice }, options, (found) => {
    const spec = existing(name, found);
    return { ...spec, notices: [...(spec.notices ?? []).filter((n) => n.year !== year), notice].sort((a, b) => a.year - b.year) };
  });
}

/**
 * Sets the weekly office hours of a unit calendar (one that inherits from a base; weekdays not
 * given keep the base's hours, an empty list makes the weekday a rest day) and recomputes the
 * open cases using it. The base calendars' hours are national and not edited here.
 */
export async function setWeeklyHours(deps: ServiceDeps, actor: Actor, name: string, weeklyHours: WeeklyHours, options: ChangeOptions = {}): Promise<CalendarChangeResult> {
  return changeCalendar(deps, actor, name, {}, options, (found) => {
    const spec = existing(name, found);
    if (!spec.base) throw new Problem('NOT_ALLOWED', `Calendar ${name} is a base calendar; its office hours are not edited here. Give the unit a calendar that inherits from ${name} and set its hours instead.`);
    return { ...spec, weeklyHours };
  });
}

/** A new unit calendar: a name, a base to inherit from, and the office hours where it differs. */
export interface NewCalendarInput {
  readonly name: string;
  readonly displayName?: string;
  readonly base: string;
  readonly weeklyHours?: WeeklyHours;
}

/**
 * Creates a unit calendar that inherits from a base. Procedures and units that already name it
 * (and so far computed with the default calendar) compute with it from now on, and the open cases
 * running on it are recomputed like after any change.
 */
export async function createUnitCalendar(deps: ServiceDeps, actor: Actor, input: NewCalendarInput, options: Pick<ChangeOptions, 'dryRun'> = {}): Promise<CalendarChangeResult> {
  return changeCalendar(deps, actor, input.name, {}, options, (found) => {
    if (found) throw new Problem('CONFLICT', `Calendar ${input.name} exists already. Change its hours with PUT /api/calendars/${input.name}/weekly-hours or a year with PUT /api/calendars/${input.name}/years/:year.`);
    return { id: input.name, ...(input.displayName !== undefined && { name: input.displayName }), base: input.base, ...(input.weeklyHours !== undefined && { weeklyHours: input.weeklyHours }) };
  });
}

function existing(name: string, spec: CalendarSpec | undefined): CalendarSpec {
  if (!spec) throw notFound(`Calendar ${name}`);
  return spec;
}

function calendarInvalid(message: string, diagnostics: readonly Diagnostic[]): EngineError {
  return new EngineError('DEADLINE_CALENDAR', message, { diagnostics });
}

async function changeCalendar(
  deps: ServiceDeps,
  actor: Actor,
  name: string,
  context: { year?: number; notice?: string },
  options: ChangeOptions,
  edit: (spec: CalendarSpec | undefined) => CalendarSpec,
): Promise<CalendarChangeResult> {
  const { expectedVersion, dryRun = false } = options;
  for (let attempt = 1; ; attempt++) {
    const store = calendarStoreFor(deps.db);
    let installed = false;
    try {
      return await deps.db.db.transaction().execute(async (trx) => {
        const outcome = await changeCalendarIn(trx, deps, actor, name, context, expectedVersion, edit);
        if (dryRun) throw new DryRunRollback({ ...outcome.result, dryRun: true });
        // Installed before the commit: on SQLite the next transaction of this process, which can
        // only start after the commit, already computes with the new calendar.
        store.install(outcome.specs, outcome.stamp);
        installed = true;
        return outcome.result;
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return error.result;
      if (installed) {
        // The commit failed after the install: back to what the table holds (or, failing that, at the next request).
        store.invalidate();
        await store.refresh().catch(() => undefined);
      }
      // Another instance changed a calendar or one of the cases meanwhile: start again from the fresh rows.
      // A version the admin read that is no longer current stays stale however often it is tried.
      const staleRead = error instanceof Problem && typeof error.extra.calendar === 'string';
      if (attempt >= MAX_ATTEMPTS || staleRead || !isConflict(error)) throw error;
    }
  }
}

async function changeCalendarIn(
  trx: Tx,
  deps: ServiceDeps,
  actor: Actor,
  name: string,
  context: { year?: number; notice?: string },
  expectedVersion: number | undefined,
  edit: (spec: CalendarSpec | undefined) => CalendarSpec,
): Promise<{ result: CalendarChangeResult; specs: Record<string, CalendarSpec>; stamp: string }> {
  const now = deps.clock.now();
  await seedCalendars(trx, now);
  const stored = await loadStoredCalendars(trx);
  const before = specsOf(stored);
  const current = lookupOver(before)(name);
  const previousVersion = current ? (current.version ?? 1) : 0;
  if (expectedVersion !== undefined && expectedVersion !== previousVersion) {
    throw new Problem('STALE_VERSION', `Calendar ${name} changed since you read it (now version ${previousVersion}). Reload it and try again.`, { currentVersion: previousVersion, calendar: name });
  }
  const next: CalendarSpec = { ...edit(current), id: name, version: previousVersion + 1 };
  const after: Record<string, CalendarSpec> = { ...before, [name]: next };

  // The edited calendar, and every calendar inheriting from it, must still build.
  const affected = dependentsOf(after, name);
  const diagnostics: Diagnostic[] = [];
  for (const id of affected) {
    const found = validateCalendarSpec(lookupOver(after)(id)!, lookupOver(after));
    diagnostics.push(...(id === name ? found : found.filter((d) => d.severity === 'error').map((d) => ({ ...d, message: `${id} (inherits from ${name}): ${d.message}` }))));
  }
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw calendarInvalid(`Calendar ${name} was not changed: ${errors[0]!.message}${errors.length > 1 ? ` (and ${errors.length - 1} more; see diagnostics)` : ''}`, diagnostics);

  // Claim the row first: a concurrent edit of the same calendar waits here, then finds it changed.
  const previous = stored.get(name);
  const updatedAt = strictlyAfter(now, previous?.updatedAt);
  const row = { name, base: next.base ?? null, spec: JSON.stringify(next), updated_at: updatedAt };
  if (previous) {
    const claimed = await trx.updateTable('calendars').set(row).where('name', '=', name).where('updated_at', '=', previous.updatedAt).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new Problem('STALE_VERSION', `Calendar ${name} was changed at the same time. Reload it and try again.`);
  } else {
    await trx.insertInto('calendars').values(row).execute();
  }

  // A new calendar replaces the default one for the procedures and cases that already name it.
  const previousSpec = current ?? lookupOver(before)(DEFAULT_CALENDAR_ID)!;
  const diff = context.year !== undefined ? dayDiff(previousSpec, next, before, after, context.year) : { weeklyHours: { before: resolveCalendarSpec(previousSpec, lookupOver(before)).weeklyHours, after: resolveCalendarSpec(next, lookupOver(after)).weeklyHours } };
  const bounds = context.year !== undefined ? changedSpan(context.year, affected, before, after) : undefined;
  const recomputed = await recomputeDeadlines(trx, { ...deps, calendars: calendarResolver(after) }, after, affected, bounds, actor, { calendar: name, version: next.version!, ...context });

  await appendAudit(trx, {
    type: 'calendar.changed',
    at: now,
    caseId: `calendar:${name}`,
    ...(actor.username ? { actor: actor.username } : {}),
    ...(actor.requestId ? { requestId: actor.requestId } : {}),
    data: {
      calendar: name,
      ...(context.year !== undefined && { year: context.year }),
      ...(context.notice !== undefined && { notice: context.notice }),
      ...(current === undefined && { created: true }),
      previousVersion,
      version: next.version,
      diff,
      affectedCalendars: [...affected],
      recomputedCases: recomputed.length,
    },
  });

  const stamp = stampOf(
    [...new Set([...stored.keys(), name])].sort().map((n) => ({ name: n, updated_at: n === name ? updatedAt : stored.get(n)!.updatedAt })),
  );
  const view = await calendarView({ db: { ...deps.db, db: trx } }, name, context.year ?? Number(now.slice(0, 4)));
  return {
    result: {
      dryRun: false,
      calendar: view,
      diagnostics: diagnostics.filter((d) => d.severity !== 'error'),
      diff,
      recomputed: { count: recomputed.length, cases: recomputed.slice(0, LISTED_CASES) },
    },
    specs: after,
    stamp,
  };
}

/** `now`, or just after the previous stamp when the clock has not moved past it (stamps must change on every edit). */
function strictlyAfter(now: string, previous: string | undefined): string {
  const at = new Date(now).getTime();
  const floor = previous ? new Date(previous).getTime() + 1 : at;
  return new Date(Math.max(at, floor)).toISOString();
}

/** The calendar and every calendar (stored or built-in) whose inheritance chain contains it. */
function dependentsOf(specs: Readonly<Record<string, CalendarSpec>>, name: string): Set<string> {
  const out = new Set<string>([name]);
  for (const id of knownCalendarNames(specs)) {
    let lineage: readonly string[];
    try {
      lineage = resolveCalendarSpec(lookupOver(specs)(id)!, lookupOver(specs)).lineage;
    } catch {
      continue;
    }
    if (lineage.includes(name)) out.add(id);
  }
  return out;
}

function brief(day: DayInfo): DayBrief {
  return { date: day.date, working: day.working, ...(day.reason !== undefined && { reason: day.reason }), ...(day.notice !== undefined && { notice: day.notice }) };
}

/** Exceptional days of `year` that appeared, disappeared or changed (working, hours, reason). */
function dayDiff(before: CalendarSpec, after: CalendarSpec, beforeSpecs: Readonly<Record<string, CalendarSpec>>, afterSpecs: Readonly<Record<string, CalendarSpec>>, year: number): DayDiff {
  const old = new Map(createCalendar(before, lookupOver(beforeSpecs)).exceptionalDays(year).map((d) => [d.date, d]));
  const now = new Map(createCalendar(after, lookupOver(afterSpecs)).exceptionalDays(year).map((d) => [d.date, d]));
  const added: DayBrief[] = [];
  const changed: DayBrief[] = [];
  for (const [date, day] of now) {
    const was = old.get(date);
    if (!was) added.push(brief(day));
    else if (was.working !== day.working || was.reason !== day.reason || was.notice !== day.notice || JSON.stringify(was.hours) !== JSON.stringify(day.hours)) changed.push(brief(day));
  }
  const removed = [...old.values()].filter((d) => !now.has(d.date)).map(brief);
  return { added, removed, changed };
}

// --- Recomputing open cases ---

/** A span of local days, as UTC instants: from the first day's midnight to the midnight after the last day. */
interface DaySpan {
  readonly from: string;
  readonly to: string;
}

const VN_OFFSET_MS = 7 * 3_600_000;

/**
 * The span of the days of `year` whose working hours differ between the old and the new specs in
 * any of `calendars` (a base's notice can change a dependent's day that the base rests anyway,
 * e.g. a Saturday inside a break). Undefined when no day changed: then every open case is
 * checked again, which is how saving a notice unchanged repairs anything computed meanwhile.
 */
function changedSpan(year: number, calendars: ReadonlySet<string>, before: Readonly<Record<string, CalendarSpec>>, after: Readonly<Record<string, CalendarSpec>>): DaySpan | undefined {
  let first: number | undefined;
  let last: number | undefined;
  for (const id of calendars) {
    const oldSpec = lookupOver(before)(id);
    const newSpec = lookupOver(after)(id);
    if (!oldSpec || !newSpec) return undefined;
    const old = createCalendar(oldSpec, lookupOver(before));
    const now = createCalendar(newSpec, lookupOver(after));
    for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += 86_400_000) {
      const date = new Date(day).toISOString().slice(0, 10);
      const a = old.dayInfo(date);
      const b = now.dayInfo(date);
      if (a.working === b.working && JSON.stringify(a.hours) === JSON.stringify(b.hours)) continue;
      first = Math.min(first ?? day, day);
      last = Math.max(last ?? day, day);
    }
  }
  if (first === undefined || last === undefined) return undefined;
  return { from: new Date(first - VN_OFFSET_MS).toISOString(), to: new Date(last + 86_400_000 - VN_OFFSET_MS).toISOString() };
}

function later(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/**
 * Recomputes the due instants of every open case that runs on one of `calendars` (the calendar
 * fixed at its receipt, else its procedure's: calendarOfCase): the case's deadline and
 * appointment (unless an apology letter fixed it, the clock is stopped or processing is
 * finished), its open steps, the "due soon"/"overdue" timers and the abandonment timer of a
 * stopped clock. BPMN timers count elapsed time and do not move. Cases where nothing moved are
 * not touched; the others get a `case.deadlineRecomputed` event and a new case version (a
 * concurrent stale advance then gets 409). Cases are visited in id order, so two changes never
 * wait on each other's rows crosswise.
 */
async function recomputeDeadlines(
  trx: Tx,
  deps: ServiceDeps,
  specs: Readonly<Record<string, CalendarSpec>>,
  calendars: ReadonlySet<string>,
  changed: DaySpan | undefined,
  actor: Actor,
  context: { calendar: string; version: number; year?: number; notice?: string },
): Promise<RecomputedCase[]> {
  // Cases whose row names no calendar run on their procedure's.
  const versions = await trx.selectFrom('procedure_versions').select(['process_id', 'version', 'procedure']).execute();
  const byProcess = new Map<string, number[]>();
  for (const v of versions) {
    const calendar = fromJson<{ calendar?: string }>(v.procedure, {}).calendar;
    if (!calendars.has(effectiveCalendarId(specs, calendar))) continue;
    byProcess.set(v.process_id, [...(byProcess.get(v.process_id) ?? []), v.version]);
  }
  let query = trx
    .selectFrom('cases')
    .selectAll()
    .where('ended_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('calendar', 'in', [...calendars]),
        // A name no calendar has computes with the default.
        ...(calendars.has(DEFAULT_CALENDAR_ID) ? [eb('calendar', 'not in', knownCalendarNames(specs))] : []),
        ...(byProcess.size > 0 ? [eb.and([eb('calendar', 'is', null), eb.or([...byProcess].map(([processId, list]) => eb.and([eb('process_id', '=', processId), eb('version', 'in', list)])))])] : []),
      ]),
    );
  if (changed) {
    // A due instant moves only when a changed day lies between where its counting starts (never
    // before the effective start) and the instant itself: skip cases wholly before or after the days.
    query = query
      .where('effective_start', '<', changed.to)
      .where((eb) =>
        eb.or([
          eb('due_at', 'is', null),
          eb('due_at', '>=', changed.from),
          eb.exists(eb.selectFrom('case_steps as s').select('s.step_key').whereRef('s.case_id', '=', 'cases.id').where('s.closed_at', 'is', null).where('s.due_at', '>=', changed.from)),
        ]),
      );
  }
  const rows = await query.orderBy('id').execute();

  const out: RecomputedCase[] = [];
  for (let start = 0; start < rows.length; start += PREFETCH) {
    const batch = rows.slice(start, start + PREFETCH);
    const ids = batch.map((r) => r.id);
    // Open steps and deadline timers of the batch in two queries: most cases do not move, and reading is most of their cost.
    const stepRows = await trx.selectFrom('case_steps').select(['case_id', 'step_key', 'element_id', 'norm', 'opened_at', 'due_at']).where('case_id', 'in', ids).where('closed_at', 'is', null).where('outside_clock', '=', 0).execute();
    const timerRows = await trx.selectFrom('timers').select(['case_id', 'id', 'purpose', 'due_at']).where('case_id', 'in', ids).where('purpose', 'in', ['abandon', 'dueSoon']).where('fired_at', 'is', null).execute();
    const stepsOf = groupBy(stepRows, (s) => s.case_id);
    const timersOf = groupBy(timerRows, (t) => t.case_id);
    for (const row of batch) {
      const moved = await recomputeCase(trx, deps, specs, actor, context, row, stepsOf.get(row.id) ?? [], timersOf.get(row.id) ?? []);
      if (moved) out.push(moved);
    }
  }
  return out;
}

const PREFETCH = 500;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list) list.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}

/** One case of {@link recomputeDeadlines}; undefined when none of its due instants moved. */
async function recomputeCase(
  trx: Tx,
  deps: ServiceDeps,
  specs: Readonly<Record<string, CalendarSpec>>,
  actor: Actor,
  context: { calendar: string; version: number; year?: number; notice?: string },
  row: CaseRow,
  steps: readonly { step_key: string; element_id: string; norm: string | null; opened_at: string; due_at: string | null }[],
  timers: readonly { id: string; purpose: string; due_at: string }[],
): Promise<RecomputedCase | undefined> {
  const definition = await loadVersion(deps, row.process_id, row.version, { executor: trx });
  const procedure = definition.procedure;
  const calendarName = calendarOfCase(row, procedure);
  const calendarId = effectiveCalendarId(specs, calendarName);
  const calendar = deps.calendars(calendarName);
  const clock = fromJson<ClockInfo>(row.clock, {});

  // The case's deadline, as receiveCase / resumeClock computed it.
  let due: string | null = row.due_at;
  if (procedure.deadline && row.due_at !== null && !clock.stoppedAt && !clock.finishedAt && row.apology_count === 0) {
    const runningSince = clock.runningSince ?? row.effective_start;
    if (procedure.supplementMode === 'pause' && clock.workedMinutes !== undefined) {
      const total = calendar.workingMinutesBetween(row.effective_start, calendar.addNorm(row.effective_start, procedure.deadline));
      due = calendar.addNorm(runningSince, { amount: Math.max(0, total - clock.workedMinutes) / 60, unit: 'workingHours' });
    } else {
      due = calendar.addNorm(runningSince, procedure.deadline);
    }
  }
  const caseMoved = due !== row.due_at;

  const movedSteps: { stepKey: string; elementId: string; previousDueAt: string; dueAt: string }[] = [];
  for (const step of steps) {
    const norm = fromJson<Norm | null>(step.norm, null);
    if (!norm || step.due_at === null) continue;
    // As stepDueAt: the norm counts from the step's opening, or from the effective start if later.
    const stepDue = calendar.addNorm(later(step.opened_at, row.effective_start), norm);
    if (stepDue !== step.due_at) movedSteps.push({ stepKey: step.step_key, elementId: step.element_id, previousDueAt: step.due_at, dueAt: stepDue });
  }

  let abandon: { id: string; previousAt: string; at: string } | undefined;
  const abandonTimer = timers.find((t) => t.purpose === 'abandon');
  if (abandonTimer && clock.stoppedAt && procedure.abandonAfter) {
    const at = calendar.addNorm(clock.stoppedAt, procedure.abandonAfter);
    if (at !== abandonTimer.due_at) abandon = { id: abandonTimer.id, previousAt: abandonTimer.due_at, at };
  }
  // "Due soon" sits a working day before the deadline: a swap between them moves it even when the deadline stays.
  const dueSoonTimer = timers.find((t) => t.purpose === 'dueSoon');
  let dueSoonMoved = false;
  if (!caseMoved && dueSoonTimer && due !== null && !clock.stoppedAt) {
    const runningSince = clock.runningSince ?? row.effective_start;
    const total = calendar.workingMinutesBetween(runningSince, due);
    dueSoonMoved = total > deps.dueSoonMinutes && calendar.addNorm(runningSince, { amount: (total - deps.dueSoonMinutes) / 60, unit: 'workingHours' }) !== dueSoonTimer.due_at;
  }

  if (!caseMoved && movedSteps.length === 0 && !abandon && !dueSoonMoved) return undefined;

  // Claims the version read above: an advance that committed in between makes this a conflict, and the whole change is retried.
  const change = await readForChange(trx, deps, row.id, actor, row.case_version);
  for (const step of movedSteps) {
    // A step moved to a due instant still ahead is warned about again when it passes that one.
    const rearm = step.dueAt > change.now ? { overdue_notified_at: null } : {};
    await trx.updateTable('case_steps').set({ due_at: step.dueAt, ...rearm }).where('case_id', '=', row.id).where('step_key', '=', step.stepKey).where('closed_at', 'is', null).execute();
  }
  if (abandon) await trx.updateTable('timers').set({ due_at: abandon.at }).where('id', '=', abandon.id).execute();
  if (caseMoved) {
    change.update.due_at = due;
    change.update.appointment_at = due;
  }
  if (caseMoved || dueSoonMoved) await scheduleDeadlineTimers(trx, deps, change);
  change.event('case.deadlineRecomputed', {
    unit: row.unit_id,
    data: {
      calendar: calendarId,
      changedCalendar: context.calendar,
      calendarVersion: context.version,
      ...(context.year !== undefined && { year: context.year }),
      ...(context.notice !== undefined && { notice: context.notice }),
      ...(caseMoved && { previousAppointmentAt: row.appointment_at, appointmentAt: due, previousDueAt: row.due_at, dueAt: due }),
      ...(movedSteps.length > 0 && { steps: movedSteps }),
      ...(abandon && { previousAbandonAt: abandon.previousAt, abandonAt: abandon.at }),
    },
  });
  if (caseMoved) change.notify('case.appointmentChanged', { previousAppointmentAt: row.appointment_at, appointmentAt: due, reason: `calendar ${context.calendar}${context.notice ? ` (${context.notice})` : ''}`, applicant: fromJson<Record<string, unknown>>(row.applicant, {}) });
  await commitChange(trx, change);
  return { caseId: row.id, code: row.code, previousAppointmentAt: row.appointment_at, appointmentAt: caseMoved ? due : row.appointment_at, steps: movedSteps.length };
}


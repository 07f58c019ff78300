/**
 * Working calendars (paths absolute; mount with `app.route('/', calendarRoutes(deps))`):
 * - GET /api/calendars — every calendar (any user: forms and the editor show appointments);
 * - POST /api/calendars — a new unit calendar inheriting from a base (admin);
 * - GET /api/calendars/:name?year=YYYY — one calendar with its exceptional days of the year;
 * - PUT /api/calendars/:name/years/:year — replace the year's official notice (admin);
 * - PUT /api/calendars/:name/weekly-hours — office hours of a unit calendar (admin).
 * A change recomputes the due instants of the open cases using the calendar (services/calendars.ts);
 * `?dryRun=true` on any of the changes reports what it would do (diff, cases that would move) and stores nothing.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import { principalOrThrow, requireRole, requireUser } from '../auth/access.ts';
import type { AppEnv } from '../auth/principal.ts';
import { Problem } from '../errors.ts';
import { calendarView, createUnitCalendar, listCalendars, setWeeklyHours, setYearNotice } from '../services/calendars.ts';
import type { ServiceDeps } from '../services/context.ts';
import { actorOf } from './cases.ts';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const Hhmm = z.string().regex(/^\d{2}:\d{2}$/, 'a time HH:mm');
const Hours = z.array(z.tuple([Hhmm, Hhmm])).max(8);
const Text = (max: number) => z.string().trim().min(1).max(max);

const Day = z.strictObject({ date: IsoDate, working: z.boolean(), hours: Hours.optional(), reason: Text(500), notice: Text(100).optional() });
const Break = z.strictObject({ from: IsoDate, to: IsoDate, reason: Text(500), notice: Text(100).optional() });
const YearBody = z.strictObject({
  notice: Text(100),
  issuer: Text(300).optional(),
  issuedOn: IsoDate.optional(),
  source: Text(2000).optional(),
  holidays: z.record(z.string().regex(/^[A-Za-z][\w-]{0,49}$/, 'a holiday rule key such as tet'), z.array(IsoDate).max(31)).optional(),
  days: z.array(Day).max(366).optional(),
  breaks: z.array(Break).max(50).optional(),
  /** The calendar version the admin edited; a newer one is refused with 409 STALE_VERSION. */
  expectedVersion: z.number().int().positive().optional(),
});
const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const Weekly = z.partialRecord(z.enum(WEEKDAY_KEYS), Hours);
const NewBody = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, ".", "_" or "-"'),
  displayName: Text(300).optional(),
  base: Text(100),
  weeklyHours: Weekly.optional(),
});
const WeeklyBody = z.strictObject({
  weeklyHours: Weekly,
  expectedVersion: z.number().int().positive().optional(),
});

async function jsonBody<T extends z.ZodType>(c: Context<AppEnv>, schema: T): Promise<z.infer<T>> {
  let json: unknown;
  try {
    json = JSON.parse(await c.req.text());
  } catch {
    throw new Problem('VALIDATION', 'The request body must be JSON.');
  }
  return schema.parse(json);
}

/** `?dryRun=true`: validate and report what the change would do, store nothing. */
function dryRunOf(c: Context<AppEnv>): { dryRun?: boolean } {
  const value = c.req.query('dryRun');
  if (value === undefined || value === 'false') return {};
  if (value === 'true' || value === '') return { dryRun: true };
  throw new Problem('VALIDATION', 'dryRun must be true or false.');
}

function yearOf(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  if (!/^\d{4}$/.test(text)) throw new Problem('VALIDATION', `The year "${text}" must be four digits, e.g. 2027.`);
  return Number(text);
}

export function calendarRoutes(deps: ServiceDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const thisYear = (): number => Number(deps.clock.now().slice(0, 4));

  app.get('/api/calendars', requireUser(), async (c) => c.json(await listCalendars(deps)));

  app.post('/api/calendars', requireRole('admin'), async (c) => {
    const principal = principalOrThrow(c.get('principal'));
    const input = await jsonBody(c, NewBody);
    const result = await createUnitCalendar(
      deps,
      actorOf(c, principal),
      {
        name: input.name,
        base: input.base,
        ...(input.displayName !== undefined && { displayName: input.displayName }),
        ...(input.weeklyHours !== undefined && { weeklyHours: input.weeklyHours }),
      },
      dryRunOf(c),
    );
    return c.json(result, result.dryRun ? 200 : 201);
  });

  app.get('/api/calendars/:name', requireUser(), async (c) => c.json(await calendarView(deps, c.req.param('name'), yearOf(c.req.query('year'), thisYear()))));

  app.put('/api/calendars/:name/years/:year', requireRole('admin'), async (c) => {
    const principal = principalOrThrow(c.get('principal'));
    const year = yearOf(c.req.param('year'), thisYear());
    const { expectedVersion, ...notice } = await jsonBody(c, YearBody);
    const result = await setYearNotice(deps, actorOf(c, principal), c.req.param('name'), year, notice, { ...dryRunOf(c), ...(expectedVersion !== undefined && { expectedVersion }) });
    return c.json(result);
  });

  app.put('/api/calendars/:name/weekly-hours', requireRole('admin'), async (c) => {
    const principal = principalOrThrow(c.get('principal'));
    const { expectedVersion, weeklyHours } = await jsonBody(c, WeeklyBody);
    const result = await setWeeklyHours(deps, actorOf(c, principal), c.req.param('name'), weeklyHours, { ...dryRunOf(c), ...(expectedVersion !== undefined && { expectedVersion }) });
    return c.json(result);
  });

  return app;
}

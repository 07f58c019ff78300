/**
 * `quytrinh calendar`: working-calendar arithmetic from the command line.
 *
 *   quytrinh calendar due --from ISO --norm "<amount> <unit>" [--calendar NAME|file.json] [--cutoff HH:MM] [--db FILE|URL] [--json]
 *   quytrinh calendar days --year YYYY [--calendar NAME|file.json] [--db FILE|URL] [--json]
 *   quytrinh calendar plan <file.bpmn> --from ISO [--process ID] [--channel desk|online|post] [--calendar NAME|file.json] [--db FILE|URL] [--json]
 *   quytrinh calendar lunar --date YYYY-MM-DD [--json]
 *
 * `due` always prints JSON (effective start after the cut-off rule, then the due instant).
 * `days` prints every non-working weekday and worked rest day of the year with its reason.
 * `plan` prints each timed step's start and due instant along the longest path and the appointment.
 * `lunar` prints the Vietnamese lunar date of a day.
 * A calendar name means what it means to the server: the calendars an administrator keeps in the
 * server's database (read only: the command never creates, migrates or seeds a database), else,
 * when that database is missing or holds none, the built-in calendars (said in one line on stderr).
 * Exit 0 ok, 1 the diagram is refused (plan) or the calendar is unknown, 2 unusable arguments or unreadable file.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { DateTime } from 'luxon';
import { BUILTIN_CALENDARS, DEFAULT_CALENDAR_ID, createCalendar, formatNormVi, hasErrors, isEngineError, lunarOfEpochDay, parseIsoDate, parseNormText, planProcedure, readProcedure, toEpochMs, toVnDateTime } from '../../engine/index.ts';
import type { CalendarSpec, Channel, DayInfo, Diagnostic, ProcessModel, WorkingCalendar } from '../../engine/index.ts';
import { calendarStoreFor, listCalendars } from '../services/calendars.ts';
import { DEFAULT_DB_URL, createDb } from '../storage/db.ts';
import type { DbHandle } from '../storage/db.ts';
import { resolveDbUrl } from './audit.ts';
import { EXIT } from './index.ts';

const USAGE = `Usage:
  quytrinh calendar due --from ISO --norm "<amount> <unit>" [--calendar NAME|file.json] [--cutoff HH:MM] [--db FILE|URL] [--json]
  quytrinh calendar days --year YYYY [--calendar NAME|file.json] [--db FILE|URL] [--json]
  quytrinh calendar plan <file.bpmn> --from ISO [--process ID] [--channel desk|online|post] [--calendar NAME|file.json] [--db FILE|URL] [--json]
  quytrinh calendar lunar --date YYYY-MM-DD [--json]

Units: h|wh|working-hours, d|wd|working-days (1 = 8 working hours), cd|calendar-days.
Times without an offset are Vietnam time (UTC+7). Default cut-off 15:00.
Calendars (default ${DEFAULT_CALENDAR_ID}): those stored in the server's database, read only
(--db SQLite file or postgres:// URL; default $DATABASE_URL or ${DEFAULT_DB_URL}); when it is missing
or holds none, the built-in ${Object.keys(BUILTIN_CALENDARS).join(', ')}. Or a JSON calendar file (its base built-in).
`;

class UsageError extends Error {}

/** A calendar name that the calendars in use do not have: exit 1. */
class UnknownCalendarError extends Error {}

/** The diagram could not be planned: exit 1 with its diagnostics. */
class RefusedError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super('the diagram is refused');
  }
}

const FLAGS_WITH_VALUE = new Set(['--from', '--norm', '--calendar', '--cutoff', '--year', '--process', '--channel', '--date', '--db']);
const CHANNELS: readonly Channel[] = ['desk', 'online', 'post'];

function parseFlags(args: readonly string[]): { flags: Map<string, string>; json: boolean; positional: string[] } {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--json') {
      json = true;
      continue;
    }
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!FLAGS_WITH_VALUE.has(name)) throw new UsageError(`unknown option ${arg}`);
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    flags.set(name, value);
  }
  return { flags, json, positional };
}

function onlyFlags(flags: Map<string, string>, allowed: readonly string[], sub: string): void {
  for (const flag of flags.keys()) if (!allowed.includes(flag)) throw new UsageError(`${flag} does not apply to "${sub}"`);
}

/** The named calendars a command computes with, and where they come from. */
interface CalendarSet {
  readonly source: 'database' | 'built-in';
  readonly names: readonly string[];
  calendar(name: string): WorkingCalendar;
}

const BUILT_IN_SET: CalendarSet = {
  source: 'built-in',
  names: Object.keys(BUILTIN_CALENDARS),
  calendar: (name) => createCalendar(BUILTIN_CALENDARS[name]!),
};

/** A database URL for messages: a PostgreSQL password would end up in terminals and logs. */
function withoutPassword(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
}

function builtInBecause(reason: string): CalendarSet {
  process.stderr.write(`quytrinh calendar: ${reason}; using the built-in calendars\n`);
  return BUILT_IN_SET;
}

/**
 * The calendars the server at `url` computes with, through its own calendar store; the built-in
 * ones when there is no such database or it holds no calendars. Read only: the database is opened
 * read-only, and an empty table is not asked for (the store's first refresh would seed it).
 */
async function calendarSet(url: string): Promise<CalendarSet> {
  const where = withoutPassword(url);
  if (!/^postgres(ql)?:\/\//.test(url) && !existsSync(url.replace(/^(sqlite|file):(\/\/)?/, ''))) return builtInBecause(`no database at ${where}`);
  let handle: DbHandle | undefined;
  try {
    handle = createDb(url, { poolSize: 1, readOnly: true });
    const anyStored = await handle.db.selectFrom('calendars').select('name').limit(1).executeTakeFirst();
    if (!anyStored) return builtInBecause(`no calendars stored in ${where}`);
    const store = calendarStoreFor(handle);
    await store.refresh();
    const names = (await listCalendars({ db: handle })).map((c) => c.name);
    return { source: 'database', names, calendar: (name) => store.engineCalendar(name) };
  } catch (cause) {
    return builtInBecause(`cannot read the calendars of ${where} (${(cause as Error).message})`);
  } finally {
    await handle?.close();
  }
}

/** The calendar a command computes with and where it came from: a JSON file as is, a name from {@link calendarSet}. */
async function loadCalendar(name: string | undefined, db: string | undefined): Promise<{ calendar: WorkingCalendar; source: CalendarSet['source'] | 'file' }> {
  const id = name ?? DEFAULT_CALENDAR_ID;
  if (id.endsWith('.json')) {
    if (db !== undefined) throw new UsageError('--db does not apply to a calendar file');
    let spec: CalendarSpec;
    try {
      spec = JSON.parse(await readFile(id, 'utf8')) as CalendarSpec;
    } catch (cause) {
      throw new UsageError(`cannot read calendar file ${id}: ${(cause as Error).message}`);
    }
    return { calendar: createCalendar(spec), source: 'file' };
  }
  const set = await calendarSet(resolveDbUrl(db));
  // The store answers a name it does not know with the default calendar, as the server must for a
  // procedure's attribute; a name asked for here is checked first, so a typo is not computed silently.
  if (!set.names.includes(id)) throw new UnknownCalendarError(`unknown calendar "${id}"; the ${set.source} calendars are ${set.names.join(', ')}`);
  return { calendar: set.calendar(id), source: set.source };
}

function describeDay(day: DayInfo): string {
  const status = day.working ? `làm việc ${day.hours.map(([a, b]) => `${a}–${b}`).join(', ')}` : 'nghỉ';
  return `${day.date}  ${day.weekday.padEnd(8)}  ${status.padEnd(30)}  ${day.reason ?? ''}${day.notice ? ` [${day.notice}]` : ''}`;
}

async function due(flags: Map<string, string>): Promise<string> {
  const from = flags.get('--from');
  const normText = flags.get('--norm');
  if (!from || !normText) throw new UsageError('due needs --from and --norm');
  onlyFlags(flags, ['--from', '--norm', '--calendar', '--cutoff', '--db'], 'due');
  const norm = parseNormText(normText);
  if (!norm) throw new UsageError(`--norm "${normText}" is not "<amount> <unit>"`);
  const receivedMs = toEpochMs(from);
  const { calendar, source } = await loadCalendar(flags.get('--calendar'), flags.get('--db'));
  const cutoff = flags.get('--cutoff') ?? '15:00';
  const effectiveStart = calendar.effectiveStart(receivedMs, cutoff);
  const dueAt = calendar.addNorm(effectiveStart, norm);
  return `${JSON.stringify(
    {
      calendar: calendar.id,
      source,
      receivedAt: toVnDateTime(receivedMs).toISO(),
      cutoff,
      effectiveStart: effectiveStart.toISO(),
      norm: { ...norm, text: formatNormVi(norm) },
      dueAt: dueAt.toISO(),
    },
    null,
    2,
  )}\n`;
}

async function days(flags: Map<string, string>, json: boolean): Promise<string> {
  const yearText = flags.get('--year');
  if (!yearText || !/^\d{4}$/.test(yearText)) throw new UsageError('days needs --year YYYY');
  onlyFlags(flags, ['--year', '--calendar', '--db'], 'days');
  const { calendar, source } = await loadCalendar(flags.get('--calendar'), flags.get('--db'));
  const list = calendar.exceptionalDays(Number(yearText));
  if (json) return `${JSON.stringify({ calendar: calendar.id, source, year: Number(yearText), days: list }, null, 2)}\n`;
  const header = `${calendar.spec.name ?? calendar.id} — ${yearText}: ngày nghỉ trong tuần và ngày làm bù`;
  return `${header}\n${list.map(describeDay).join('\n')}\n`;
}

async function plan(flags: Map<string, string>, json: boolean, positional: readonly string[]): Promise<string> {
  onlyFlags(flags, ['--from', '--process', '--channel', '--calendar', '--db'], 'plan');
  const file = positional[0];
  const from = flags.get('--from');
  if (positional.length !== 1 || !file || !from) throw new UsageError('plan needs one <file.bpmn> and --from');
  const channel = flags.get('--channel');
  if (channel !== undefined && !(CHANNELS as readonly string[]).includes(channel)) throw new UsageError(`--channel must be one of ${CHANNELS.join(', ')}`);
  let xml: string;
  try {
    xml = await readFile(file, 'utf8');
  } catch (cause) {
    throw new UsageError(`cannot read ${file}: ${(cause as Error).message}`);
  }
  let processes: readonly ProcessModel[];
  try {
    const read = await readProcedure(xml);
    if (hasErrors(read.diagnostics)) throw new RefusedError(read.diagnostics);
    processes = read.definitions.processes;
  } catch (cause) {
    if (isEngineError(cause)) throw new RefusedError(cause.diagnostics);
    throw cause;
  }
  const wanted = flags.get('--process');
  const model = wanted ? processes.find((p) => p.id === wanted) : (processes.find((p) => p.isExecutable) ?? processes[0]);
  if (!model) throw new UsageError(wanted ? `no process "${wanted}" in ${file}; it has ${processes.map((p) => p.id).join(', ')}` : `${file} has no process`);
  const { calendar, source } = await loadCalendar(flags.get('--calendar') ?? model.procedure.calendar, flags.get('--db'));
  const result = planProcedure(model, from, calendar, { ...(channel ? { channel: channel as Channel } : {}), resolveCalled: (id) => processes.find((p) => p.id === id) });
  const steps = result.steps.map((s) => ({ elementId: s.elementId, name: s.name ?? null, norm: s.norm ?? null, startAt: s.startAt.toISO(), dueAt: s.dueAt.toISO() }));
  const summary = {
    process: model.id,
    calendar: calendar.id,
    source,
    receivedAt: result.receivedAt.toISO(),
    cutoff: result.cutoff,
    effectiveStart: result.effectiveStart.toISO(),
    steps,
    pathEnd: result.pathEnd.toISO(),
    deadlineDueAt: result.deadlineDueAt?.toISO() ?? null,
    appointment: result.appointment.toISO(),
  };
  if (json) return `${JSON.stringify(summary, null, 2)}\n`;
  const when = (instant: DateTime) => instant.toFormat('HH:mm dd/MM/yyyy');
  const lines = result.steps.map((s) => `  ${when(s.startAt)} → ${when(s.dueAt)}  ${(s.norm ? formatNormVi(s.norm) : 'không định mức').padEnd(18)}  ${s.name ?? s.elementId}`);
  return `${model.name ?? model.id} (${calendar.id})\nNhận hồ sơ ${when(result.receivedAt)}, bắt đầu tính ${when(result.effectiveStart)}\n${lines.join('\n')}\nNgày hẹn trả kết quả: ${when(result.appointment)}\n`;
}

const LUNAR_MONTHS = ['Giêng', 'Hai', 'Ba', 'Tư', 'Năm', 'Sáu', 'Bảy', 'Tám', 'Chín', 'Mười', 'Một', 'Chạp'];

function lunar(flags: Map<string, string>, json: boolean): string {
  onlyFlags(flags, ['--date'], 'lunar');
  const date = flags.get('--date');
  const epochDay = date === undefined ? undefined : parseIsoDate(date);
  if (epochDay === undefined) throw new UsageError('lunar needs --date YYYY-MM-DD');
  const result = lunarOfEpochDay(epochDay);
  if (json) return `${JSON.stringify({ date, lunar: result })}\n`;
  const day = result.day <= 10 ? `mùng ${result.day}` : String(result.day);
  return `${date}: ${day} tháng ${LUNAR_MONTHS[result.month - 1]}${result.leap ? ' (nhuận)' : ''} năm âm lịch ${result.year} (tháng ${result.monthLength} ngày)\n`;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  try {
    const { flags, json, positional } = parseFlags(rest);
    if (sub !== 'plan' && positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
    switch (sub) {
      case 'due':
        process.stdout.write(await due(flags));
        break;
      case 'days':
        process.stdout.write(await days(flags, json));
        break;
      case 'plan':
        process.stdout.write(await plan(flags, json, positional));
        break;
      case 'lunar':
        process.stdout.write(lunar(flags, json));
        break;
      default:
        throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'give a subcommand');
    }
    return EXIT.ok;
  } catch (cause) {
    if (cause instanceof RefusedError) {
      process.stderr.write(`quytrinh calendar plan: the diagram is refused\n${cause.diagnostics.map((d) => `${d.severity} ${d.code} ${d.elementId ?? '(document)'}: ${d.message}`).join('\n')}\n`);
      return EXIT.refused;
    }
    if (cause instanceof UnknownCalendarError) {
      process.stderr.write(`quytrinh calendar: ${cause.message}\n`);
      return EXIT.refused;
    }
    if (cause instanceof UsageError || isEngineError(cause)) {
      process.stderr.write(`quytrinh calendar: ${cause.message}\n${USAGE}`);
      return EXIT.usage;
    }
    throw cause;
  }
}

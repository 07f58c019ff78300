/**
 * `quytrinh calendar`: working-calendar arithmetic from the command line.
 *
 *   quytrinh calendar due --from ISO --norm "<amount> <unit>" [--calendar NAME|file.json] [--cutoff HH:MM] [--json]
 *   quytrinh calendar days --year YYYY [--calendar NAME|file.json] [--json]
 *
 * `due` always prints JSON (effective start after the cut-off rule, then the due instant).
 * `days` prints every non-working weekday and worked rest day of the year with its reason.
 * Exit 0 ok, 2 unusable arguments.
 */
import { readFile } from 'node:fs/promises';
import { BUILTIN_CALENDARS, DEFAULT_CALENDAR_ID, createCalendar, formatNormVi, isEngineError, parseNormText, toEpochMs, toVnDateTime } from '../../engine/index.ts';
import type { CalendarSpec, DayInfo, WorkingCalendar } from '../../engine/index.ts';
import { EXIT } from './index.ts';

const USAGE = `Usage:
  quytrinh calendar due --from ISO --norm "<amount> <unit>" [--calendar NAME|file.json] [--cutoff HH:MM] [--json]
  quytrinh calendar days --year YYYY [--calendar NAME|file.json] [--json]

Units: h|wh|working-hours, d|wd|working-days (1 = 8 working hours), cd|calendar-days.
Times without an offset are Vietnam time (UTC+7). Default cut-off 15:00.
Calendars: ${Object.keys(BUILTIN_CALENDARS).join(', ')} (default ${DEFAULT_CALENDAR_ID}), or a JSON calendar file.
`;

class UsageError extends Error {}

const FLAGS_WITH_VALUE = new Set(['--from', '--norm', '--calendar', '--cutoff', '--year']);

function parseFlags(args: readonly string[]): { flags: Map<string, string>; json: boolean } {
  const flags = new Map<string, string>();
  let json = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--json') {
      json = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!FLAGS_WITH_VALUE.has(name)) throw new UsageError(`unknown option ${arg}`);
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    flags.set(name, value);
  }
  return { flags, json };
}

async function loadCalendar(name: string | undefined): Promise<WorkingCalendar> {
  const id = name ?? DEFAULT_CALENDAR_ID;
  let spec: CalendarSpec | undefined = BUILTIN_CALENDARS[id];
  if (!spec && id.endsWith('.json')) {
    try {
      spec = JSON.parse(await readFile(id, 'utf8')) as CalendarSpec;
    } catch (cause) {
      throw new UsageError(`cannot read calendar file ${id}: ${(cause as Error).message}`);
    }
  }
  if (!spec) throw new UsageError(`unknown calendar "${id}"`);
  return createCalendar(spec);
}

function describeDay(day: DayInfo): string {
  const status = day.working ? `làm việc ${day.hours.map(([a, b]) => `${a}–${b}`).join(', ')}` : 'nghỉ';
  return `${day.date}  ${day.weekday.padEnd(8)}  ${status.padEnd(30)}  ${day.reason ?? ''}${day.notice ? ` [${day.notice}]` : ''}`;
}

async function due(flags: Map<string, string>): Promise<string> {
  const from = flags.get('--from');
  const normText = flags.get('--norm');
  if (!from || !normText) throw new UsageError('due needs --from and --norm');
  for (const flag of flags.keys()) if (flag === '--year') throw new UsageError('--year belongs to "days"');
  const norm = parseNormText(normText);
  if (!norm) throw new UsageError(`--norm "${normText}" is not "<amount> <unit>"`);
  const calendar = await loadCalendar(flags.get('--calendar'));
  const cutoff = flags.get('--cutoff') ?? '15:00';
  const effectiveStart = calendar.effectiveStart(from, cutoff);
  const dueAt = calendar.addNorm(effectiveStart, norm);
  return `${JSON.stringify(
    {
      calendar: calendar.id,
      receivedAt: toVnDateTime(toEpochMs(from)).toISO(),
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
  for (const flag of flags.keys()) if (flag !== '--year' && flag !== '--calendar') throw new UsageError(`${flag} belongs to "due"`);
  const calendar = await loadCalendar(flags.get('--calendar'));
  const list = calendar.exceptionalDays(Number(yearText));
  if (json) return `${JSON.stringify({ calendar: calendar.id, year: Number(yearText), days: list }, null, 2)}\n`;
  const header = `${calendar.spec.name ?? calendar.id} — ${yearText}: ngày nghỉ trong tuần và ngày làm bù`;
  return `${header}\n${list.map(describeDay).join('\n')}\n`;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  try {
    if (sub !== 'due' && sub !== 'days') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'give a subcommand');
    const { flags, json } = parseFlags(rest);
    process.stdout.write(sub === 'due' ? await due(flags) : await days(flags, json));
    return EXIT.ok;
  } catch (cause) {
    if (cause instanceof UsageError || isEngineError(cause)) {
      process.stderr.write(`quytrinh calendar: ${cause.message}\n${USAGE}`);
      return EXIT.usage;
    }
    throw cause;
  }
}

/**
 * `quytrinh export --db URL --format csv|json|xes [--process ID] [--from DATE --to DATE] [--out FILE]`:
 * the step-time audit of the cases received in a period — CSV for spreadsheets (UTF-8 with a
 * BOM), JSON with per-case timeliness and per-step statistics, or XES for process mining.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import {
  caseTimeliness, intervalsToCsv, intervalsToXes, stepIntervals, stepStatistics, summarizeTimeliness,
  type AuditEvent, type CaseTimeliness, type StepInterval,
} from '../../engine/index.ts';
import type { CalendarSpec } from '../../engine/index.ts';
import { caseAuditEvents } from '../documents/load.ts';
import { calendarResolver } from '../services/engine-adapter.ts';
import type { DbOrTx } from '../storage/db.ts';
import { openExistingDb, resolveDbUrl } from './audit.ts';
import { EXIT } from './index.ts';

const USAGE = `Usage: quytrinh export [--db URL] --format csv|json|xes [--process ID] [--from DATE] [--to DATE] [--out FILE]
  --db       SQLite file or postgres:// URL (default: $DATABASE_URL or ./data/quytrinh.db)
  --format   csv (step intervals, UTF-8 with BOM for Excel), json (cases, step statistics, intervals), xes (process mining)
  --process  only cases of this procedure (process id)
  --from/--to  receipt dates, inclusive, YYYY-MM-DD in Vietnamese time (or ISO instants)
  --out      write to this file instead of standard output
`;

const FORMATS = ['csv', 'json', 'xes'] as const;
type Format = (typeof FORMATS)[number];
const ZONE = 'Asia/Ho_Chi_Minh';

/** A date (whole local day) or an instant; undefined when unreadable. */
function bound(text: string, edge: 'start' | 'end'): string | undefined {
  const isDate = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const d = DateTime.fromISO(text, { zone: ZONE });
  if (!d.isValid) return undefined;
  const at = isDate ? (edge === 'start' ? d.startOf('day') : d.endOf('day')) : d;
  return at.toUTC().toISO()!;
}

export interface ExportFilter {
  readonly processId?: string;
  readonly from?: string;
  readonly to?: string;
}

export interface ExportData {
  readonly intervals: StepInterval[];
  readonly cases: CaseTimeliness[];
  readonly codes: Map<string, string>;
}

/** Reads the cases of the filter and reduces their audit logs, each with its procedure's calendar. */
export async function collectExport(db: DbOrTx, filter: ExportFilter, now: string): Promise<ExportData> {
  let query = db.selectFrom('cases').innerJoin('procedure_versions as v', (j) => j.onRef('v.process_id', '=', 'cases.process_id').onRef('v.version', '=', 'cases.version')).select(['cases.id', 'cases.code', 'v.procedure']).orderBy('cases.received_at').orderBy('cases.code');
  if (filter.processId) query = query.where('cases.process_id', '=', filter.processId);
  if (filter.from) query = query.where('cases.received_at', '>=', filter.from);
  if (filter.to) query = query.where('cases.received_at', '<=', filter.to);
  const rows = await query.execute();
  const specs: Record<string, CalendarSpec> = {};
  // Calendars edited by admins override the built-in ones of the same name.
  for (const c of await db.selectFrom('calendars').select(['name', 'spec']).execute()) {
    try {
      specs[c.name] = JSON.parse(c.spec) as CalendarSpec;
    } catch {
      process.stderr.write(`quytrinh export: calendar "${c.name}" is not valid JSON; using the built-in calendar instead\n`);
    }
  }
  const calendars = calendarResolver(specs);
  const intervals: StepInterval[] = [];
  const cases: CaseTimeliness[] = [];
  const codes = new Map<string, string>();
  for (const row of rows) {
    codes.set(row.id, row.code);
    const calendarName = (JSON.parse(row.procedure) as { calendar?: string }).calendar;
    const events: AuditEvent[] = await caseAuditEvents(db, row.id);
    intervals.push(...stepIntervals(events, { workingTime: calendars(calendarName), now }));
    cases.push(...caseTimeliness(events, now));
  }
  return { intervals, cases, codes };
}

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { db: { type: 'string' }, format: { type: 'string' }, process: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    process.stderr.write(`quytrinh export: ${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const format = values.format as Format | undefined;
  if (!format || !FORMATS.includes(format)) {
    process.stderr.write(`quytrinh export: --format must be one of ${FORMATS.join(', ')}\n${USAGE}`);
    return EXIT.usage;
  }
  const from = values.from === undefined ? undefined : bound(values.from, 'start');
  const to = values.to === undefined ? undefined : bound(values.to, 'end');
  if ((values.from !== undefined && !from) || (values.to !== undefined && !to)) {
    process.stderr.write(`quytrinh export: --from/--to must be dates (YYYY-MM-DD) or ISO instants\n${USAGE}`);
    return EXIT.usage;
  }
  const handle = openExistingDb(resolveDbUrl(values.db));
  if (!handle) return EXIT.usage;
  try {
    const now = new Date().toISOString();
    const filter: ExportFilter = { ...(values.process && { processId: values.process }), ...(from && { from }), ...(to && { to }) };
    const data = await collectExport(handle.db, filter, now);
    let output: string;
    if (format === 'csv') output = intervalsToCsv(data.intervals, { codes: data.codes });
    else if (format === 'xes') output = intervalsToXes(data.intervals, { codes: data.codes, logName: `quytrinh step-time audit${values.process ? ` ${values.process}` : ''}` });
    else {
      output = `${JSON.stringify({ generatedAt: now, filter, summary: summarizeTimeliness(data.cases), cases: data.cases.map((c) => ({ ...c, code: data.codes.get(c.caseId) })), steps: stepStatistics(data.intervals), intervals: data.intervals }, null, 2)}\n`;
    }
    if (values.out) {
      writeFileSync(values.out, output, 'utf8');
      process.stderr.write(`quytrinh export: ${data.codes.size} cases, ${data.intervals.length} step intervals → ${values.out}\n`);
    } else process.stdout.write(output);
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`quytrinh export: ${(error as Error).message}\n`);
    return EXIT.usage;
  } finally {
    await handle.close();
  }
}

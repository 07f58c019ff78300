/**
 * `quytrinh export --db URL --format csv|json|xes [--process ID [--version N]] [--from DATE --to DATE] [--out FILE]`:
 * the step-time audit of the cases received in a period — CSV for spreadsheets (UTF-8 with a
 * BOM), JSON with per-case timeliness and per-step statistics, or XES for process mining.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { collectAuditData, EXPORT_FORMATS, formatAuditData, periodBound, type AuditFilter, type ExportFormat } from '../audit/reports.ts';
import { openExistingDb, resolveDbUrl } from './audit.ts';
import { EXIT } from './index.ts';

const USAGE = `Usage: quytrinh export [--db URL] --format csv|json|xes [--process ID [--version N]] [--from DATE] [--to DATE] [--out FILE]
  --db       SQLite file or postgres:// URL (default: $DATABASE_URL or ./data/quytrinh.db)
  --format   csv (step intervals, UTF-8 with BOM for Excel), json (cases, step statistics, intervals), xes (process mining)
  --process  only cases of this procedure (process id)
  --version  only cases of this version of it
  --from/--to  receipt dates, inclusive, YYYY-MM-DD in Vietnamese time (or ISO instants)
  --out      write to this file instead of standard output
`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { db: { type: 'string' }, format: { type: 'string' }, process: { type: 'string' }, version: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    process.stderr.write(`quytrinh export: ${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const format = values.format as ExportFormat | undefined;
  if (!format || !EXPORT_FORMATS.includes(format)) {
    process.stderr.write(`quytrinh export: --format must be one of ${EXPORT_FORMATS.join(', ')}\n${USAGE}`);
    return EXIT.usage;
  }
  const from = values.from === undefined ? undefined : periodBound(values.from, 'start');
  const to = values.to === undefined ? undefined : periodBound(values.to, 'end');
  if ((values.from !== undefined && !from) || (values.to !== undefined && !to)) {
    process.stderr.write(`quytrinh export: --from/--to must be dates (YYYY-MM-DD) or ISO instants\n${USAGE}`);
    return EXIT.usage;
  }
  const version = values.version === undefined ? undefined : Number(values.version);
  if (version !== undefined && (!Number.isInteger(version) || version < 1 || !values.process)) {
    process.stderr.write(`quytrinh export: --version must be a positive integer and needs --process\n${USAGE}`);
    return EXIT.usage;
  }
  const handle = openExistingDb(resolveDbUrl(values.db));
  if (!handle) return EXIT.usage;
  try {
    const now = new Date().toISOString();
    const filter: AuditFilter = { ...(values.process && { processId: values.process }), ...(version !== undefined && { version }), ...(from && { from }), ...(to && { to }) };
    const data = await collectAuditData(handle.db, filter, now);
    const output = formatAuditData(data, format, { now, filter }).body;
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

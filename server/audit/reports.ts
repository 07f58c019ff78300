/**
 * Reviewer reports over the audit log: the step-time export (CSV/JSON/XES), per-step statistics
 * of a procedure (the heatmap's figures) and the simplification review of two versions. Each
 * case is measured with its own procedure's working calendar.
 */
import { DateTime } from 'luxon';
import {
  caseTimeliness, intervalsToCsv, intervalsToXes, readProcedure, simplificationReview, statisticsByUnit, stepIntervals, stepStatistics, summarizeTimeliness,
  type AuditEvent, type CalendarSpec, type CaseTimeliness, type ProcessModel, type SimplificationReview, type StepInterval, type StepStatistics, type TimelinessSummary, type UnitStatistics,
} from '../../engine/index.ts';
import { caseAuditEvents } from '../documents/load.ts';
import { notFound, Problem } from '../errors.ts';
import { calendarOfCase } from '../services/advance.ts';
import { calendarResolver } from '../services/engine-adapter.ts';
import type { DbOrTx } from '../storage/db.ts';

export interface AuditFilter {
  readonly processId?: string;
  readonly version?: number;
  /** Receipt instants, inclusive (storage form or any ISO instant). */
  readonly from?: string;
  readonly to?: string;
}

export interface AuditData {
  readonly intervals: StepInterval[];
  readonly cases: CaseTimeliness[];
  /** Case id → case code. */
  readonly codes: Map<string, string>;
}

const ZONE = 'Asia/Ho_Chi_Minh';

/**
 * A period bound from user input: a date means the whole local day (start or end), an ISO
 * instant is taken as is; undefined when unreadable.
 *
 * @example periodBound('2026-03-02', 'end') // '2026-03-02T16:59:59.999Z'
 */
export function periodBound(text: string, edge: 'start' | 'end'): string | undefined {
  const isDate = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const d = DateTime.fromISO(text, { zone: ZONE });
  if (!d.isValid) return undefined;
  const at = isDate ? (edge === 'start' ? d.startOf('day') : d.endOf('day')) : d;
  return at.toUTC().toISO()!;
}

async function calendarsOf(db: DbOrTx) {
  // Calendars edited by admins override the built-in ones of the same name.
  const specs: Record<string, CalendarSpec> = {};
  for (const c of await db.selectFrom('calendars').select(['name', 'spec']).execute()) {
    try {
      specs[c.name] = JSON.parse(c.spec) as CalendarSpec;
    } catch {
      // An unreadable row falls back to the built-in calendar of that name.
    }
  }
  return calendarResolver(specs);
}

/** Reads the cases of the filter (by receipt time, then code) and reduces their audit logs. */
export async function collectAuditData(db: DbOrTx, filter: AuditFilter, now: string): Promise<AuditData> {
  let query = db
    .selectFrom('cases')
    .innerJoin('procedure_versions as v', (j) => j.onRef('v.process_id', '=', 'cases.process_id').onRef('v.version', '=', 'cases.version'))
    .select(['cases.id', 'cases.code', 'cases.calendar', 'v.procedure'])
    .orderBy('cases.received_at')
    .orderBy('cases.code');
  if (filter.processId) query = query.where('cases.process_id', '=', filter.processId);
  if (filter.version !== undefined) query = query.where('cases.version', '=', filter.version);
  if (filter.from) query = query.where('cases.received_at', '>=', new Date(filter.from).toISOString());
  if (filter.to) query = query.where('cases.received_at', '<=', new Date(filter.to).toISOString());
  const rows = await query.execute();
  const calendars = await calendarsOf(db);
  const intervals: StepInterval[] = [];
  const cases: CaseTimeliness[] = [];
  const codes = new Map<string, string>();
  for (const row of rows) {
    codes.set(row.id, row.code);
    const calendarName = calendarOfCase(row, JSON.parse(row.procedure) as { calendar?: string });
    const events: AuditEvent[] = await caseAuditEvents(db, row.id);
    intervals.push(...stepIntervals(events, { workingTime: calendars(calendarName), now }));
    cases.push(...caseTimeliness(events, now));
  }
  return { intervals, cases, codes };
}

export const EXPORT_FORMATS = ['csv', 'json', 'xes'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The export body and its media type. */
export function formatAuditData(data: AuditData, format: ExportFormat, meta: { now: string; filter: AuditFilter }): { body: string; contentType: string } {
  if (format === 'csv') return { body: intervalsToCsv(data.intervals, { codes: data.codes }), contentType: 'text/csv; charset=utf-8' };
  if (format === 'xes') return { body: intervalsToXes(data.intervals, { codes: data.codes, logName: `quytrinh step-time audit${meta.filter.processId ? ` ${meta.filter.processId}` : ''}` }), contentType: 'application/xml; charset=utf-8' };
  const json = {
    generatedAt: meta.now,
    filter: meta.filter,
    summary: summarizeTimeliness(data.cases),
    cases: data.cases.map((c) => ({ ...c, code: data.codes.get(c.caseId) })),
    steps: stepStatistics(data.intervals),
    intervals: data.intervals,
  };
  return { body: `${JSON.stringify(json, null, 2)}\n`, contentType: 'application/json; charset=utf-8' };
}

export interface ProcedureStatistics {
  readonly processId: string;
  readonly version?: number;
  readonly summary: TimelinessSummary;
  readonly steps: StepStatistics[];
  /** On-time figures per unit that owned steps. */
  readonly units: UnitStatistics[];
}

/** Per-step statistics and the case summary of one procedure (optionally one version, one period). */
export async function procedureStatistics(db: DbOrTx, filter: AuditFilter & { processId: string }, now: string): Promise<ProcedureStatistics> {
  const data = await collectAuditData(db, filter, now);
  return { processId: filter.processId, ...(filter.version !== undefined && { version: filter.version }), summary: summarizeTimeliness(data.cases), steps: stepStatistics(data.intervals), units: statisticsByUnit(data.intervals) };
}

async function processModel(db: DbOrTx, processId: string, version: number): Promise<ProcessModel> {
  const row = await db.selectFrom('procedure_versions').select('xml').where('process_id', '=', processId).where('version', '=', version).executeTakeFirst();
  if (!row) throw notFound(`Version ${version} of procedure ${processId}`);
  const { definitions } = await readProcedure(row.xml);
  const model = definitions.processes.find((p) => p.id === processId);
  if (!model) throw new Problem('CONFLICT', `Version ${version} of ${processId} does not contain that process any more.`);
  return model;
}

/**
 * The simplification review of two versions of a procedure, with each version's measured
 * step statistics.
 */
export async function procedureReview(db: DbOrTx, processId: string, before: number, after: number, now: string): Promise<SimplificationReview> {
  const [modelBefore, modelAfter] = await Promise.all([processModel(db, processId, before), processModel(db, processId, after)]);
  const [statsBefore, statsAfter] = await Promise.all([
    procedureStatistics(db, { processId, version: before }, now),
    procedureStatistics(db, { processId, version: after }, now),
  ]);
  return simplificationReview(modelBefore, modelAfter, { before: statsBefore.steps, after: statsAfter.steps });
}

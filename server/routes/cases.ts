/**
 * Cases, their steps and the officer's actions; the inbox; the step-time audit of a case.
 * Every handler checks who may act (role in unit) before calling a service.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import { intervalsToCsv, intervalsToXes, stepIntervals } from '../../engine/index.ts';
import type { AuditEvent, AuditEventType } from '../../engine/index.ts';
import { canActOnStep, canSeeUnit, hasRole, principalOrThrow, unitsOf } from '../auth/access.ts';
import type { AppEnv, Principal } from '../auth/principal.ts';
import { Problem, forbidden, notFound } from '../errors.ts';
import { calendarOfCase } from '../services/advance.ts';
import { caseDetail, caseHistory, caseUnits, claimStep, closeCase, completeStep, inbox, issueApology, listCases, receiveCase, recordResubmission, requestSupplement, stepOwner } from '../services/cases.ts';
import type { CaseDetail } from '../services/cases.ts';
import type { Actor, ServiceDeps } from '../services/context.ts';
import { loadVersion } from '../services/definitions.ts';

const Json = z.record(z.string(), z.unknown());
const Instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 instant, e.g. 2026-03-02T08:00:00+07:00');

const ReceiveBody = z.object({
  processId: z.string().min(1),
  version: z.number().int().positive().optional(),
  applicant: z.object({ name: z.string().trim().min(1).max(300), idNumber: z.string().max(50).optional(), phone: z.string().max(50).optional(), email: z.string().max(200).optional(), address: z.string().max(500).optional() }),
  channel: z.enum(['desk', 'online', 'post']),
  unitId: z.string().min(1),
  receivedAt: Instant.optional(),
  data: Json.optional(),
});
const VersionBody = z.object({ caseVersion: z.number().int().positive().optional() });
const CompleteBody = VersionBody.extend({ outcome: z.string().min(1).optional(), data: Json.optional(), comment: z.string().max(4000).optional() });
const SupplementBody = VersionBody.extend({ reason: z.string().trim().min(1).max(4000), items: z.array(z.string().max(500)).max(100).optional() });
const ResubmissionBody = VersionBody.extend({ data: Json.optional() });
const ApologyBody = VersionBody.extend({ reason: z.string().trim().min(1).max(4000), newAppointmentAt: Instant, signedBy: z.string().trim().min(1).max(300) });
const CloseBody = VersionBody.extend({ reason: z.string().trim().max(4000).optional() });
const ListQuery = z.object({
  status: z.coerce.number().int().min(1).max(10).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  dueSoon: z.enum(['true', 'false']).optional(),
  unitId: z.string().optional(),
  processId: z.string().optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  q: z.string().max(200).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export function actorOf(c: Context<AppEnv>, principal: Principal | undefined): Actor {
  return { ...(principal ? { userId: principal.userId, username: principal.username } : {}), requestId: c.get('requestId') };
}

async function body<T extends z.ZodType>(c: Context<AppEnv>, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw new Problem('VALIDATION', 'The request body is not valid JSON.');
    }
  }
  return schema.parse(json);
}

/** Who may see a case: reviewers/admins, or anyone holding a role in its unit or in a unit of one of its steps. */
async function assertCanSee(deps: ServiceDeps, principal: Principal, caseId: string): Promise<{ unitId: string; involvedUnits: string[] }> {
  const units = await caseUnits(deps.db.db, caseId);
  if (!units) throw notFound(`Case ${caseId}`);
  if (canSeeUnit(principal, units.unitId) || units.involvedUnits.some((u) => principal.roles.some((r) => r.unitId === u))) return units;
  throw forbidden('This case belongs to a unit you do not work in.');
}

/** Case-level actions (supplement, apology, withdraw…) need an officer or unit head of a unit involved. */
async function assertCaseWorker(deps: ServiceDeps, principal: Principal, caseId: string): Promise<void> {
  const units = await assertCanSee(deps, principal, caseId);
  const involved = new Set([units.unitId, ...units.involvedUnits]);
  if (!principal.roles.some((r) => (r.role === 'officer' || r.role === 'unitHead') && involved.has(r.unitId))) {
    throw forbidden('Only an officer or unit head of a unit working on this case may do this.');
  }
}

async function assertStepWorker(deps: ServiceDeps, principal: Principal, caseId: string, stepKey: string): Promise<void> {
  const owner = await stepOwner(deps, caseId, stepKey);
  if (!owner) {
    await assertCanSee(deps, principal, caseId);
    throw notFound(`Step ${stepKey} of case ${caseId}`);
  }
  if (!canActOnStep(principal, owner)) throw forbidden(`Step ${stepKey} belongs to role ${owner.role ?? 'officer'} in unit ${owner.unitId ?? '(any)'}; you do not hold it there.`);
}

/** The case detail with the step actions limited to what the caller may do. */
function detailFor(deps: ServiceDeps, principal: Principal, caseId: string) {
  return caseDetail(deps, caseId, { canActOnStep: (step) => canActOnStep(principal, step) });
}

export function caseRoutes(deps: ServiceDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/cases', async (c) => {
    const principal = principalOrThrow(c.get('principal'));
    const input = await body(c, ReceiveBody);
    if (!principal.roles.some((r) => (r.role === 'officer' || r.role === 'unitHead') && r.unitId === input.unitId)) {
      throw forbidden(`Only an officer of unit ${input.unitId} may receive dossiers for it.`);
    }
    // As for a completion: the detail is read in the receiving transaction from the row it wrote.
    let detail: CaseDetail | undefined;
    const id = await receiveCase(deps, actorOf(c, principal), input, {}, async (trx, row) => {
      detail = await caseDetail(deps, row.id, { canActOnStep: (step) => canActOnStep(principal, step), executor: trx, row });
    });
    return c.json(detail ?? (await detailFor(deps, principal, id)), 201);
  });

  app.get('/cases', async (c) => {
    const principal = principalOrThrow(c.get('principal'));
    const q = ListQuery.parse(c.req.query());
    const all = hasRole(principal, 'reviewer', 'admin');
    const mine = unitsOf(principal);
    if (q.unitId && !all && !mine.includes(q.unitId)) throw forbidden(`You do not work in unit ${q.unitId}.`);
    const result = await listCases(deps, {
      ...(q.status !== undefined ? { status: q.status } : {}),
      overdue: q.overdue === 'true',
      dueSoon: q.dueSoon === 'true',
      ...(q.unitId ? { unitIds: [q.unitId] } : all ? {} : { unitIds: mine, includeStepUnits: true }),
      ...(q.processId ? { processId: q.processId } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
      ...(q.q ? { q: q.q } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
    });
    return c.json(result);
  });

  app.get('/cases/:id', async (c) => {
    const principal = principalOrThrow(c.get('principal'));
    await assertCanSee(deps, principal, c.req.param('id'));
    return c.json(await detailFor(deps, principal, c.req.param('id')));
  });

  app.get('/inbox', async (c) => {
    const principal = principalOrThrow(c.get('principal'));
    const roles = principal.roles.filter((r) => r.role === 'officer' || r.role === 'unitHead');
    return c.json(await inbox(deps, roles));
  });

  for (const action of ['claim', 'release'] as const) {
    app.post(`/cases/:id/steps/:stepKey/${action}`, async (c) => {
      const principal = principalOrThrow(c.get('principal'));
      const { id, stepKey } = c.req.param();
      await assertStepWorker(deps, principal, id, stepKey);
      const input = await body(c, VersionBody);
      await claimStep(deps, actorOf(c, principal), id, stepKey, input.caseVersion, action === 'claim');
      return c.json(await detailFor(deps, principal, id));
    });
  }

  app.post('/cases/:id/steps/:stepKey/complete', async (c) => {
    const principal = principalOrThrow(c.get('principal'));
    const { id, stepKey } = c.req.param();
    await assertStepWorker(deps, principal, id, stepKey);
    const input = await body(c, CompleteBody);
    // The detail is read in the completing transaction from the row it wrote (no second read of the case).
    let detail: CaseDetail | undefined;
    await completeStep(deps, actorOf(c, principal), id, stepKey, input, async (trx, row) => {
      detail = await caseDetail(deps, id, { canActOnStep: (step) => canActOnStep(principal, step), executor: trx, row });
    });
    return c.json(detail ?? (await detailFor(deps, principal, id)));
  });

  app.post('/cases/:id/supplement-request', async (c) => {
    const principal = principalOrThrow(c.get('principal'));
    const id = c.req.param('id');
    await assertCaseWorker(deps, principal, id);
    await requestSupplement(deps, actorOf(c, principal), id, await body(c, SupplementBody));
    return c.json(await detailFor(deps, principal, id));
  });

  app.post('/cases/:id/resubmission', async (c) => {
    const principal = principalOrThrow(c.get('principal'));
    const id = c.req.param('id');
    await assertCaseWorker(deps, principal, id);
    await recordResubmission(deps, actorOf(c, principal), id, await body(c, ResubmissionBody));
    return c.json(await detailFor(deps, principal, id));
  });

  app.post('/cases/:id/apology', async (c) => {
    const principal = principalOrThrow(c.get('principal'));
    const id = c.req.param('id');
    await assertCaseWorker(deps, principal, id);
    await issueApology(deps, actorOf(c, principal), id, await body(c, ApologyBody));
    return c.json(await detailFor(deps, principal, id));
  });

  for (const [path, kind] of [['withdraw', 'withdrawn'], ['stop', 'stopped'], ['refuse', 'refused']] as const) {
    app.post(`/cases/:id/${path}`, async (c) => {
      const principal = principalOrThrow(c.get('principal'));
      const id = c.req.param('id');
      await assertCaseWorker(deps, principal, id);
      await closeCase(deps, actorOf(c, principal), id, kind, await body(c, CloseBody));
      return c.json(await detailFor(deps, principal, id));
    });
  }

  app.get('/cases/:id/audit', async (c) => {
    const principal = principalOrThrow(c.get('principal'));
    const id = c.req.param('id');
    await assertCanSee(deps, principal, id);
    const format = c.req.query('format') ?? 'json';
    const history = await caseHistory(deps, id);
    const detail = await deps.db.db.selectFrom('cases').select(['code', 'process_id', 'version', 'calendar']).where('id', '=', id).executeTakeFirstOrThrow();
    const definition = await loadVersion(deps, detail.process_id, detail.version);
    const calendar = deps.calendars(calendarOfCase(detail, definition.procedure));
    const events: AuditEvent[] = history.map((e) => ({
      type: e.type as AuditEventType,
      at: e.at,
      caseId: id,
      ...(e.actor ? { actor: e.actor } : {}),
      ...(e.unitId ? { unit: e.unitId } : {}),
      ...(e.elementId ? { elementId: e.elementId } : {}),
      ...(e.stepKey ? { stepKey: e.stepKey } : {}),
      data: e.data,
    }));
    const intervals = stepIntervals(events, { workingTime: { workingMinutesBetween: (from, to) => calendar.workingMinutesBetween(from, to) }, now: deps.clock.now() });
    const codes = new Map([[id, detail.code]]);
    if (format === 'csv') {
      return c.body(intervalsToCsv(intervals, { codes, bom: true }), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${detail.code}-audit.csv"`,
      });
    }
    if (format === 'xes') return c.body(intervalsToXes(intervals, { codes, logName: detail.code }), 200, { 'content-type': 'application/xml; charset=utf-8' });
    if (format !== 'json') throw new Problem('VALIDATION', `Unknown format "${format}". Use csv, json or xes.`);
    return c.json({ caseId: id, code: detail.code, intervals, events: history });
  });

  return app;
}

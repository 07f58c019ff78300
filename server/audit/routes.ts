/**
 * Audit endpoints (paths absolute; mount with `app.route('/', auditRoutes(deps))`):
 * - GET /api/audit/verify — checks every hash chain (reviewer, admin);
 * - GET /api/audit/export?format=csv|json|xes&processId&version&from&to — step-time audit (reviewer, admin);
 * - GET /api/audit/statistics?processId&version&from&to — per-step figures for the heatmap;
 * - GET /api/audit/review?processId&before&after — simplification review of two versions;
 * - GET /api/audit/report?from&to&processId — the periodic one-stop statistics table per unit.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { periodReport } from '../../engine/index.ts';
import type { Clock } from '../clock.ts';
import { requireRole } from '../auth/access.ts';
import { asDb } from '../auth/middleware.ts';
import type { AppEnv } from '../auth/principal.ts';
import { listUnits } from '../auth/store.ts';
import { Problem } from '../errors.ts';
import type { DbHandle, DbOrTx } from '../storage/db.ts';
import { verifyAuditChain } from './chain.ts';
import { collectAuditData, EXPORT_FORMATS, formatAuditData, periodBound, procedureReview, procedureStatistics, type AuditFilter } from './reports.ts';

const Period = z.object({
  processId: z.string().min(1).optional(),
  version: z.coerce.number().int().positive().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
});

function filterOf(query: z.infer<typeof Period>): AuditFilter {
  const from = query.from === undefined ? undefined : periodBound(query.from, 'start');
  const to = query.to === undefined ? undefined : periodBound(query.to, 'end');
  if ((query.from !== undefined && !from) || (query.to !== undefined && !to)) throw new Problem('VALIDATION', 'from/to must be dates (YYYY-MM-DD) or ISO instants.');
  return { ...(query.processId && { processId: query.processId }), ...(query.version !== undefined && { version: query.version }), ...(from && { from }), ...(to && { to }) };
}

export function auditRoutes(deps: { readonly db: DbHandle | DbOrTx; readonly clock?: Clock }): Hono<AppEnv> {
  const db = asDb(deps.db);
  const now = () => deps.clock?.now() ?? new Date().toISOString();
  const app = new Hono<AppEnv>();

  app.get('/api/audit/verify', requireRole('reviewer', 'admin'), async (c) => c.json(await verifyAuditChain(db)));

  app.get('/api/audit/export', requireRole('reviewer', 'admin'), async (c) => {
    const query = Period.extend({ format: z.enum(EXPORT_FORMATS).default('json') }).parse(c.req.query());
    const filter = filterOf(query);
    const at = now();
    const { body, contentType } = formatAuditData(await collectAuditData(db, filter, at), query.format, { now: at, filter });
    const name = `quytrinh-audit${filter.processId ? `-${filter.processId}` : ''}.${query.format}`;
    return c.body(body, 200, { 'content-type': contentType, 'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"` });
  });

  app.get('/api/audit/statistics', requireRole('reviewer', 'admin', 'designer', 'unitHead'), async (c) => {
    const query = Period.extend({ processId: z.string().min(1) }).parse(c.req.query());
    return c.json(await procedureStatistics(db, { ...filterOf(query), processId: query.processId }, now()));
  });

  app.get('/api/audit/review', requireRole('reviewer', 'admin', 'designer'), async (c) => {
    const query = z.object({ processId: z.string().min(1), before: z.coerce.number().int().positive(), after: z.coerce.number().int().positive() }).parse(c.req.query());
    return c.json(await procedureReview(db, query.processId, query.before, query.after, now()));
  });

  app.get('/api/audit/report', requireRole('reviewer', 'admin'), async (c) => {
    const query = z.object({ from: z.string(), to: z.string(), processId: z.string().min(1).optional() }).parse(c.req.query());
    const { from, to } = filterOf(query);
    if (!from || !to) throw new Problem('VALIDATION', 'from and to are required.');
    // Every case received up to the end counts: those still open at the start are carried over.
    const at = now();
    const data = await collectAuditData(db, { ...(query.processId && { processId: query.processId }), to }, at);
    const names = new Map((await listUnits(db)).map((u) => [u.id, u.name]));
    const rows = periodReport(data.cases, from, Date.parse(to) < Date.parse(at) ? to : at);
    return c.json({ from, to, ...(query.processId && { processId: query.processId }), rows: rows.map((r) => ({ ...r, unitName: r.unit === '*' ? 'Tổng số' : (names.get(r.unit) ?? r.unit) })) });
  });

  return app;
}

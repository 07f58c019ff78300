/**
 * GET /api/cases/:id/documents/:form — the printable forms of a case (receipt, supplement,
 * refusal, apology, control-slip) — and GET /api/documents/register?unitId&from&to, the dossier
 * register of a receiving unit (BM.06). Mount with `app.route('/', documentRoutes(deps))`.
 */
import { Hono, type Context } from 'hono';
import type { WorkingTime } from '../../engine/index.ts';
import type { Clock } from '../clock.ts';
import { forbidden, notFound, Problem } from '../errors.ts';
import type { DbHandle, DbOrTx } from '../storage/db.ts';
import { hasRole, principalOrThrow } from '../auth/access.ts';
import { asDb } from '../auth/middleware.ts';
import type { AppEnv, Principal } from '../auth/principal.ts';
import { FORMS, isFormName, renderCaseDocument } from '../documents/index.ts';
import { renderRegister } from '../documents/register.ts';
import { periodBound } from '../audit/reports.ts';
import { caseUnits } from '../services/cases.ts';

export interface DocumentRouteDeps {
  readonly db: DbHandle | DbOrTx;
  readonly clock: Clock;
  /** The default working calendar (`calendars(undefined)` of the services); used for step results without a recorded due instant. */
  readonly calendars?: (name: string | undefined) => WorkingTime;
  /** Place printed before the date line, e.g. "Cao Bằng". */
  readonly place?: string;
}

/** Reviewers and admins see every case; others the cases of their units (receiving or handling). */
async function canSeeCase(db: DbOrTx, principal: Principal, caseId: string): Promise<boolean> {
  if (hasRole(principal, 'reviewer', 'admin')) return true;
  const units = await caseUnits(db, caseId);
  if (!units) throw notFound(`Case "${caseId}"`);
  const mine = new Set(principal.roles.map((r) => r.unitId));
  return mine.has(units.unitId) || units.involvedUnits.some((u) => mine.has(u));
}

/** Everything printed is escaped; the policy is a second line of defence (no scripts at all). */
function printable(c: Context<AppEnv>, html: string): Response {
  c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  c.header('x-content-type-options', 'nosniff');
  return c.html(html) as Response;
}

export function documentRoutes(deps: DocumentRouteDeps): Hono<AppEnv> {
  const db = asDb(deps.db);
  const app = new Hono<AppEnv>();
  app.get('/api/cases/:id/documents/:form', async (c) => {
    const principal = principalOrThrow(c.get('principal'));
    const { id, form } = c.req.param();
    if (!isFormName(form)) throw notFound(`The form "${form}" (choose one of ${FORMS.join(', ')})`);
    if (!(await canSeeCase(db, principal, id))) throw forbidden('This case belongs to units you do not work in.');
    const html = await renderCaseDocument(db, id, form, {
      now: deps.clock.now(),
      ...(deps.calendars && { workingTime: deps.calendars(undefined) }),
      ...(deps.place !== undefined && { place: deps.place }),
    });
    return printable(c, html);
  });

  app.get('/api/documents/register', async (c) => {
    const principal = principalOrThrow(c.get('principal'));
    const unitId = c.req.query('unitId');
    const from = c.req.query('from');
    const to = c.req.query('to');
    const start = from === undefined ? undefined : periodBound(from, 'start');
    const end = to === undefined ? undefined : periodBound(to, 'end');
    if (!unitId || !start || !end) throw new Problem('VALIDATION', 'unitId, from and to (YYYY-MM-DD) are required.');
    if (!hasRole(principal, 'reviewer', 'admin') && !principal.roles.some((r) => r.unitId === unitId)) throw forbidden('The register of a unit is for its own staff, reviewers and admins.');
    return printable(c, await renderRegister(db, unitId, start, end, deps.clock.now()));
  });
  return app;
}

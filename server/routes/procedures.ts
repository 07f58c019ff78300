/** Procedures: validate a draft, deploy a version (idempotent by content), list, get XML, retire. */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { principalOrThrow, requireRole, requireUser } from '../auth/access.ts';
import type { AppEnv } from '../auth/principal.ts';
import { Problem } from '../errors.ts';
import type { ServiceDeps } from '../services/context.ts';
import { loadVersion } from '../services/definitions.ts';
import { deployProcedures, listProcedures, procedureXml, retireVersion } from '../services/procedures.ts';
import { actorOf } from './cases.ts';

const MAX_XML_BYTES = 5 * 1024 * 1024;

async function xmlBody(c: Context<AppEnv>): Promise<string> {
  const xml = await c.req.text();
  if (xml.trim() === '') throw new Problem('VALIDATION', 'Send the BPMN XML as the request body (content-type text/xml).');
  if (Buffer.byteLength(xml) > MAX_XML_BYTES) throw new Problem('VALIDATION', `The diagram is larger than ${MAX_XML_BYTES / 1024 / 1024} MB.`);
  return xml;
}

function versionParam(c: Context<AppEnv>): number {
  const version = Number(c.req.param('version'));
  if (!Number.isInteger(version) || version < 1) throw new Problem('VALIDATION', 'The version must be a positive integer.');
  return version;
}

export function procedureRoutes(deps: ServiceDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/procedures', requireUser(), async (c) => c.json(await listProcedures(deps)));

  app.post('/procedures/validate', requireRole('designer', 'admin'), async (c) => c.json(await deps.engine.validate(await xmlBody(c))));

  app.post('/procedures', requireRole('designer', 'admin'), async (c) => {
    const results = await deployProcedures(deps, actorOf(c, principalOrThrow(c.get('principal'))), await xmlBody(c));
    // One process per file is the common case: answer with it; several → the list.
    const payload = results.length === 1 ? results[0] : results;
    return c.json(payload, results.some((r) => r.created) ? 201 : 200);
  });

  app.get('/procedures/:processId/versions/:version/xml', requireUser(), async (c) => {
    const xml = await procedureXml(deps, c.req.param('processId'), versionParam(c));
    return c.body(xml, 200, { 'content-type': 'application/xml; charset=utf-8' });
  });

  app.get('/procedures/:processId/versions/:version/plan', requireUser(), async (c) => {
    const processId = c.req.param('processId');
    const version = versionParam(c);
    const receivedAt = c.req.query('receivedAt') ?? deps.clock.now();
    if (Number.isNaN(Date.parse(receivedAt))) throw new Problem('VALIDATION', 'receivedAt must be an ISO 8601 instant, e.g. 2026-03-02T08:00:00+07:00.');
    const channel = c.req.query('channel') ?? 'desk';
    if (channel !== 'desk' && channel !== 'online' && channel !== 'post') throw new Problem('VALIDATION', 'channel must be desk, online or post.');
    const definition = await loadVersion(deps, processId, version);
    const plan = await deps.engine.plan(await procedureXml(deps, processId, version), processId, { receivedAt, channel, ...(definition.procedure.calendar ? { calendar: definition.procedure.calendar } : {}) });
    return c.json(plan);
  });

  app.post('/procedures/:processId/versions/:version/retire', requireRole('designer', 'admin'), async (c) => {
    await retireVersion(deps, c.req.param('processId'), versionParam(c));
    return c.body(null, 204);
  });

  return app;
}

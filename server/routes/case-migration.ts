/**
 * Migrating open cases to a newer procedure version: a dry-run plan first, then the explicit move
 * (designer or admin). Mounted under /api.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import { principalOrThrow, requireRole } from '../auth/access.ts';
import type { AppEnv } from '../auth/principal.ts';
import { Problem } from '../errors.ts';
import { applyMigration, planMigration } from '../services/case-migration.ts';
import type { ServiceDeps } from '../services/context.ts';
import { actorOf } from './cases.ts';

const version = z.number().int().positive();

const planBody = z.object({
  from: version,
  to: version,
  caseIds: z.array(z.string().min(1)).max(10_000).optional(),
}).strict();

const applyBody = z.object({
  fromVersion: version,
  toVersion: version,
  caseIds: z.array(z.string().min(1)).max(10_000).optional(),
  expectedCaseVersions: z.record(z.string(), z.number().int().nonnegative()).optional(),
}).strict();

async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Problem('VALIDATION', 'The request body is not valid JSON.');
  }
}

function queryVersion(c: Context<AppEnv>, name: 'from' | 'to'): number {
  const raw = c.req.query(name);
  const value = Number(raw);
  if (raw === undefined || !Number.isInteger(value) || value < 1) throw new Problem('VALIDATION', `Give ?${name}= as a positive version number, e.g. ?from=1&to=2.`);
  return value;
}

export function caseMigrationRoutes(deps: ServiceDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const designers = requireRole('designer', 'admin');

  // The dry run by query (every open case of the source version) …
  app.get('/procedures/:processId/migrations/plan', designers, async (c) => {
    const processId = c.req.param('processId');
    return c.json(await planMigration(deps, { processId, fromVersion: queryVersion(c, 'from'), toVersion: queryVersion(c, 'to') }));
  });

  // … or by body, for a chosen list of cases.
  app.post('/procedures/:processId/migrations/plan', designers, async (c) => {
    const body = planBody.parse(await jsonBody(c));
    return c.json(await planMigration(deps, { processId: c.req.param('processId'), fromVersion: body.from, toVersion: body.to, ...(body.caseIds ? { caseIds: body.caseIds } : {}) }));
  });

  app.post('/procedures/:processId/migrations', designers, async (c) => {
    const body = applyBody.parse(await jsonBody(c));
    const actor = actorOf(c, principalOrThrow(c.get('principal')));
    const result = await applyMigration(deps, actor, {
      processId: c.req.param('processId'),
      fromVersion: body.fromVersion,
      toVersion: body.toVersion,
      ...(body.caseIds ? { caseIds: body.caseIds } : {}),
      ...(body.expectedCaseVersions ? { expectedCaseVersions: body.expectedCaseVersions } : {}),
    });
    return c.json(result);
  });

  return app;
}

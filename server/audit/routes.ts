/**
 * GET /api/audit/verify (reviewer, admin): checks every hash chain of the audit log.
 * Paths are absolute: mount with `app.route('/', auditRoutes(deps))`.
 */
import { Hono } from 'hono';
import { requireRole } from '../auth/access.ts';
import { asDb } from '../auth/middleware.ts';
import type { AppEnv } from '../auth/principal.ts';
import type { DbHandle, DbOrTx } from '../storage/db.ts';
import { verifyAuditChain } from './chain.ts';

export function auditRoutes(deps: { readonly db: DbHandle | DbOrTx }): Hono<AppEnv> {
  const db = asDb(deps.db);
  const app = new Hono<AppEnv>();
  app.get('/api/audit/verify', requireRole('reviewer', 'admin'), async (c) => c.json(await verifyAuditChain(db)));
  return app;
}

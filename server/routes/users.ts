/**
 * Units, users, roles and API tokens. Everyone signed in may list units (forms need their
 * names); only admins change anything. Paths are absolute: mount with `app.route('/', userRoutes(deps))`.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { notFound, Problem } from '../errors.ts';
import type { DbHandle, DbOrTx } from '../storage/db.ts';
import { appendAudit } from '../audit/chain.ts';
import type { AuditEventType } from '../../engine/index.ts';
import { requireRole, requireUser } from '../auth/access.ts';
import { asDb } from '../auth/middleware.ts';
import { forgetUserTokens } from '../auth/token-cache.ts';
import { ROLES, type AppEnv } from '../auth/principal.ts';
import {
  createApiToken, createUnit, createUser, findUserByUsername, getUnit, getUser, listApiTokens, listUnits, listUsers,
  revokeApiToken, updateUnit, updateUser, type RoleGrant,
} from '../auth/store.ts';

export interface UserRouteDeps {
  readonly db: DbHandle | DbOrTx;
  readonly clock: Clock;
}

const Grant = z.object({ role: z.enum(ROLES), unitId: z.string().min(1) });
const NewUser = z.object({
  username: z.string().trim().min(2).max(64).regex(/^[a-z0-9._-]+$/i, 'letters, digits, dot, dash or underscore'),
  displayName: z.string().trim().min(1).max(200),
  password: z.string().min(8).max(1000),
  roles: z.array(Grant).default([]),
  active: z.boolean().optional(),
});
const UserPatch = z.object({
  displayName: z.string().trim().min(1).max(200).optional(),
  password: z.string().min(8).max(1000).optional(),
  active: z.boolean().optional(),
  roles: z.array(Grant).optional(),
});
const NewUnit = z.object({
  code: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash or underscore'),
  name: z.string().trim().min(1).max(300),
  parentId: z.string().min(1).nullable().optional(),
  calendar: z.string().min(1).nullable().optional(),
});
const UnitPatch = NewUnit.omit({ code: true }).partial();
const NewToken = z.object({ name: z.string().trim().min(1).max(100) });

/** Administration events form one chain of their own in the audit log. */
export const ADMIN_AUDIT_CHAIN = 'admin:users';

/** Runs `work` and its audit event in one transaction (or inside the caller's transaction). */
async function audited<T>(db: DbOrTx, work: (trx: DbOrTx) => Promise<T>, event: (result: T) => { type: AuditEventType; data: Record<string, unknown> }, who: { actor?: string; requestId?: string; at: string }): Promise<T> {
  const run = async (trx: DbOrTx) => {
    const result = await work(trx);
    const { type, data } = event(result);
    await appendAudit(trx, { type, at: who.at, caseId: ADMIN_AUDIT_CHAIN, ...(who.actor && { actor: who.actor }), data, ...(who.requestId && { requestId: who.requestId }) });
    return result;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

async function body(c: { req: { json(): Promise<unknown> } }): Promise<unknown> {
  return c.req.json().catch(() => {
    throw new Problem('VALIDATION', 'The request body must be JSON.');
  });
}

export function userRoutes(deps: UserRouteDeps): Hono<AppEnv> {
  const db = asDb(deps.db);
  const app = new Hono<AppEnv>();

  const who = (c: Context<AppEnv>) => ({ at: deps.clock.now(), ...(c.get('principal') && { actor: c.get('principal')!.username }), ...(c.get('requestId') && { requestId: c.get('requestId') }) });

  async function checkUnits(grants: readonly RoleGrant[] | undefined): Promise<void> {
    for (const g of grants ?? []) if (!(await getUnit(db, g.unitId))) throw new Problem('VALIDATION', `Unit "${g.unitId}" does not exist. Create it first (POST /api/units).`);
  }

  // --- Units ---
  app.get('/api/units', requireUser(), async (c) => c.json((await listUnits(db)).map(({ id, code, name, parentId, calendar }) => ({ id, code, name, parentId, calendar }))));

  app.post('/api/units', requireRole('admin'), async (c) => {
    const input = NewUnit.parse(await body(c));
    if (await getUnit(db, input.code)) throw new Problem('CONFLICT', `Unit "${input.code}" already exists.`);
    if (input.parentId && !(await getUnit(db, input.parentId))) throw new Problem('VALIDATION', `Parent unit "${input.parentId}" does not exist.`);
    const unit = await audited(db, (trx) => createUnit(trx, { code: input.code, name: input.name, parentId: input.parentId ?? null, calendar: input.calendar ?? null }), (u) => ({ type: 'unit.created', data: { ...u } }), who(c));
    return c.json(unit, 201);
  });

  app.patch('/api/units/:id', requireRole('admin'), async (c) => {
    const id = c.req.param('id');
    const patch = UnitPatch.parse(await body(c));
    if (!(await getUnit(db, id))) throw notFound(`Unit "${id}"`);
    if (patch.parentId === id) throw new Problem('VALIDATION', 'A unit cannot be its own parent.');
    if (patch.parentId && !(await getUnit(db, patch.parentId))) throw new Problem('VALIDATION', `Parent unit "${patch.parentId}" does not exist.`);
    await audited(db, (trx) => updateUnit(trx, id, { ...(patch.name !== undefined && { name: patch.name }), ...(patch.parentId !== undefined && { parentId: patch.parentId }), ...(patch.calendar !== undefined && { calendar: patch.calendar }) }), () => ({ type: 'unit.updated', data: { unitId: id, ...patch } }), who(c));
    return c.json(await getUnit(db, id));
  });

  // --- Users ---
  app.get('/api/users', requireRole('admin'), async (c) => c.json(await listUsers(db)));

  app.post('/api/users', requireRole('admin'), async (c) => {
    const input = NewUser.parse(await body(c));
    if (await findUserByUsername(db, input.username)) throw new Problem('CONFLICT', `The username "${input.username}" is taken. Choose another.`);
    await checkUnits(input.roles);
    const user = await audited(
      db,
      (trx) => createUser(trx, { username: input.username, displayName: input.displayName, password: input.password, roles: input.roles, ...(input.active !== undefined && { active: input.active }) }, deps.clock.now()),
      (u) => ({ type: 'user.created', data: { userId: u.id, username: u.username, displayName: u.displayName, roles: u.roles, active: u.active } }),
      who(c),
    );
    return c.json(user, 201);
  });

  app.get('/api/users/:id', requireRole('admin'), async (c) => {
    const user = await getUser(db, c.req.param('id'));
    if (!user) throw notFound('The user');
    return c.json(user);
  });

  app.patch('/api/users/:id', requireRole('admin'), async (c) => {
    const id = c.req.param('id');
    const patch = UserPatch.parse(await body(c));
    if (!(await getUser(db, id))) throw notFound('The user');
    if (id === c.get('principal')?.userId && (patch.active === false || (patch.roles && !patch.roles.some((r) => r.role === 'admin')))) {
      throw new Problem('NOT_ALLOWED', 'You cannot disable yourself or remove your own admin role; ask another admin.');
    }
    await checkUnits(patch.roles);
    await audited(
      db,
      (trx) => updateUser(trx, id, {
        ...(patch.displayName !== undefined && { displayName: patch.displayName }),
        ...(patch.password !== undefined && { password: patch.password }),
        ...(patch.active !== undefined && { active: patch.active }),
        ...(patch.roles !== undefined && { roles: patch.roles }),
      }),
      // The password itself never enters the log; only that it was changed.
      () => ({ type: 'user.updated', data: { userId: id, ...(patch.displayName !== undefined && { displayName: patch.displayName }), ...(patch.active !== undefined && { active: patch.active }), ...(patch.roles !== undefined && { roles: patch.roles }), ...(patch.password !== undefined && { passwordChanged: true }) } }),
      who(c),
    );
    // Roles or the active flag changed: cached tokens must not keep the old principal.
    forgetUserTokens(db, id);
    return c.json(await getUser(db, id));
  });

  // --- API tokens ---
  app.get('/api/users/:id/tokens', requireRole('admin'), async (c) => {
    const id = c.req.param('id');
    if (!(await getUser(db, id))) throw notFound('The user');
    return c.json(await listApiTokens(db, id));
  });

  app.post('/api/users/:id/tokens', requireRole('admin'), async (c) => {
    const id = c.req.param('id');
    const input = NewToken.parse(await body(c));
    if (!(await getUser(db, id))) throw notFound('The user');
    // The clear token is in this response only; the database keeps its SHA-256.
    const created = await audited(db, (trx) => createApiToken(trx, id, input.name, deps.clock.now()), (t) => ({ type: 'token.created', data: { userId: id, tokenId: t.id, name: t.name } }), who(c));
    return c.json(created, 201);
  });

  app.delete('/api/users/:id/tokens/:tokenId', requireRole('admin'), async (c) => {
    const userId = c.req.param('id');
    const tokenId = c.req.param('tokenId');
    // Nothing revoked → the transaction rolls back, so no audit event is written.
    await audited(
      db,
      async (trx) => {
        if (!(await revokeApiToken(trx, userId, tokenId, deps.clock.now()))) throw notFound('The token');
      },
      () => ({ type: 'token.revoked', data: { userId, tokenId } }),
      who(c),
    );
    forgetUserTokens(db, userId);
    return c.body(null, 204);
  });

  return app;
}

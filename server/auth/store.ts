/**
 * Users, units, roles, sessions and API tokens in the database. Only hashes of secrets are
 * stored; the clear token is returned once to the caller that created it.
 */
import { randomUUID } from 'node:crypto';
import type { DbOrTx } from '../storage/db.ts';
import { prepared } from '../storage/prepared.ts';
import type { UnitRow, UserRow } from '../storage/schema.ts';
import { hashPassword } from './password.ts';
import { ROLES, type Principal, type Role } from './principal.ts';
import { newApiToken, randomToken, sha256Hex } from './tokens.ts';

/** Sessions last one working day plus margin; logging in again starts a new one. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface RoleGrant {
  readonly role: Role;
  readonly unitId: string;
}

export interface UserView {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly active: boolean;
  readonly createdAt: string;
  readonly roles: readonly RoleGrant[];
}

export interface UnitView {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly parentId: string | null;
  readonly calendar: string | null;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function unitView(row: UnitRow): UnitView {
  return { id: row.id, code: row.code, name: row.name, parentId: row.parent_id, calendar: row.calendar };
}

/** The grants of role rows, skipping roles this version does not know. */
function grantsOf(rows: readonly { role: string; unit_id: string }[]): RoleGrant[] {
  return rows.flatMap((r) => (isRole(r.role) ? [{ role: r.role, unitId: r.unit_id }] : []));
}

async function rolesOf(db: DbOrTx, userIds: readonly string[]): Promise<Map<string, RoleGrant[]>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.selectFrom('user_roles').select(['user_id', 'role', 'unit_id']).where('user_id', 'in', userIds).orderBy('unit_id').orderBy('role').execute();
  const rowsOf = new Map<string, { role: string; unit_id: string }[]>(userIds.map((id) => [id, []]));
  for (const r of rows) rowsOf.get(r.user_id)?.push(r);
  return new Map([...rowsOf].map(([id, list]) => [id, grantsOf(list)]));
}

// Read on every request of a browser session (and every user lookup): compiled once.
const rolesOfUser = prepared<{ userId: string }, { role: string; unit_id: string }>((db, p) => db.selectFrom('user_roles').select(['role', 'unit_id']).where('user_id', '=', p.userId).orderBy('unit_id').orderBy('role'));

function userView(row: Pick<UserRow, 'id' | 'username' | 'display_name' | 'active' | 'created_at'>, roles: readonly RoleGrant[]): UserView {
  return { id: row.id, username: row.username, displayName: row.display_name, active: row.active === 1, createdAt: row.created_at, roles };
}

export function principalOf(user: UserView): Principal {
  return { userId: user.id, username: user.username, displayName: user.displayName, roles: user.roles };
}

export async function findUserByUsername(db: DbOrTx, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function getUser(db: DbOrTx, id: string): Promise<UserView | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return userView(row, grantsOf(await rolesOfUser(db, { userId: row.id })));
}

export async function listUsers(db: DbOrTx): Promise<UserView[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('username').execute();
  const roles = await rolesOf(db, rows.map((r) => r.id));
  return rows.map((r) => userView(r, roles.get(r.id) ?? []));
}

export interface NewUserInput {
  readonly username: string;
  readonly displayName: string;
  readonly password: string;
  readonly roles: readonly RoleGrant[];
  readonly active?: boolean;
  /** A precomputed hash of `password` (demo accounts share one, so seeding stays fast). */
  readonly passwordHash?: string;
}

export async function createUser(db: DbOrTx, input: NewUserInput, now: string): Promise<UserView> {
  const id = randomUUID();
  await db.insertInto('users').values({ id, username: input.username, display_name: input.displayName, password_hash: input.passwordHash ?? (await hashPassword(input.password)), active: input.active === false ? 0 : 1, created_at: now }).execute();
  await setRoles(db, id, input.roles);
  return (await getUser(db, id))!;
}

export async function updateUser(db: DbOrTx, id: string, patch: { displayName?: string; password?: string; active?: boolean; roles?: readonly RoleGrant[] }): Promise<void> {
  const values: { display_name?: string; password_hash?: string; active?: number } = {};
  if (patch.displayName !== undefined) values.display_name = patch.displayName;
  if (patch.password !== undefined) values.password_hash = await hashPassword(patch.password);
  if (patch.active !== undefined) values.active = patch.active ? 1 : 0;
  if (Object.keys(values).length > 0) await db.updateTable('users').set(values).where('id', '=', id).execute();
  // A disabled user or a new password ends every open session.
  if (patch.active === false || patch.password !== undefined) await db.deleteFrom('sessions').where('user_id', '=', id).execute();
  if (patch.roles !== undefined) await setRoles(db, id, patch.roles);
}

export async function setRoles(db: DbOrTx, userId: string, roles: readonly RoleGrant[]): Promise<void> {
  await db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  const unique = [...new Map(roles.map((r) => [`${r.role}@${r.unitId}`, r])).values()];
  if (unique.length > 0) await db.insertInto('user_roles').values(unique.map((r) => ({ user_id: userId, role: r.role, unit_id: r.unitId }))).execute();
}

// --- Units ---

export async function listUnits(db: DbOrTx): Promise<UnitView[]> {
  return (await db.selectFrom('units').selectAll().orderBy('code').execute()).map(unitView);
}

export async function getUnit(db: DbOrTx, id: string): Promise<UnitView | undefined> {
  const row = await db.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? unitView(row) : undefined;
}

export interface NewUnitInput {
  /** Defaults to the code: lanes name units by code (`qt:unit`), so id = code keeps them aligned. */
  readonly id?: string;
  readonly code: string;
  readonly name: string;
  readonly parentId?: string | null;
  readonly calendar?: string | null;
}

export async function createUnit(db: DbOrTx, input: NewUnitInput): Promise<UnitView> {
  const row = { id: input.id ?? input.code, code: input.code, name: input.name, parent_id: input.parentId ?? null, calendar: input.calendar ?? null };
  await db.insertInto('units').values(row).execute();
  return unitView(row);
}

export async function updateUnit(db: DbOrTx, id: string, patch: { name?: string; parentId?: string | null; calendar?: string | null }): Promise<void> {
  const values: { name?: string; parent_id?: string | null; calendar?: string | null } = {};
  if (patch.name !== undefined) values.name = patch.name;
  if (patch.parentId !== undefined) values.parent_id = patch.parentId;
  if (patch.calendar !== undefined) values.calendar = patch.calendar;
  if (Object.keys(values).length > 0) await db.updateTable('units').set(values).where('id', '=', id).execute();
}

/** Inserts the units that do not exist yet (by id), parents first; existing ones are left as they are. */
export async function ensureUnits(db: DbOrTx, units: readonly NewUnitInput[]): Promise<number> {
  const existing = new Set((await db.selectFrom('units').select('id').execute()).map((r) => r.id));
  let created = 0;
  for (const unit of units) {
    const id = unit.id ?? unit.code;
    if (existing.has(id)) continue;
    await createUnit(db, unit);
    existing.add(id);
    created += 1;
  }
  return created;
}

// --- Sessions ---

export interface NewSession {
  /** The cookie value (shown once, never stored). */
  readonly token: string;
  readonly sessionId: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
}

export async function createSession(db: DbOrTx, userId: string, now: string, ttlMs = SESSION_TTL_MS): Promise<NewSession> {
  const token = randomToken();
  const sessionId = sha256Hex(token);
  const csrfToken = randomToken(24);
  const expiresAt = new Date(Date.parse(now) + ttlMs).toISOString();
  // Logging in sweeps the user's expired sessions, so the table stays small without a job.
  await db.deleteFrom('sessions').where('user_id', '=', userId).where('expires_at', '<=', new Date(now).toISOString()).execute();
  await db.insertInto('sessions').values({ id: sessionId, user_id: userId, csrf_token: csrfToken, expires_at: expiresAt, created_at: now }).execute();
  return { token, sessionId, csrfToken, expiresAt };
}

// Every request of a browser session reads it: compiled once.
const sessionAndUser = prepared<{ sessionId: string }, Pick<UserRow, 'id' | 'username' | 'display_name' | 'active' | 'created_at'> & { expires_at: string; csrf_token: string }>((db, p) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.expires_at', 'sessions.csrf_token', 'users.id', 'users.username', 'users.display_name', 'users.active', 'users.created_at'])
    .where('sessions.id', '=', p.sessionId),
);

/** The active user behind a session cookie, or undefined when unknown, expired or disabled. */
export async function resolveSession(db: DbOrTx, token: string, now: string): Promise<{ user: UserView; sessionId: string; csrfToken: string } | undefined> {
  const sessionId = sha256Hex(token);
  const [row] = await sessionAndUser(db, { sessionId });
  if (!row || Date.parse(row.expires_at) <= Date.parse(now) || row.active !== 1) return undefined;
  return { user: userView(row, grantsOf(await rolesOfUser(db, { userId: row.id }))), sessionId, csrfToken: row.csrf_token };
}

export async function deleteSession(db: DbOrTx, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

// --- API tokens ---

export interface ApiTokenView {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export async function createApiToken(db: DbOrTx, userId: string, name: string, now: string): Promise<ApiTokenView & { token: string }> {
  const token = newApiToken();
  const id = randomUUID();
  await db.insertInto('api_tokens').values({ id, user_id: userId, name, token_hash: sha256Hex(token), created_at: now, revoked_at: null }).execute();
  return { id, userId, name, createdAt: now, revokedAt: null, token };
}

export async function listApiTokens(db: DbOrTx, userId: string): Promise<ApiTokenView[]> {
  const rows = await db.selectFrom('api_tokens').select(['id', 'user_id', 'name', 'created_at', 'revoked_at']).where('user_id', '=', userId).orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, userId: r.user_id, name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at }));
}

/** Revokes a token of a user; false when there is no such live token. */
export async function revokeApiToken(db: DbOrTx, userId: string, tokenId: string, now: string): Promise<boolean> {
  const result = await db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', tokenId).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function resolveApiToken(db: DbOrTx, token: string): Promise<{ user: UserView; tokenId: string } | undefined> {
  const row = await db.selectFrom('api_tokens').select(['id', 'user_id']).where('token_hash', '=', sha256Hex(token)).where('revoked_at', 'is', null).executeTakeFirst();
  if (!row) return undefined;
  const user = await getUser(db, row.user_id);
  if (!user || !user.active) return undefined;
  return { user, tokenId: row.id };
}

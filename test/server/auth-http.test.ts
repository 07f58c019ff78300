import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canActOnStep, requireRole, unitsOf } from '../../server/auth/access.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, demoUsernameFor, ensureDemoUsers, ensureGrantUsers, formatDemoAccounts } from '../../server/auth/demo.ts';
import { authMiddleware } from '../../server/auth/middleware.ts';
import { TOKEN_CACHE_TTL_MS } from '../../server/auth/token-cache.ts';
import type { AppEnv, Principal } from '../../server/auth/principal.ts';
import { fixedClock, testClock } from '../../server/clock.ts';
import { problemResponse } from '../../server/errors.ts';
import { authRoutes } from '../../server/routes/auth.ts';
import { userRoutes } from '../../server/routes/users.ts';
import { createTestDb, DIALECTS, type TestDb } from '../helpers/db.ts';

function buildApp(t: TestDb, clock = fixedClock('2026-03-02T08:00:00+07:00')): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(problemResponse);
  app.use('*', authMiddleware(t.db, clock));
  app.route('/', authRoutes({ db: t, clock }));
  app.route('/', userRoutes({ db: t, clock }));
  app.post('/api/reviewer-only', requireRole('reviewer', 'admin'), (c) => c.json({ ok: true }));
  return app;
}

interface Session { cookie: string; csrfToken: string }

async function login(app: Hono<AppEnv>, username: string, password = DEMO_PASSWORD): Promise<Session> {
  const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get('set-cookie')!;
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: setCookie.split(';')[0]!, csrfToken: body.csrfToken };
}

function send(app: Hono<AppEnv>, path: string, s: Session | undefined, init: { method?: string; body?: unknown; csrf?: string | false; bearer?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (s) headers.cookie = s.cookie;
  if (s && init.csrf !== false) headers['x-csrf-token'] = init.csrf ?? s.csrfToken;
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
  return Promise.resolve(app.request(path, { method: init.method ?? 'GET', headers, ...(init.body !== undefined && { body: JSON.stringify(init.body) }) }));
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: auth and users`, () => {
    let t: TestDb;
    let app: Hono<AppEnv>;
    let createdCount = 0;
    beforeAll(async () => {
      t = await createTestDb(dialect);
      const created = await ensureDemoUsers(t.db, '2026-03-01T00:00:00Z');
      expect(created.slice(0, DEMO_ACCOUNTS.length).map((a) => a.username)).toEqual(DEMO_ACCOUNTS.map((a) => a.username));
      createdCount = created.length;
      app = buildApp(t);
    });
    afterAll(() => t.dispose());

    it('should create demo users once and cover every role', async () => {
      expect(await ensureDemoUsers(t.db)).toEqual([]);
      const roles = new Set(DEMO_ACCOUNTS.flatMap((a) => a.roles.map((r) => r.role)));
      expect([...roles].sort()).toEqual(['admin', 'designer', 'officer', 'reviewer', 'unitHead']);
      expect(formatDemoAccounts(DEMO_ACCOUNTS)).toContain(`admin        ${DEMO_PASSWORD}  admin@CB-SYT`);
    });

    it('should give every role/unit pair of the sample procedures a demo user', async () => {
      expect(createdCount).toBe(DEMO_ACCOUNTS.length + 19);
      for (const [role, unitId, username] of [['officer', 'CB-TTPVHCC', 'motcua'], ['unitHead', 'NA-XA-VHXH', 'na-xa-vhxh.lanhdao'], ['officer', 'QT-SNNMT-DDBD', 'qt-snnmt-ddbd.canbo']] as const) {
        expect(demoUsernameFor(role, unitId)).toBe(username);
        const s = await login(app, username);
        const me = (await (await send(app, '/api/auth/me', s)).json()) as { user: { roles: unknown } };
        expect(me.user.roles).toEqual([{ role, unitId }]);
      }
      const units = (await (await send(app, '/api/units', await login(app, 'motcua'))).json()) as { id: string; parentId: string | null }[];
      expect(units.find((u) => u.id === 'NA-SNV-NCC')).toMatchObject({ parentId: 'NA-SNV' });
      // a new procedure's lanes get users on demand, once
      const more = await ensureGrantUsers(t.db, [{ role: 'unitHead', unitId: 'QT-SNNMT' }, { role: 'officer', unitId: 'CB-TTPVHCC' }]);
      expect(more.map((a) => a.username)).toEqual(['qt-snnmt.lanhdao']);
      expect(await ensureGrantUsers(t.db, [{ role: 'unitHead', unitId: 'QT-SNNMT' }])).toEqual([]);
    });

    it('should log in with an HttpOnly SameSite=Lax cookie and report the user on /me', async () => {
      const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'motcua', password: DEMO_PASSWORD }) });
      expect(res.status).toBe(200);
      const cookie = res.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^qt_session=[\w-]{40,};/);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Lax');
      expect(cookie).toContain('Path=/');
      const body = (await res.json()) as { user: { username: string; roles: unknown }; csrfToken: string };
      expect(body.user).toMatchObject({ username: 'motcua', displayName: 'Nguyễn Thị Mai (Một cửa)', roles: [{ role: 'officer', unitId: 'CB-TTPVHCC' }] });
      const me = await send(app, '/api/auth/me', { cookie: cookie.split(';')[0]!, csrfToken: body.csrfToken });
      expect(await me.json()).toEqual({ user: { id: expect.any(String), username: 'motcua', displayName: 'Nguyễn Thị Mai (Một cửa)', roles: [{ role: 'officer', unitId: 'CB-TTPVHCC' }] }, csrfToken: body.csrfToken });
    });

    it('should store only the hash of the session token', async () => {
      const s = await login(app, 'vanthu');
      const token = s.cookie.split('=')[1]!;
      const rows = await t.db.selectFrom('sessions').select('id').execute();
      expect(rows.some((r) => r.id === token)).toBe(false);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.id))).toBe(true);
    });

    it('should refuse wrong passwords and unknown users alike with 401 problem+json', async () => {
      for (const [username, password] of [['motcua', 'wrong-password'], ['nobody', DEMO_PASSWORD]]) {
        const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(((await res.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
      }
      expect((await app.request('/api/auth/me')).status).toBe(401);
    });

    it('should refuse a username after ten failed logins until the window has passed', async () => {
      const clock = testClock('2026-03-02T08:00:00+07:00');
      const throttled = buildApp(t, clock);
      const attempt = (password: string) => throttled.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'vanthu', password }) });
      for (let k = 0; k < 10; k++) expect((await attempt(`guess-${k}`)).status).toBe(401);
      const locked = await attempt(DEMO_PASSWORD);
      expect(locked.status).toBe(401);
      expect(((await locked.json()) as { detail: string; retryAfterSeconds: number })).toMatchObject({ detail: expect.stringMatching(/Too many failed logins/), retryAfterSeconds: 900 });
      // other users are not affected
      expect((await throttled.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'motcua', password: DEMO_PASSWORD }) })).status).toBe(200);
      clock.advance(15 * 60_000);
      expect((await attempt(DEMO_PASSWORD)).status).toBe(200);
    });

    it('should require the CSRF header on cookie-authenticated state changes', async () => {
      const s = await login(app, 'kiemsoat');
      const missing = await send(app, '/api/reviewer-only', s, { method: 'POST', csrf: false });
      expect(missing.status).toBe(403);
      expect(((await missing.json()) as { code: string }).code).toBe('CSRF');
      expect((await send(app, '/api/reviewer-only', s, { method: 'POST', csrf: 'forged' })).status).toBe(403);
      expect((await send(app, '/api/reviewer-only', s, { method: 'POST' })).status).toBe(200);
      // Reads need no token.
      expect((await send(app, '/api/units', s, { csrf: false })).status).toBe(200);
    });

    it('should enforce roles: 401 anonymous, 403 wrong role', async () => {
      expect((await app.request('/api/reviewer-only', { method: 'POST' })).status).toBe(401);
      const officer = await login(app, 'chuyenvien');
      const res = await send(app, '/api/reviewer-only', officer, { method: 'POST' });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('FORBIDDEN');
      expect((await send(app, '/api/users', officer)).status).toBe(403);
    });

    it('should end the session on logout', async () => {
      const s = await login(app, 'giamdoc');
      const out = await send(app, '/api/auth/logout', s, { method: 'POST' });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(/qt_session=;/);
      expect((await send(app, '/api/auth/me', s)).status).toBe(401);
    });

    it('should cache resolved API tokens for a few seconds only, and forget them when an admin acts', async () => {
      const clock = testClock('2026-03-02T08:00:00+07:00');
      const cached = buildApp(t, clock);
      const admin = await login(cached, 'admin');
      const users = (await (await send(cached, '/api/users', admin)).json()) as { id: string; username: string }[];
      const clerk = users.find((u) => u.username === 'vanthu')!;
      const token = (await (await send(cached, `/api/users/${clerk.id}/tokens`, admin, { method: 'POST', body: { name: 'cache' } })).json()) as { id: string; token: string };
      expect((await send(cached, '/api/auth/me', undefined, { bearer: token.token })).status).toBe(200);
      // revoked behind the server's back (another instance): still honoured until the entry expires
      await t.db.updateTable('api_tokens').set({ revoked_at: clock.now() }).where('id', '=', token.id).execute();
      expect((await send(cached, '/api/auth/me', undefined, { bearer: token.token })).status).toBe(200);
      clock.advance(TOKEN_CACHE_TTL_MS);
      expect((await send(cached, '/api/auth/me', undefined, { bearer: token.token })).status).toBe(401);
      // disabling the user through the API takes effect at once on this instance
      const second = (await (await send(cached, `/api/users/${clerk.id}/tokens`, admin, { method: 'POST', body: { name: 'cache 2' } })).json()) as { token: string };
      expect((await send(cached, '/api/auth/me', undefined, { bearer: second.token })).status).toBe(200);
      expect((await send(cached, `/api/users/${clerk.id}`, admin, { method: 'PATCH', body: { active: false } })).status).toBe(200);
      expect((await send(cached, '/api/auth/me', undefined, { bearer: second.token })).status).toBe(401);
      await send(cached, `/api/users/${clerk.id}`, admin, { method: 'PATCH', body: { active: true } });
    });

    it('should expire sessions after their lifetime', async () => {
      const clock = testClock('2026-03-02T08:00:00+07:00');
      const timed = buildApp(t, clock);
      const s = await login(timed, 'truongphong');
      expect((await send(timed, '/api/auth/me', s)).status).toBe(200);
      clock.advance(13 * 3600_000);
      expect((await send(timed, '/api/auth/me', s)).status).toBe(401);
      // the next login removes the expired session row of that user
      const user = await t.db.selectFrom('users').select('id').where('username', '=', 'truongphong').executeTakeFirstOrThrow();
      const sessionsOf = async () => (await t.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()).map((r) => r.id);
      const expired = await sessionsOf();
      await login(timed, 'truongphong');
      const current = await sessionsOf();
      expect(current).toHaveLength(expired.length);
      expect(current.filter((id) => expired.includes(id))).toEqual([]);
    });

    it('should let an admin manage units, users and roles', async () => {
      const admin = await login(app, 'admin');
      const unit = await send(app, '/api/units', admin, { method: 'POST', body: { code: 'CB-SYT-NCC', name: 'Phòng Người có công', parentId: 'CB-SYT' } });
      expect(unit.status).toBe(201);
      expect(await unit.json()).toEqual({ id: 'CB-SYT-NCC', code: 'CB-SYT-NCC', name: 'Phòng Người có công', parentId: 'CB-SYT', calendar: null });
      expect((await send(app, '/api/units', admin, { method: 'POST', body: { code: 'CB-SYT-NCC', name: 'x' } })).status).toBe(409);

      const created = await send(app, '/api/users', admin, { method: 'POST', body: { username: 'cv2', displayName: 'Chuyên viên 2', password: 'mat-khau-dai', roles: [{ role: 'officer', unitId: 'CB-SYT-NCC' }] } });
      expect(created.status).toBe(201);
      const user = (await created.json()) as { id: string; roles: unknown };
      expect(user.roles).toEqual([{ role: 'officer', unitId: 'CB-SYT-NCC' }]);
      expect((await send(app, '/api/users', admin, { method: 'POST', body: { username: 'cv2', displayName: 'x', password: 'mat-khau-dai' } })).status).toBe(409);
      expect((await send(app, '/api/users', admin, { method: 'POST', body: { username: 'cv3', displayName: 'x', password: 'mat-khau-dai', roles: [{ role: 'officer', unitId: 'NOWHERE' }] } })).status).toBe(400);
      expect((await send(app, '/api/users', admin, { method: 'POST', body: { username: 'cv4', displayName: 'x', password: 'short' } })).status).toBe(400);

      const cv2 = await login(app, 'cv2', 'mat-khau-dai');
      const patched = await send(app, `/api/users/${user.id}`, admin, { method: 'PATCH', body: { roles: [{ role: 'unitHead', unitId: 'CB-SYT-NCC' }] } });
      expect(((await patched.json()) as { roles: unknown }).roles).toEqual([{ role: 'unitHead', unitId: 'CB-SYT-NCC' }]);
      expect(((await (await send(app, '/api/auth/me', cv2)).json()) as { user: { roles: unknown } }).user.roles).toEqual([{ role: 'unitHead', unitId: 'CB-SYT-NCC' }]);

      // Disabling ends the sessions at once.
      await send(app, `/api/users/${user.id}`, admin, { method: 'PATCH', body: { active: false } });
      expect((await send(app, '/api/auth/me', cv2)).status).toBe(401);
      const relogin = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'cv2', password: 'mat-khau-dai' }) });
      expect(relogin.status).toBe(401);

      const me = (await (await send(app, '/api/auth/me', admin)).json()) as { user: { id: string } };
      expect((await send(app, `/api/users/${me.user.id}`, admin, { method: 'PATCH', body: { active: false } })).status).toBe(409);

      // every change is in the audit log, attributed, without the password
      const log = await t.db.selectFrom('audit_events').select(['type', 'actor', 'data']).where('case_id', '=', 'admin:users').orderBy('seq').execute();
      const mine = log.filter((e) => e.data.includes(user.id) || e.data.includes('CB-SYT-NCC'));
      expect(mine.map((e) => e.type)).toEqual(['unit.created', 'user.created', 'user.updated', 'user.updated']);
      expect(mine.every((e) => e.actor === 'admin')).toBe(true);
      expect(log.some((e) => e.data.includes('mat-khau-dai'))).toBe(false);
    });

    it('should issue an API token once, accept it as Bearer without CSRF, and refuse it once revoked', async () => {
      const admin = await login(app, 'admin');
      const users = (await (await send(app, '/api/users', admin)).json()) as { id: string; username: string }[];
      const reviewer = users.find((u) => u.username === 'kiemsoat')!;
      const res = await send(app, `/api/users/${reviewer.id}/tokens`, admin, { method: 'POST', body: { name: 'báo cáo tỉnh' } });
      expect(res.status).toBe(201);
      const token = (await res.json()) as { id: string; token: string; name: string };
      expect(token.token).toMatch(/^qt_[\w-]{43}$/);
      const listed = (await (await send(app, `/api/users/${reviewer.id}/tokens`, admin)).json()) as Record<string, unknown>[];
      expect(listed).toEqual([{ id: token.id, userId: reviewer.id, name: 'báo cáo tỉnh', createdAt: expect.any(String), revokedAt: null }]);

      expect((await send(app, '/api/reviewer-only', undefined, { method: 'POST', bearer: token.token })).status).toBe(200);
      const me = (await (await send(app, '/api/auth/me', undefined, { bearer: token.token })).json()) as { user: { username: string }; csrfToken: unknown };
      expect(me).toMatchObject({ user: { username: 'kiemsoat' }, csrfToken: null });

      expect((await send(app, `/api/users/${reviewer.id}/tokens/${token.id}`, admin, { method: 'DELETE' })).status).toBe(204);
      expect((await send(app, `/api/users/${reviewer.id}/tokens/${token.id}`, admin, { method: 'DELETE' })).status).toBe(404);
      const refused = await send(app, '/api/auth/me', undefined, { bearer: token.token });
      expect(refused.status).toBe(401);
      expect((await send(app, '/api/auth/me', undefined, { bearer: 'qt_forged' })).status).toBe(401);
      const types = (await t.db.selectFrom('audit_events').select(['type', 'data']).where('case_id', '=', 'admin:users').execute()).filter((e) => e.data.includes(token.id)).map((e) => e.type);
      expect(types.filter((x) => x === 'token.created')).toHaveLength(1);
      expect(types.filter((x) => x === 'token.revoked')).toHaveLength(1);
    });
  });
}

describe('canActOnStep and unitsOf', () => {
  const principal: Principal = { userId: 'u', username: 'u', displayName: 'U', roles: [{ role: 'officer', unitId: 'A' }, { role: 'unitHead', unitId: 'B' }, { role: 'officer', unitId: 'B' }] };

  it('should allow a step only to its role in its unit', () => {
    expect(canActOnStep(principal, { role: 'officer', unitId: 'A' })).toBe(true);
    expect(canActOnStep(principal, { role: 'unitHead', unitId: 'A' })).toBe(false);
    expect(canActOnStep(principal, { role: 'officer', unitId: 'C' })).toBe(false);
    expect(canActOnStep(principal, { role: 'unitHead', unitId: null })).toBe(true);
    expect(canActOnStep(principal, { role: 'reviewer', unitId: 'A' })).toBe(false);
    expect(canActOnStep(principal, { unitId: 'B' })).toBe(true);
  });

  it('should list the units of a role without duplicates', () => {
    expect(unitsOf(principal)).toEqual(['A', 'B']);
    expect(unitsOf(principal, 'unitHead')).toEqual(['B']);
    expect(unitsOf(principal, 'admin')).toEqual([]);
  });
});

/**
 * POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me (server/API.md). Paths are
 * absolute: mount with `app.route('/', authRoutes(deps))` after `authMiddleware`.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { Problem } from '../errors.ts';
import type { DbHandle, DbOrTx } from '../storage/db.ts';
import { principalOrThrow } from '../auth/access.ts';
import { asDb, clearSessionCookie, setSessionCookie } from '../auth/middleware.ts';
import { UNUSABLE_HASH, verifyPassword } from '../auth/password.ts';
import type { AppEnv, Principal } from '../auth/principal.ts';
import { createSession, deleteSession, findUserByUsername, getUser } from '../auth/store.ts';
import { createLoginThrottle, type LoginThrottle } from '../auth/throttle.ts';

export interface AuthRouteDeps {
  readonly db: DbHandle | DbOrTx;
  readonly clock: Clock;
  /** Failed-login limiter; one per app by default. */
  readonly throttle?: LoginThrottle;
}

const LoginBody = z.object({ username: z.string().trim().min(1).max(100), password: z.string().min(1).max(1000) });

/** The user as the API shows it. */
export function userJson(principal: Principal): { id: string; username: string; displayName: string; roles: Principal['roles'] } {
  return { id: principal.userId, username: principal.username, displayName: principal.displayName, roles: principal.roles };
}

export function authRoutes(deps: AuthRouteDeps): Hono<AppEnv> {
  const db = asDb(deps.db);
  const throttle = deps.throttle ?? createLoginThrottle();
  const app = new Hono<AppEnv>();

  app.post('/api/auth/login', async (c) => {
    const body = LoginBody.parse(await c.req.json().catch(() => ({})));
    const nowMs = Date.parse(deps.clock.now());
    const wait = throttle.retryAfterMs(body.username, nowMs);
    if (wait > 0) throw new Problem('UNAUTHENTICATED', `Too many failed logins for this account. Try again in ${Math.ceil(wait / 60_000)} minute(s) or ask an administrator.`, { retryAfterSeconds: Math.ceil(wait / 1000) });
    const row = await findUserByUsername(db, body.username);
    // Verify even for unknown users so the response time does not reveal which usernames exist.
    const ok = await verifyPassword(body.password, row?.password_hash ?? UNUSABLE_HASH);
    if (!row || !ok || row.active !== 1) {
      throttle.recordFailure(body.username, nowMs);
      throw new Problem('UNAUTHENTICATED', 'Wrong username or password, or the account is disabled.');
    }
    throttle.recordSuccess(body.username);
    // Logging in replaces the session this browser had.
    const previous = c.get('authSession');
    if (previous?.via === 'cookie' && previous.sessionId) await deleteSession(db, previous.sessionId);
    const session = await createSession(db, row.id, deps.clock.now());
    setSessionCookie(c, session.token, session.expiresAt);
    const user = (await getUser(db, row.id))!;
    return c.json({ user: { id: user.id, username: user.username, displayName: user.displayName, roles: user.roles }, csrfToken: session.csrfToken });
  });

  app.post('/api/auth/logout', async (c) => {
    const session = c.get('authSession');
    if (session?.via === 'cookie' && session.sessionId) await deleteSession(db, session.sessionId);
    clearSessionCookie(c);
    return c.body(null, 204);
  });

  app.get('/api/auth/me', (c) => {
    const principal = principalOrThrow(c.get('principal'));
    return c.json({ user: userJson(principal), csrfToken: c.get('authSession')?.csrfToken ?? null });
  });

  return app;
}

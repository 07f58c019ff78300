/**
 * Who is calling: the session cookie `qt_session` or `Authorization: Bearer <api token>`.
 * Cookie-authenticated requests that change state must echo the session's CSRF token in the
 * `x-csrf-token` header (SameSite=Lax already stops most cross-site posts; the token stops the
 * rest). Bearer requests need no CSRF token: browsers never attach them on their own.
 */
import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Context } from 'hono';
import type { Clock } from '../clock.ts';
import { Problem } from '../errors.ts';
import type { DbHandle, DbOrTx } from '../storage/db.ts';
import type { AppEnv } from './principal.ts';
import { principalOf, resolveApiToken, resolveSession } from './store.ts';
import { cachedToken, rememberToken } from './token-cache.ts';
import { safeEqual, sha256Hex } from './tokens.ts';

export const SESSION_COOKIE = 'qt_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthMiddlewareOptions {
  /** Paths where a cookie request may change state without a CSRF token (logging in again). */
  readonly csrfExempt?: readonly string[];
}

/**
 * Resolves `principal` and `authSession` for every request (undefined when anonymous) and
 * enforces CSRF on cookie sessions. Unauthenticated requests pass through; routes decide with
 * `requireUser` / `requireRole`.
 *
 * @example app.use('/api/*', authMiddleware(db, clock));
 */
export function authMiddleware(database: DbOrTx | DbHandle, clock: Clock, options: AuthMiddlewareOptions = {}): MiddlewareHandler<AppEnv> {
  const db = asDb(database);
  const exempt = new Set(options.csrfExempt ?? ['/api/auth/login']);
  return async (c, next) => {
    c.set('principal', undefined);
    c.set('authSession', undefined);
    const authorization = c.req.header('authorization');
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const nowMs = Date.parse(clock.now());
      const hash = match ? sha256Hex(match[1]!) : undefined;
      let found = hash ? cachedToken(db, hash, nowMs) : undefined;
      if (!found && match) {
        found = await resolveApiToken(db, match[1]!);
        if (found) rememberToken(db, hash!, found, nowMs);
      }
      // A wrong token is an error, not an anonymous request: integrations must notice at once.
      if (!found) throw new Problem('UNAUTHENTICATED', 'The API token is unknown or revoked. Ask an administrator for a new token.');
      c.set('principal', principalOf(found.user));
      c.set('authSession', { via: 'token', tokenId: found.tokenId });
      return next();
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) {
      const found = await resolveSession(db, cookie, clock.now());
      if (found) {
        c.set('principal', principalOf(found.user));
        c.set('authSession', { via: 'cookie', sessionId: found.sessionId, csrfToken: found.csrfToken });
        if (!SAFE_METHODS.has(c.req.method) && !exempt.has(c.req.path)) {
          const sent = c.req.header(CSRF_HEADER);
          if (sent === undefined || !safeEqual(sent, found.csrfToken)) {
            throw new Problem('CSRF', `This request needs the header ${CSRF_HEADER} with the csrfToken from login or GET /api/auth/me. Reload the page and try again.`);
          }
        }
      }
    }
    return next();
  };
}

/**
 * Sets the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure when served over HTTPS — or
 * always with COOKIE_SECURE=true, for a TLS-terminating proxy in front of plain HTTP.
 */
export function setSessionCookie(c: Context, token: string, expiresAt: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: new URL(c.req.url).protocol === 'https:' || process.env.COOKIE_SECURE === 'true',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/** Accepts either a storage handle or a kysely instance, so callers pass what they hold. */
export function asDb(database: DbOrTx | DbHandle): DbOrTx {
  return 'capabilities' in database ? database.db : database;
}

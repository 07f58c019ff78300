/**
 * The HTTP application, built from its dependencies. No listen(): tests call `app.request()`
 * in-process; server/cli/serve.ts wires the real database, clock and scheduler.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import { authMiddleware } from './auth/middleware.ts';
import { accessOpenApiPaths } from './auth/openapi.ts';
import type { AppEnv } from './auth/principal.ts';
import type { Clock } from './clock.ts';
import { Problem, problemResponse } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { auditRoutes } from './audit/routes.ts';
import { authRoutes } from './routes/auth.ts';
import { calendarRoutes } from './routes/calendars.ts';
import { caseMigrationRoutes } from './routes/case-migration.ts';
import { caseRoutes } from './routes/cases.ts';
import { documentRoutes } from './routes/documents.ts';
import { procedureRoutes } from './routes/procedures.ts';
import { userRoutes } from './routes/users.ts';
import { caseCodeFromEnv } from './services/case-code.ts';
import type { CaseCodeFormat } from './services/case-code.ts';
import { calendarStoreFor } from './services/calendars.ts';
import type { ServiceDeps } from './services/context.ts';
import { defaultEngine } from './services/engine-adapter.ts';
import type { CalendarResolver, ProcedureEngine, ServiceHandler } from './services/ports.ts';
import type { DbHandle } from './storage/db.ts';

export interface AppDeps {
  readonly db: DbHandle;
  readonly clock: Clock;
  readonly engine?: ProcedureEngine;
  readonly calendars?: CalendarResolver;
  readonly handlers?: Readonly<Record<string, ServiceHandler>>;
  /** How dossier codes are made; default from the environment ({@link caseCodeFromEnv}). */
  readonly caseCode?: CaseCodeFormat;
  /** Working minutes before a deadline that count as "due soon"; default one working day. */
  readonly dueSoonMinutes?: number;
  /** Replaces the session/token authentication (tests of other concerns). */
  readonly authenticate?: MiddlewareHandler<AppEnv>;
  /** A folder with the built browser app, served at `/` (SPA: unknown paths get index.html). */
  readonly staticDir?: string;
}

/** The services' dependencies with defaults filled in. */
export function serviceDeps(deps: AppDeps): ServiceDeps {
  // Without an explicit resolver, calendars come from the calendars table (one store per database handle).
  const store = deps.calendars ? undefined : calendarStoreFor(deps.db, () => deps.clock.now());
  return {
    db: deps.db,
    clock: deps.clock,
    engine: deps.engine ?? defaultEngine,
    calendars: deps.calendars ?? store!.resolve,
    ...(store && { refreshCalendars: store.refresh }),
    handlers: deps.handlers ?? {},
    caseCode: deps.caseCode ?? caseCodeFromEnv(),
    dueSoonMinutes: deps.dueSoonMinutes ?? 8 * 60,
  };
}

/**
 * Builds the app: `/api/*` JSON routes behind authentication, problem+json errors, and the
 * browser app when `staticDir` is given.
 *
 * @example const app = createApp({ db: createDb(':memory:'), clock: systemClock }); await app.request('/api/openapi.json');
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const services = serviceDeps(deps);
  const app = new Hono<AppEnv>();
  app.onError((error, c) => problemResponse(error, c));
  app.notFound((c) => problemResponse(new Problem('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`), c));

  app.use('/api/*', async (c, next) => {
    const sent = c.req.header('x-request-id');
    const requestId = sent && /^[\w.:-]{1,100}$/.test(sent) ? sent : randomUUID();
    c.set('requestId', requestId);
    // Set before the handler answers, so it goes into the response as it is built (errors too): a
    // header set on a finished response makes Hono rebuild it and node-server stream its body.
    c.header('x-request-id', requestId);
    await next();
  });
  app.get('/api/openapi.json', (c) => c.json({ ...openApiDocument, paths: { ...openApiDocument.paths, ...accessOpenApiPaths } }));
  app.use('/api/*', deps.authenticate ?? authMiddleware(deps.db, deps.clock));
  // Due instants computed by this request use the calendars as stored now (see services/calendars.ts).
  app.use('/api/*', async (_c, next) => {
    await services.refreshCalendars?.();
    await next();
  });

  // Auth and user routes carry their full /api paths; the case-work routes are mounted under /api.
  app.route('/', authRoutes({ db: deps.db, clock: deps.clock }));
  app.route('/', userRoutes({ db: deps.db, clock: deps.clock }));
  app.route('/', auditRoutes({ db: deps.db, clock: deps.clock }));
  app.route('/', calendarRoutes(services));
  app.route('/', documentRoutes({ db: deps.db, clock: deps.clock, calendars: services.calendars }));
  app.route('/api', procedureRoutes(services));
  app.route('/api', caseMigrationRoutes(services));
  app.route('/api', caseRoutes(services));

  if (deps.staticDir && existsSync(deps.staticDir)) {
    const root = deps.staticDir;
    app.use('/*', serveStatic({ root }));
    // Client-side routes (/inbox, /cases/…) load the single page.
    app.get('*', serveStatic({ root, rewriteRequestPath: () => '/index.html' }));
    if (!existsSync(join(root, 'index.html'))) console.warn(`quytrinh: ${root} has no index.html`);
  }
  return app;
}

/**
 * `quytrinh serve` (`npm start`): migrate the database, deploy processes/, create the demo
 * accounts on first start, build the browser app, serve API + app, run the scheduler, and stop
 * cleanly on Ctrl-C / SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { createApp, serviceDeps } from '../app.ts';
import { ensureDemoUsers, formatDemoAccounts } from '../auth/demo.ts';
import { systemClock } from '../clock.ts';
import { toProblem } from '../errors.ts';
import { createScheduler } from '../scheduler/scheduler.ts';
import { caseCodeFromEnv } from '../services/case-code.ts';
import type { CaseCodeFormat } from '../services/case-code.ts';
import type { ServiceDeps } from '../services/context.ts';
import { deployProcedures } from '../services/procedures.ts';
import { DEFAULT_DB_URL, createDb, withStartupLock } from '../storage/db.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { bpmnFiles } from './files.ts';
import { EXIT } from './index.ts';
import { SIMULATION_LABEL, seedDemoHistory } from './simulate.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

const USAGE = `Usage: quytrinh serve [--port 3000] [--db ./data/quytrinh.db | postgres://…] [--no-editor] [--no-demo-history]

  --port       port to listen on (env PORT; default 3000)
  --db         SQLite file, or a postgres:// URL for several instances (env DATABASE_URL; default ${DEFAULT_DB_URL})
  --processes  folder of *.bpmn procedures deployed on start (default processes/)
  --no-editor  serve the API only (skip building the browser app)
  --no-demo-history  don't seed the labelled demo case history into an empty database
`;


async function buildBrowserApp(): Promise<string | undefined> {
  try {
    const { buildEditor } = (await import('../../editor/build.ts')) as { buildEditor: () => Promise<{ outdir: string }> };
    return (await buildEditor()).outdir;
  } catch (error) {
    console.warn(`quytrinh: the browser app could not be built (${error instanceof Error ? error.message : String(error)}); serving the API only.`);
    return undefined;
  }
}

/** Deploys every procedure file; a file that cannot run is reported and skipped. */
async function deployAll(deps: ServiceDeps, dir: string): Promise<void> {
  for (const file of bpmnFiles(dir)) {
    try {
      for (const r of await deployProcedures(deps, { username: 'system' }, readFileSync(file, 'utf8'))) {
        if (r.created) console.log(`deployed ${r.processId} v${r.version} (${relative(ROOT, file)})`);
      }
    } catch (error) {
      const problem = toProblem(error, () => {});
      const first = problem.diagnostics?.find((d) => d.severity === 'error');
      console.warn(`quytrinh: ${relative(ROOT, file)} was not deployed: ${problem.detail}${first ? ` — ${first.elementId ?? ''} ${first.message}` : ''}`);
    }
  }
}

export async function run(args: string[]): Promise<number> {
  let options;
  try {
    options = parseArgs({ args, options: { port: { type: 'string' }, db: { type: 'string' }, processes: { type: 'string' }, 'no-editor': { type: 'boolean' }, 'no-demo-history': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const port = Number(options.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`quytrinh serve: --port must be a port number\n\n${USAGE}`);
    return EXIT.usage;
  }
  let caseCode: CaseCodeFormat;
  try {
    caseCode = caseCodeFromEnv();
  } catch (error) {
    process.stderr.write(`quytrinh serve: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  const url = options.db ?? process.env.DATABASE_URL ?? DEFAULT_DB_URL;
  const handle = createDb(url);
  const clock = systemClock;
  const deps = serviceDeps({ db: handle, clock, caseCode });
  const processesDir = resolve(options.processes ?? join(ROOT, 'processes'));
  const created = await withStartupLock(handle, async () => {
    await migrateToLatest(handle);
    // Loads the stored calendars (seeding the built-in ones into an empty table) before anything computes a due instant.
    await deps.refreshCalendars?.();
    await deployAll(deps, processesDir);
    const accounts = await ensureDemoUsers(handle.db, clock.now());
    // Reviewers' pages need real figures on first start. Inside the start-up lock, so that of
    // several instances starting on one empty database exactly one seeds; labelled [Mô phỏng].
    const seeded = options['no-demo-history'] ? undefined : await seedDemoHistory(handle, clock.now(), { processesDir });
    return { accounts, seeded };
  });
  if (created.accounts.length) console.log(formatDemoAccounts(created.accounts));
  if (created.seeded) console.log(`seeded a demo history of ${created.seeded.received} simulated dossiers (labelled ${SIMULATION_LABEL})`);

  const staticDir = options['no-editor'] ? undefined : await buildBrowserApp();
  const app = createApp({ db: handle, clock, caseCode, ...(staticDir ? { staticDir } : {}) });
  const scheduler = createScheduler(deps, process.env.WEBHOOK_URL ? { outbox: { webhookUrl: process.env.WEBHOOK_URL } } : {});

  const server: ServerType = await new Promise((ready, fail) => {
    const s = serve({ fetch: app.fetch, port }, () => ready(s));
    s.once('error', fail);
  });
  // Signal handlers go in before the "listening" line: a supervisor may signal as soon as it reads it.
  const stopped = new Promise<void>((done) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      console.log('quytrinh: stopping…');
      server.close(() => done());
      // Keep-alive connections would hold close() open; the browser reconnects anyway.
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    };
    // `on`, not `once`: a second Ctrl-C while stopping must not kill the process mid-shutdown.
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  scheduler.start();
  // The scheduler computes due instants outside requests; on a shared database another instance may change a calendar.
  const calendarPoll = setInterval(() => void deps.refreshCalendars?.().catch((error: unknown) => console.error('quytrinh: could not reload the calendars', error)), 1000);
  calendarPoll.unref();
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(`quytrinh listening on http://localhost:${actualPort}`);
  await stopped;
  clearInterval(calendarPoll);
  await scheduler.stop();
  await handle.close();
  console.log('quytrinh: stopped');
  return EXIT.ok;
}

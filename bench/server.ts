/**
 * `npm run bench -- server`: the product server (`quytrinh serve`, SQLite default) in a child
 * process, load from this process (autocannon, 50 keep-alive connections), so client and server
 * each have a core of their own.
 *
 * 1. receipts: BENCH_CASES dossiers of the thin-slice procedure received over HTTP (each a start:
 *    case row, snapshot, first step, timers, chained audit, outbox in one transaction);
 * 2. advances: the three steps of every received case completed over HTTP, each by the officer of
 *    the step's role with the case version read from the previous reply (each completion one
 *    transaction: claim the version, snapshot, closed and opened step rows, audit, outbox);
 *    with BENCH_DATABASE_URL=postgres://… phases 1–2 run on PostgreSQL, shared by BENCH_INSTANCES
 *    servers (default 1) that split the connections between them;
 * 3. memory and the overdue query as open cases grow: SQLite files with 1,000 and 1,000,000 open
 *    cases, the server started on each, the overdue list and a text search over HTTP, its RSS;
 * 4. the reference the issue compares with: a bare Hono + XState step + SQLite write
 *    (bench/reference-server.ts) under the same load, so both rates come from this machine.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { serviceDeps } from '../server/app.ts';
import { applicantSearchText } from '../server/services/cases.ts';
import { deployProcedures } from '../server/services/procedures.ts';
import { createDb } from '../server/storage/db.ts';
import { migrateToLatest } from '../server/storage/migrate.ts';
import { startNodeServer, startServe } from '../test/helpers/serve-process.ts';
import type { ServeProcess } from '../test/helpers/serve-process.ts';

const ROOT = join(import.meta.dirname, '..');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CASES = Number(process.env.BENCH_CASES ?? 15_000);
const OPEN_CASES = Number(process.env.BENCH_OPEN_CASES ?? 1_000_000);
const STEP_OFFICERS = ['motcua', 'chuyenvien', 'giamdoc'] as const;
/** A postgres:// URL: receipts and advances run there (in a schema of their own) instead of on a SQLite file. */
const DATABASE_URL = process.env.BENCH_DATABASE_URL;
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1);

/** `quytrinh serve` on a database (file or URL) with the thin-slice procedure; BENCH_SERVER_NODE_ARGS (e.g. `--cpu-prof`) go to its node. */
function startServer(database: string): Promise<ServeProcess> {
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  return startServe(['--no-editor', '--no-demo-history', '--db', database, '--processes', join(ROOT, 'processes', 'thin-slice')], { nodeArgs });
}

const baseOf = (server: ServeProcess): string => `http://127.0.0.1:${server.port}`;

/** CPU milliseconds (user + system) the process has used, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat; index 11 and 12 after the command name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** API tokens for the step officers, created through the admin API as an integration would get them. */
async function officerTokens(base: string): Promise<Record<string, string>> {
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'demo1234' }) });
  const { csrfToken } = await json<{ csrfToken: string }>(login);
  const headers = { cookie: login.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
  const users = await json<{ id: string; username: string }[]>(await fetch(`${base}/api/users`, { headers }));
  const tokens: Record<string, string> = {};
  for (const username of STEP_OFFICERS) {
    const user = users.find((u) => u.username === username)!;
    tokens[username] = (await json<{ token: string }>(await fetch(`${base}/api/users/${user.id}/tokens`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench' }) }))).token;
  }
  return tokens;
}

interface CaseReply {
  readonly id: string;
  readonly caseVersion: number;
  readonly openSteps: readonly { readonly stepKey: string }[];
}

/** Where a case stands for the load generator: the next step to complete and the version to send. */
interface Pending {
  readonly id: string;
  readonly caseVersion: number;
  readonly stepKey: string;
}

function report(label: string, results: readonly autocannon.Result[], seconds: number, cpu: number, count: number): void {
  console.log(`${label}: ${count.toLocaleString('en')} in ${seconds.toFixed(2)} s → ${(count / seconds).toFixed(0)}/s; non-2xx ${results.reduce((n, r) => n + r.non2xx, 0)}, errors ${results.reduce((n, r) => n + r.errors, 0)}`);
  for (const [i, result] of results.entries()) {
    console.log(`  latency ms${results.length > 1 ? ` (instance ${i + 1})` : ''}: p50 ${result.latency.p50}, p90 ${result.latency.p90}, p99 ${result.latency.p99}, max ${result.latency.max}`);
  }
  console.log(`  server cpu ${(cpu / Math.max(1, count)).toFixed(3)} ms per request`);
}

/**
 * Where receipts and advances run: a fresh SQLite file (the default), or with BENCH_DATABASE_URL a
 * fresh schema of that PostgreSQL database, shared by BENCH_INSTANCES servers.
 */
async function benchDatabase(): Promise<{ readonly url: string; readonly label: string; dispose(): Promise<void> }> {
  if (!DATABASE_URL) {
    if (INSTANCES !== 1) throw new Error('BENCH_INSTANCES above 1 needs BENCH_DATABASE_URL=postgres://…: several servers share PostgreSQL, not a SQLite file');
    const dir = mkdtempSync(join(tmpdir(), 'qt-bench-'));
    return { url: join(dir, 'bench.db'), label: 'SQLite', dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const onAdmin = async (statement: RawBuilder<unknown>): Promise<void> => {
    const admin = createDb(DATABASE_URL, { poolSize: 1 });
    try {
      await statement.execute(admin.db);
    } finally {
      await admin.close();
    }
  };
  await onAdmin(sql`create schema ${sql.id(schema)}`);
  return {
    url: `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    label: `PostgreSQL, ${INSTANCES} server${INSTANCES > 1 ? 's' : ''}`,
    dispose: () => onAdmin(sql`drop schema ${sql.id(schema)} cascade`),
  };
}

async function advancesOverHttp(): Promise<void> {
  // Each connection needs a case of its own to complete, and one more may be left unfinished at the end.
  if (CASES < 2 * CONNECTIONS) throw new Error(`BENCH_CASES (${CASES}) must be at least twice BENCH_CONNECTIONS (${CONNECTIONS})`);
  if (CONNECTIONS % INSTANCES !== 0) throw new Error(`BENCH_CONNECTIONS (${CONNECTIONS}) must split evenly over BENCH_INSTANCES (${INSTANCES})`);
  const database = await benchDatabase();
  const servers: ServeProcess[] = [];
  try {
    // One after the other: the first migrates the database, the others find it ready.
    for (let i = 0; i < INSTANCES; i++) servers.push(await startServer(database.url));
    console.log(`receipts and advances on ${database.label}`);
    const tokens = await officerTokens(baseOf(servers[0]!));
    const pids = servers.map((server) => server.child.pid!);
    const serversCpu = (): number => pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
    // Every server gets an equal share of the connections and of the work, all drawing on one pool of cases.
    const onEveryServer = (options: Omit<autocannon.Options, 'url' | 'connections'>): Promise<autocannon.Result[]> =>
      Promise.all(servers.map((server) => autocannon({ ...options, url: baseOf(server), connections: CONNECTIONS / INSTANCES })));

    const pending: Pending[] = [];
    const receiptBody = JSON.stringify({ processId: 'thin-slice', applicant: { name: 'Nguyễn Văn Bench' }, channel: 'online', unitId: 'CB-TTPVHCC' });
    // autocannon ends a run on its one-second tick: the rate is counted up to the last reply instead.
    let lastReply = 0;
    let cpu0 = serversCpu();
    let t0 = performance.now();
    const receipts = await onEveryServer({
      amount: Math.floor(CASES / INSTANCES),
      requests: [
        {
          method: 'POST',
          path: '/api/cases',
          headers: { authorization: `Bearer ${tokens.motcua}`, 'content-type': 'application/json' },
          body: receiptBody,
          onResponse: (status, body) => {
            lastReply = performance.now();
            if (status !== 201) return;
            const reply = JSON.parse(body) as CaseReply;
            pending.push({ id: reply.id, caseVersion: reply.caseVersion, stepKey: reply.openSteps[0]!.stepKey });
          },
        },
      ],
    });
    report('receipts (case starts over HTTP)', receipts, (lastReply - t0) / 1000, serversCpu() - cpu0, pending.length);

    // autocannon runs the three requests in order on each connection and clears the context after
    // the last: one case per round, its steps completed with the version from the previous reply.
    let completed = 0;
    const completion = (stepIndex: number): autocannon.Request => ({
      method: 'POST',
      setupRequest: (request, context: { current?: Pending | undefined }) => {
        if (stepIndex === 0) context.current = pending.pop();
        const current = context.current;
        if (!current) throw new Error('the load generator ran out of received cases');
        return {
          ...request,
          path: `/api/cases/${current.id}/steps/${current.stepKey}/complete`,
          headers: { authorization: `Bearer ${tokens[STEP_OFFICERS[stepIndex]!]}`, 'content-type': 'application/json' },
          body: JSON.stringify({ caseVersion: current.caseVersion }),
        };
      },
      onResponse: (status, body, context: { current?: Pending | undefined }) => {
        lastReply = performance.now();
        if (status !== 200) return;
        completed++;
        const reply = JSON.parse(body) as CaseReply;
        const next = reply.openSteps[0];
        context.current = next ? { id: reply.id, caseVersion: reply.caseVersion, stepKey: next.stepKey } : undefined;
      },
    });
    cpu0 = serversCpu();
    t0 = performance.now();
    const advances = await onEveryServer({
      // Every connection may leave one case unfinished when the count is reached: never ask for more cases than were received.
      amount: Math.floor(Math.max(0, pending.length - CONNECTIONS) / INSTANCES) * STEP_OFFICERS.length,
      requests: STEP_OFFICERS.map((_, i) => completion(i)),
    });
    report('advances (step completions over HTTP)', advances, (lastReply - t0) / 1000, serversCpu() - cpu0, completed);
    console.log(`  server rss ${pids.map((pid) => rssMb(pid).toFixed(0)).join(' + ')} MB after ${pending.length === 0 ? 'all' : 'the'} cases`);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await database.dispose();
  }
}

/**
 * A database of `count` open cases, generated inside SQLite with a recursive CTE (the bench
 * harness, not the product, writes these rows directly), due instants spread over 2026. The
 * applicants are "Nguyễn Văn <i>" with the search text the service would write beside them; the
 * search index fills itself from the rows (migration 0005's triggers).
 */
async function databaseWithOpenCases(file: string, count: number): Promise<void> {
  if (applicantSearchText({ name: 'Nguyễn Văn 7' }) !== 'nguyen van 7') throw new Error('The search text of the generated applicants no longer matches applicantSearchText: update the statement below.');
  const handle = createDb(file);
  try {
    await migrateToLatest(handle);
    const deps = serviceDeps({ db: handle, clock: { now: () => '2026-01-01T00:00:00.000Z' } });
    await deployProcedures(deps, { username: 'bench' }, readFileSync(join(ROOT, 'processes', 'thin-slice', 'thin-slice.bpmn'), 'utf8'));
    await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${count})
      insert into cases (id, code, process_id, version, unit_id, status_code, clock_state, applicant, applicant_search, channel, received_at, effective_start, appointment_at, due_at, data, snapshot, case_version, apology_count, supplement_rounds, clock, created_at, updated_at)
      select 'c' || i, 'QT-' || i, 'thin-slice', 1, 'CB-TTPVHCC', 4, 'running', '{"name":"Nguyễn Văn ' || i || '"}', 'nguyen van ' || i, 'desk',
        strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i % 180) || ' days'), strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i % 180) || ' days'),
        strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i % 365) || ' days', '+' || (i % 1440) || ' minutes'),
        strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i % 365) || ' days', '+' || (i % 1440) || ' minutes'),
        '{}', '{}', 1, 0, 0, '{}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
      from n`.execute(handle.db);
  } finally {
    await handle.close();
  }
}

/**
 * The overdue list and text searches over HTTP against the server on `count` open cases: a
 * dossier code, a rare name ("van 7919": a few hundred of a million, through the search index) and
 * a common one ("Nguyễn Văn": every case, read newest first); the server's RSS afterwards.
 */
async function openCasesScale(count: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qt-bench-open-'));
  try {
    const file = join(dir, 'open.db');
    const t0 = performance.now();
    await databaseWithOpenCases(file, count);
    const generated = (performance.now() - t0) / 1000;
    const server = await startServer(file);
    try {
      const pid = server.child.pid!;
      const rssStarted = rssMb(pid);
      const login = await fetch(`${baseOf(server)}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'kiemsoat', password: 'demo1234' }) });
      const headers = { cookie: login.headers.get('set-cookie')!.split(';')[0]! };
      const timings: number[] = [];
      const searches: number[] = [];
      const rareNames: number[] = [];
      const commonNames: number[] = [];
      let overdueShown = 0;
      const timedSearch = async (q: string, into: number[]): Promise<void> => {
        const s0 = performance.now();
        await json(await fetch(`${baseOf(server)}/api/cases?q=${encodeURIComponent(q)}&limit=20`, { headers }));
        into.push(performance.now() - s0);
      };
      for (let round = 0; round < 20; round++) {
        const l0 = performance.now();
        const page = await json<{ items: unknown[] }>(await fetch(`${baseOf(server)}/api/cases?overdue=true&limit=50`, { headers }));
        timings.push(performance.now() - l0);
        overdueShown = page.items.length;
        await timedSearch(`QT-${(round * 7919) % count}`, searches);
        await timedSearch(`van ${7919 + round}`, rareNames);
        await timedSearch('Nguyễn Văn', commonNames);
      }
      for (const list of [timings, searches, rareNames, commonNames]) list.sort((a, b) => a - b);
      console.log(
        `open cases ${count.toLocaleString('en')} (generated in ${generated.toFixed(1)} s): overdue list over HTTP (first ${overdueShown} rows) median ${timings[10]!.toFixed(1)} ms, max ${timings.at(-1)!.toFixed(1)} ms; code search median ${searches[10]!.toFixed(1)} ms; name search median ${rareNames[10]!.toFixed(1)} ms (max ${rareNames.at(-1)!.toFixed(1)}) rare "van 79xx", ${commonNames[10]!.toFixed(1)} ms (max ${commonNames.at(-1)!.toFixed(1)}) common "Nguyễn Văn"; server rss ${rssStarted.toFixed(0)} MB at start, ${rssMb(pid).toFixed(0)} MB after 20 overdue lists and 60 searches`,
      );
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bare reference server under the same harness: as many advances as the product's phase 2, round robin over its cases. */
async function referenceOverHttp(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qt-bench-ref-'));
  const cases = Math.max(CONNECTIONS, CASES);
  const server = await startNodeServer(['--import', 'tsx', join(ROOT, 'bench', 'reference-server.ts'), join(dir, 'reference.db'), String(cases)], /reference listening on http:\/\/localhost:(\d+)/);
  try {
    const pid = server.child.pid!;
    let next = 0;
    let lastReply = 0;
    let answered = 0;
    const cpu0 = cpuMs(pid);
    const t0 = performance.now();
    const result = await autocannon({
      url: baseOf(server),
      connections: CONNECTIONS,
      amount: (cases - CONNECTIONS) * STEP_OFFICERS.length,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => ({ ...request, path: `/cases/case-${next++ % cases}/advance`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'COMPLETE' }) }),
          onResponse: (status) => {
            lastReply = performance.now();
            if (status === 200) answered++;
          },
        },
      ],
    });
    report('reference: bare Hono + XState step + one SQLite write', [result], (lastReply - t0) / 1000, cpuMs(pid) - cpu0, answered);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await referenceOverHttp();
  await advancesOverHttp();
  await openCasesScale(1_000);
  await openCasesScale(OPEN_CASES);
}

/**
 * `npm run bench -- server`: case advances over real HTTP on the SQLite default. 50 concurrent
 * keep-alive connections each receive a case of the thin-slice procedure and complete its three
 * steps (each completion = one advance: snapshot, step rows, timers, audit events, outbox in one
 * transaction). Reports advances/s and latency percentiles of the completions.
 * Client and server share this process (and its 2 cores), so the figures are a lower bound.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { createApp, serviceDeps } from '../server/app.ts';
import { ensureDemoUsers } from '../server/auth/demo.ts';
import { createApiToken, findUserByUsername } from '../server/auth/store.ts';
import { systemClock } from '../server/clock.ts';
import { deployProcedures } from '../server/services/procedures.ts';
import { sql } from 'kysely';
import { listCases } from '../server/services/cases.ts';
import { createDb } from '../server/storage/db.ts';
import { migrateToLatest } from '../server/storage/migrate.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const WARMUP_MS = 2000;

interface Reply {
  status: number;
  body: string;
}

function request(agent: http.Agent, port: number, method: string, path: string, token: string, body?: unknown): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

const OPEN_CASES = Number(process.env.BENCH_OPEN_CASES ?? 1_000_000);

/**
 * The overdue query over many open cases: 1 M synthetic open cases (generated inside SQLite with a
 * recursive CTE; the bench harness, not the product, writes rows directly), due instants spread
 * over 2026, then the count of overdue cases and the first page of the overdue list.
 */
async function overdueQuery(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qt-bench-overdue-'));
  const handle = createDb(join(dir, 'overdue.db'));
  try {
    await migrateToLatest(handle);
    const deps = serviceDeps({ db: handle, clock: { now: () => '2026-07-01T00:00:00.000Z' } });
    await deployProcedures(deps, { username: 'bench' }, readFileSync(join(import.meta.dirname, '..', 'processes', 'thin-slice', 'thin-slice.bpmn'), 'utf8'));
    const t0 = performance.now();
    await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${OPEN_CASES})
      insert into cases (id, code, process_id, version, unit_id, status_code, clock_state, applicant, channel, received_at, effective_start, appointment_at, due_at, data, snapshot, case_version, apology_count, supplement_rounds, clock, created_at, updated_at)
      select 'c' || i, 'QT-' || i, 'thin-slice', 1, 'CB-TTPVHCC', 4, 'running', '{"name":"x"}', 'desk',
        strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i % 180) || ' days'), strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i % 180) || ' days'),
        strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i % 365) || ' days', '+' || (i % 1440) || ' minutes'),
        strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i % 365) || ' days', '+' || (i % 1440) || ' minutes'),
        '{}', '{}', 1, 0, 0, '{}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
      from n`.execute(handle.db);
    console.log(`overdue: ${OPEN_CASES.toLocaleString('en')} open cases generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const now = deps.clock.now();
    for (let round = 1; round <= 3; round++) {
      const c0 = performance.now();
      const row = await handle.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('ended_at', 'is', null).where('due_at', '<', now).executeTakeFirstOrThrow();
      const countMs = performance.now() - c0;
      const l0 = performance.now();
      const page = await listCases(deps, { overdue: true, limit: 50 });
      const listMs = performance.now() - l0;
      console.log(`overdue round ${round}: count ${Number(row.n).toLocaleString('en')} overdue in ${countMs.toFixed(0)} ms; first page of the overdue list (${page.items.length} rows) in ${listMs.toFixed(0)} ms`);
    }
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await advancesOverHttp();
  await overdueQuery();
}

async function advancesOverHttp(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qt-bench-'));
  const handle = createDb(join(dir, 'bench.db'));
  await migrateToLatest(handle);
  const deps = serviceDeps({ db: handle, clock: systemClock });
  await deployProcedures(deps, { username: 'bench' }, readFileSync(join(import.meta.dirname, '..', 'processes', 'thin-slice', 'thin-slice.bpmn'), 'utf8'));
  await ensureDemoUsers(handle.db);
  const tokens: Record<string, string> = {};
  for (const username of ['motcua', 'chuyenvien', 'giamdoc']) {
    const user = await findUserByUsername(handle.db, username);
    tokens[username] = (await createApiToken(handle.db, user!.id, 'bench', systemClock.now())).token;
  }
  const app = createApp({ db: handle, clock: systemClock });
  const server: ServerType = await new Promise((ready) => {
    const s = serve({ fetch: app.fetch, port: 0 }, () => ready(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

  const latencies: number[] = [];
  let advances = 0;
  let errors = 0;
  let measuring = false;
  const started = performance.now();
  const endAt = started + WARMUP_MS + DURATION_MS;
  let measureStart = 0;
  // CPU time of this process per completion: less sensitive than the rate to other load on the machine.
  let cpuAtStart = process.cpuUsage();
  setTimeout(() => {
    measuring = true;
    measureStart = performance.now();
    cpuAtStart = process.cpuUsage();
  }, WARMUP_MS);

  async function connection(): Promise<void> {
    while (performance.now() < endAt) {
      const received = await request(agent, port, 'POST', '/api/cases', tokens.motcua!, { processId: 'thin-slice', applicant: { name: 'Nguyễn Văn Bench' }, channel: 'online', unitId: 'CB-TTPVHCC' });
      if (received.status !== 201) {
        errors++;
        continue;
      }
      let detail = JSON.parse(received.body) as { id: string; caseVersion: number; openSteps: { stepKey: string }[] };
      for (const user of ['motcua', 'chuyenvien', 'giamdoc']) {
        const step = detail.openSteps[0];
        if (!step) break;
        const t0 = performance.now();
        const done = await request(agent, port, 'POST', `/api/cases/${detail.id}/steps/${step.stepKey}/complete`, tokens[user]!, { caseVersion: detail.caseVersion });
        const ms = performance.now() - t0;
        if (done.status !== 200) {
          errors++;
          break;
        }
        if (measuring && performance.now() < endAt) {
          advances++;
          latencies.push(ms);
        }
        detail = JSON.parse(done.body) as typeof detail;
      }
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, () => connection()));
  const cpu = process.cpuUsage(cpuAtStart);
  const seconds = (Math.min(performance.now(), endAt) - measureStart) / 1000;
  latencies.sort((a, b) => a - b);
  const rss = process.memoryUsage().rss / 1024 / 1024;
  console.log(`connections ${CONNECTIONS}, measured ${seconds.toFixed(1)} s after ${WARMUP_MS / 1000} s warm-up`);
  console.log(`advances (step completions over HTTP): ${advances} → ${(advances / seconds).toFixed(0)}/s; errors ${errors}`);
  console.log(`latency ms: p50 ${percentile(latencies, 50).toFixed(1)}, p90 ${percentile(latencies, 90).toFixed(1)}, p99 ${percentile(latencies, 99).toFixed(1)}, max ${latencies.at(-1)?.toFixed(1)}`);
  console.log(`cpu ${((cpu.user + cpu.system) / 1000 / Math.max(1, advances)).toFixed(2)} ms per completion (client, server and the receipts between completions included)`);
  console.log(`rss ${rss.toFixed(0)} MB`);
  agent.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
}

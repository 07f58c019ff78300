import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/auth/demo.ts';
import { repoFile } from '../helpers/app.ts';
import { DIALECTS, TEST_PG_URL, createTestDb } from '../helpers/db.ts';
import type { TestDb } from '../helpers/db.ts';
import { startServe } from '../helpers/serve-process.ts';
import type { ServeProcess } from '../helpers/serve-process.ts';

/** A logged-in HTTP client of a running server process. */
async function login(port: number, username: string) {
  const base = `http://127.0.0.1:${port}`;
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const headers = { cookie, 'x-csrf-token': csrfToken };
  return {
    get: async (path: string) => fetch(`${base}${path}`, { headers }),
    post: async (path: string, body: unknown, type = 'application/json') =>
      fetch(`${base}${path}`, { method: 'POST', headers: { ...headers, 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  };
}

describe('quytrinh serve (SQLite file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qt-serve-'));
  const db = join(dir, 'data', 'quytrinh.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should migrate, deploy processes/, print demo accounts, serve the API and stop on SIGTERM', async () => {
    const server = await startServe(['--db', db, '--no-editor']);
    try {
      expect(server.output()).toMatch(/deployed thin-slice v1/);
      expect(server.output()).toMatch(/motcua\s+demo1234/);
      const reviewer = await login(server.port, 'kiemsoat');
      const procedures = (await (await reviewer.get('/api/procedures')).json()) as { processId: string }[];
      expect(procedures.map((p) => p.processId)).toContain('thin-slice');
      const openapi = await fetch(`http://127.0.0.1:${server.port}/api/openapi.json`);
      expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0');
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.output()).toMatch(/stopped/);
  });

  it('should deploy nothing new and create no accounts on a second start', async () => {
    const server = await startServe(['--db', db, '--no-editor']);
    try {
      expect(server.output()).not.toMatch(/deployed /);
      expect(server.output()).not.toMatch(/Demo accounts/);
    } finally {
      expect(await server.stop('SIGINT')).toBe(0);
    }
  });

  it('should keep a pending timer across a restart and fire it once afterwards', async () => {
    // given a case whose 2-second timer is pending when the server stops
    const first = await startServe(['--db', db, '--no-editor', '--no-demo-history']);
    let caseId: string;
    try {
      const designer = await login(first.port, 'thietke');
      expect((await designer.post('/api/procedures', repoFile('test/server/fixtures/short-timer.bpmn'), 'text/xml')).status).toBe(201);
      const desk = await login(first.port, 'motcua');
      const res = await desk.post('/api/cases', { processId: 'server-short-timer', applicant: { name: 'Khởi động lại' }, channel: 'online', unitId: 'CB-TTPVHCC' });
      caseId = ((await res.json()) as { id: string }).id;
    } finally {
      expect(await first.stop()).toBe(0);
    }
    await new Promise((r) => setTimeout(r, 2500));
    // when a new process starts on the same file
    const second = await startServe(['--db', db, '--no-editor', '--no-demo-history']);
    try {
      const desk = await login(second.port, 'motcua');
      let detail: { history: { type: string }[]; openSteps: { elementId: string }[] } = { history: [], openSteps: [] };
      for (let i = 0; i < 20 && !detail.history.some((e) => e.type === 'timer.fired'); i++) {
        await new Promise((r) => setTimeout(r, 500));
        detail = (await (await desk.get(`/api/cases/${caseId}`)).json()) as typeof detail;
      }
      await new Promise((r) => setTimeout(r, 2000));
      detail = (await (await desk.get(`/api/cases/${caseId}`)).json()) as typeof detail;
      // then the timer fired exactly once and the case moved on
      expect(detail.history.filter((e) => e.type === 'timer.fired')).toHaveLength(1);
      expect(detail.openSteps.map((s) => s.elementId)).toEqual(['Task_Escalate']);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});

if (DIALECTS.includes('postgres')) {
  describe('two quytrinh serve processes on one PostgreSQL database', () => {
    let schemaDb: TestDb;
    let a: ServeProcess;
    let b: ServeProcess;
    beforeAll(async () => {
      // an empty schema; the servers migrate it themselves (concurrently)
      schemaDb = await createTestDb('postgres', { migrate: false });
      const url = `${TEST_PG_URL}${TEST_PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schemaDb.schema}`)}`;
      [a, b] = await Promise.all([startServe(['--db', url, '--no-editor']), startServe(['--db', url, '--no-editor'])]);
    });
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await schemaDb.dispose();
    });

    it('should never lose an update when both instances advance the same cases', async () => {
      const deskA = await login(a.port, 'motcua');
      const deskB = await login(b.port, 'motcua');
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await deskA.post('/api/cases', { processId: 'thin-slice', applicant: { name: `Hai máy ${i}` }, channel: 'online', unitId: 'CB-TTPVHCC' });
        expect(res.status).toBe(201);
        ids.push(((await res.json()) as { id: string }).id);
      }
      const results = await Promise.all(ids.flatMap((id) => [deskA, deskB].map((desk) => desk.post(`/api/cases/${id}/steps/Task_Receive/complete`, { caseVersion: 1 }).then((r) => r.status))));
      for (let i = 0; i < ids.length; i++) expect([results[2 * i], results[2 * i + 1]].sort()).toEqual([200, 409]);
      for (const id of ids) {
        const detail = (await (await deskB.get(`/api/cases/${id}`)).json()) as { caseVersion: number; history: { type: string }[] };
        expect(detail.caseVersion).toBe(2);
        expect(detail.history.filter((e) => e.type === 'step.completed')).toHaveLength(1);
      }
    });

    it('should fire each timer exactly once across both instances', async () => {
      const designer = await login(a.port, 'thietke');
      const deployed = await designer.post('/api/procedures', repoFile('test/server/fixtures/short-timer.bpmn'), 'text/xml');
      expect(deployed.status).toBe(201);
      const desk = await login(b.port, 'motcua');
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) {
        const res = await desk.post('/api/cases', { processId: 'server-short-timer', applicant: { name: `Hẹn giờ ${i}` }, channel: 'online', unitId: 'CB-TTPVHCC' });
        ids.push(((await res.json()) as { id: string }).id);
      }
      // the 2-second timers become due; both schedulers poll every second
      const deadline = Date.now() + 15_000;
      let fired: { type: string }[][] = [];
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        fired = await Promise.all(ids.map(async (id) => ((await (await desk.get(`/api/cases/${id}`)).json()) as { history: { type: string }[] }).history.filter((e) => e.type === 'timer.fired')));
        if (fired.every((f) => f.length >= 1)) break;
      }
      await new Promise((r) => setTimeout(r, 2500));
      const final = await Promise.all(ids.map(async (id) => (await (await desk.get(`/api/cases/${id}`)).json()) as { history: { type: string }[]; openSteps: { elementId: string }[] }));
      for (const detail of final) {
        expect(detail.history.filter((e) => e.type === 'timer.fired')).toHaveLength(1);
        expect(detail.openSteps.map((s) => s.elementId)).toEqual(['Task_Escalate']);
      }
    });
  });
}

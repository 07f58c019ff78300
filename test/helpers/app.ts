/**
 * An in-process server for HTTP tests: a migrated database of the given dialect, the demo users,
 * a hand-moved clock, and clients that log in like the browser does (cookie + CSRF header).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../server/app.ts';
import type { AppDeps } from '../../server/app.ts';
import { DEMO_PASSWORD, ensureDemoUsers } from '../../server/auth/demo.ts';
import { testClock } from '../../server/clock.ts';
import type { TestClock } from '../../server/clock.ts';
import type { Dialect } from '../../server/storage/db.ts';
import { createTestDb } from './db.ts';
import type { TestDb } from './db.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

/** Reads a file of the repository (e.g. `processes/thin-slice/thin-slice.bpmn`). */
export function repoFile(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

export interface TestResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface Client {
  readonly username: string;
  get<T = any>(path: string): Promise<TestResponse<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse<T>>;
  put<T = any>(path: string, body: unknown): Promise<TestResponse<T>>;
  postXml<T = any>(path: string, xml: string): Promise<TestResponse<T>>;
}

export interface TestServer {
  readonly app: ReturnType<typeof createApp>;
  readonly db: TestDb;
  readonly clock: TestClock;
  login(username: string): Promise<Client>;
  dispose(): Promise<void>;
}

async function read(response: Response): Promise<TestResponse> {
  // Keep a leading BOM (CSV exports carry one for spreadsheets); Response.text() would drop it.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, headers: response.headers, text, body: /json/.test(type) && text ? JSON.parse(text) : text };
}

/**
 * @example const server = await startTestServer('sqlite'); const officer = await server.login('motcua');
 */
export async function startTestServer(dialect: Dialect, options: { now?: string; deps?: Partial<AppDeps> } = {}): Promise<TestServer> {
  const db = await createTestDb(dialect);
  const clock = testClock(options.now ?? '2026-03-02T08:00:00+07:00');
  await ensureDemoUsers(db.db, clock.now());
  const app = createApp({ db, clock, ...options.deps });
  return {
    app,
    db,
    clock,
    async login(username) {
      const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      const headers = { cookie, 'x-csrf-token': csrfToken };
      return {
        username,
        get: async (path) => read(await app.request(path, { headers })),
        post: async (path, body, extra = {}) => read(await app.request(path, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', ...extra }, body: body === undefined ? '' : JSON.stringify(body) })),
        put: async (path, body) => read(await app.request(path, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) })),
        postXml: async (path, xml) => read(await app.request(path, { method: 'POST', headers: { ...headers, 'content-type': 'text/xml' }, body: xml })),
      };
    },
    dispose: () => db.dispose(),
  };
}

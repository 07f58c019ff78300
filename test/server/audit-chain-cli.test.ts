import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { appendAudit } from '../../server/audit/chain.ts';
import { DEMO_PASSWORD, ensureDemoUsers } from '../../server/auth/demo.ts';
import { testClock } from '../../server/clock.ts';
import { ROOT, repoFile } from '../helpers/app.ts';
import { csvObjects } from '../helpers/csv.ts';
import { createTestDb, DIALECTS, TEST_PG_URL } from '../helpers/db.ts';

const HOUR = 3_600_000;

function cli(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'quytrinh.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// Each spawn starts tsx (a few seconds on this machine), hence the generous timeout.
describe('quytrinh audit verify / export / backup (SQLite file)', { timeout: 120_000 }, () => {
  let dir: string;
  let file: string;
  let codes: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quytrinh-cli-'));
    file = join(dir, 'q.db');
    // given a database with two cases of the thin slice: one finished, one still open
    const t = await createTestDb('sqlite', { file });
    const clock = testClock('2026-03-02T08:00:00+07:00');
    await ensureDemoUsers(t.db, clock.now());
    const app = createApp({ db: t, clock });
    const login = async (username: string) => {
      const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
      const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      const headers = { cookie, 'x-csrf-token': csrfToken };
      return {
        post: async (path: string, body: unknown, type = 'application/json') => (await app.request(path, { method: 'POST', headers: { ...headers, 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) })).json() as Promise<any>,
        get: async (path: string) => (await app.request(path, { headers })).json() as Promise<any>,
      };
    };
    await (await login('thietke')).post('/api/procedures', repoFile('processes/thin-slice/thin-slice.bpmn'), 'text/xml');
    const desk = await login('motcua');
    const first = await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name: 'Nguyễn Văn An, "Hợp tác xã"' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
    const second = await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name: 'Lê Thị Bình' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
    codes = [first.code, second.code];
    let version = first.caseVersion;
    for (const username of ['motcua', 'chuyenvien', 'giamdoc']) {
      clock.advance(2 * HOUR);
      const officer = await login(username);
      const item = (await officer.get('/api/inbox')).find((i: { caseId: string }) => i.caseId === first.id);
      version = (await officer.post(`/api/cases/${first.id}/steps/${item.stepKey}/complete`, { caseVersion: version })).caseVersion;
    }
    await t.dispose();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should report an intact audit log with exit 0', () => {
    const r = cli('audit', 'verify', '--db', file, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout) as { ok: boolean; cases: number; events: number };
    expect(result).toMatchObject({ ok: true, cases: 2 });
    expect(result.events).toBeGreaterThan(8);
    expect(cli('audit', 'verify', '--db', file).stdout).toMatch(/^audit log intact: \d+ events in 2 chains/);
  });

  it('should refuse bad arguments and a missing database with exit 2', () => {
    expect(cli('audit').status).toBe(2);
    expect(cli('audit', 'check', '--db', file).status).toBe(2);
    const missing = cli('audit', 'verify', '--db', join(dir, 'nope.db'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no database at');
    expect(existsSync(join(dir, 'nope.db'))).toBe(false);
    expect(cli('export', '--db', file, '--format', 'pdf').status).toBe(2);
    expect(cli('export', '--db', file, '--format', 'csv', '--from', 'yesterday').status).toBe(2);
    expect(cli('backup', '--db', file).status).toBe(2);
    expect(cli('export', '--db', file, '--format', 'csv', '--version', '1').status).toBe(2);
  });

  it('should export the step intervals as CSV with a BOM for Excel', () => {
    const out = join(dir, 'audit.csv');
    const r = cli('export', '--db', file, '--format', 'csv', '--out', out);
    expect(r.status).toBe(0);
    const csv = readFileSync(out, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('caseId,caseCode,stepKey,elementId,name,role,unit,enteredAt,leftAt,claimedBy,actor,outcome,end,normAmount,normUnit,normMinutes,dueAt,workingMinutes,calendarMinutes,timeliness');
    // three finished steps of the first case, one open step of the second
    expect(lines).toHaveLength(1 + 3 + 1);
    const first = csvObjects(csv).filter((r) => r.caseCode === codes[0]);
    expect(first.map((r) => r.elementId)).toEqual(['Task_Receive', 'Task_Handle', 'Task_Approve']);
    // two wall-clock hours each: 08–10 h, 10–12 h (lunch from 11:30), 12–14 h (office reopens at 13:00)
    expect(first.map((r) => r.workingMinutes)).toEqual(['120', '90', '60']);
    expect(first.map((r) => r.calendarMinutes)).toEqual(['120', '120', '120']);
    expect(first.map((r) => r.actor)).toEqual(['motcua', 'chuyenvien', 'giamdoc']);
    expect(first[0]!.name).toBe('Kiểm tra, tiếp nhận hồ sơ, lập phiếu tiếp nhận và hẹn trả kết quả');
  });

  it('should export JSON with timeliness and step statistics, filtered by process and period', () => {
    const r = cli('export', '--db', file, '--format', 'json', '--process', 'thin-slice', '--from', '2026-03-02', '--to', '2026-03-02');
    expect(r.status).toBe(0);
    const data = JSON.parse(r.stdout) as { summary: { received: number; finished: number }; cases: { code: string; timeliness?: string }[]; steps: { elementId: string; count: number; meanMinutes: number }[] };
    expect(data.summary).toMatchObject({ received: 2, finished: 1 });
    expect(data.cases.map((c) => c.code)).toEqual(codes);
    expect(data.cases[0]!.timeliness).toBe('early');
    expect(data.steps.map((s) => [s.elementId, s.count, s.meanMinutes])).toEqual([['Task_Receive', 1, 120], ['Task_Handle', 1, 90], ['Task_Approve', 1, 60]]);
    const none = JSON.parse(cli('export', '--db', file, '--format', 'json', '--from', '2026-03-03').stdout) as { cases: unknown[] };
    expect(none.cases).toEqual([]);
    expect(JSON.parse(cli('export', '--db', file, '--format', 'json', '--process', 'other').stdout).cases).toEqual([]);
    expect(JSON.parse(cli('export', '--db', file, '--format', 'json', '--process', 'thin-slice', '--version', '2').stdout).cases).toEqual([]);
    expect(JSON.parse(cli('export', '--db', file, '--format', 'json', '--process', 'thin-slice', '--version', '1').stdout).cases).toHaveLength(2);
  });

  it('should export XES with concept:name, lifecycle:transition, time:timestamp and org:resource', () => {
    const r = cli('export', '--db', file, '--format', 'xes');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<log xes.version=/);
    expect(r.stdout.match(/<trace>/g)).toHaveLength(2);
    expect(r.stdout).toContain(`<string key="concept:name" value="${codes[0]}"/>`);
    expect(r.stdout).toContain('<string key="lifecycle:transition" value="complete"/>');
    expect(r.stdout).toContain('<date key="time:timestamp" value="2026-03-02T03:00:00.000Z"/>');
    expect(r.stdout).toContain('<string key="org:resource" value="chuyenvien"/>');
  });

  it('should back up a consistent copy that verifies on its own', () => {
    const out = join(dir, 'backup.db');
    const r = cli('backup', '--db', file, '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/pages copied/);
    const original = JSON.parse(cli('audit', 'verify', '--db', file, '--json').stdout) as { events: number };
    const copy = cli('audit', 'verify', '--db', out, '--json');
    expect(copy.status).toBe(0);
    expect(JSON.parse(copy.stdout)).toEqual({ ok: true, cases: 2, events: original.events });
  });

  it('should exit 1 naming the first broken event after tampering', () => {
    const tampered = join(dir, 'tampered.db');
    expect(cli('backup', '--db', file, '--out', tampered).status).toBe(0);
    const db = new Database(tampered);
    db.exec('drop trigger audit_events_no_update');
    const target = db.prepare("select case_id, seq from audit_events where type = 'step.completed' order by id limit 1").get() as { case_id: string; seq: number };
    db.prepare("update audit_events set actor = 'someone-else' where case_id = ? and seq = ?").run(target.case_id, target.seq);
    db.close();
    const r = cli('audit', 'verify', '--db', tampered);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`BROKEN at case ${target.case_id}, event ${target.seq}`);
  });
});

if (DIALECTS.includes('postgres')) describe('quytrinh backup / audit verify (PostgreSQL)', { timeout: 120_000 }, () => {
  it('should write a pg_dump archive of the URL\'s schema and verify the chains through a postgres:// URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quytrinh-pg-'));
    try {
      // a chain in a schema of its own, reached through the URL's search_path
      const t = await createTestDb('postgres');
      await t.db.transaction().execute((trx) => appendAudit(trx, [{ type: 'case.received', at: '2026-03-02T01:00:00Z', caseId: 'pg-1' }, { type: 'case.ended', at: '2026-03-02T02:00:00Z', caseId: 'pg-1' }]));
      const url = `${TEST_PG_URL}?options=${encodeURIComponent(`-c search_path=${t.schema}`)}`;
      const out = join(dir, 'q.dump');
      const r = cli('backup', '--db', url, '--out', out);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      // pg_dump's custom format starts with the magic bytes "PGDMP".
      expect(readFileSync(out).subarray(0, 5).toString('latin1')).toBe('PGDMP');
      // the archive holds that schema's audit table and no other schema
      const listing = spawnSync('pg_restore', ['--list', out], { encoding: 'utf8' });
      expect(listing.status).toBe(0);
      expect(listing.stdout).toMatch(new RegExp(`TABLE ${t.schema} audit_events`));
      expect(listing.stdout).not.toMatch(new RegExp(`TABLE (?!${t.schema} )\\S+ audit_events`));
      const verified = cli('audit', 'verify', '--db', url, '--json');
      expect(verified.status).toBe(0);
      expect(JSON.parse(verified.stdout)).toEqual({ ok: true, cases: 1, events: 2 });
      await t.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceDeps } from '../../server/app.ts';
import { testClock } from '../../server/clock.ts';
import { setYearNotice } from '../../server/services/calendars.ts';
import { ROOT } from '../helpers/app.ts';
import { createTestDb, DIALECTS, TEST_PG_URL } from '../helpers/db.ts';
import type { TestDb } from '../helpers/db.ts';

/** Declares Wednesday 03/03/2027 a day off (as a 2027 notice). */
const DAY_OFF_2027 = {
  notice: '123/TB-BNV',
  issuer: 'Bộ Nội vụ',
  days: [{ date: '2027-03-03', working: false, reason: 'Nghỉ theo thông báo 123/TB-BNV (thử nghiệm)' }],
};

/** Monday 01/03/2027 08:00 + 3 working days: Thursday 08:00 on the built-in calendar. */
const DUE = ['due', '--from', '2027-03-01T08:00', '--norm', '3 wd', '--json'];
const THIN_SLICE = 'processes/thin-slice/thin-slice.bpmn';

/** The real CLI; the database comes from `--db` in `args` or from `databaseUrl` as $DATABASE_URL. */
function cli(args: string[], databaseUrl = join(tmpdir(), 'quytrinh-no-such-dir', 'none.db')) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'quytrinh.js'), 'calendar', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: databaseUrl } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** How the CLI reaches a test database: the SQLite file, or the server's URL with the test schema as search_path. */
function urlOf(t: TestDb, file: string): string {
  return t.schema === undefined ? file : `${TEST_PG_URL}?options=${encodeURIComponent(`-c search_path=${t.schema}`)}`;
}

for (const dialect of DIALECTS) {
  // Each case spawns the real CLI (tsx start-up ≈ 1 s), hence the generous timeout.
  describe(`${dialect}: quytrinh calendar --db`, { timeout: 120_000 }, () => {
    let dir: string;
    let edited: TestDb;
    let url: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'quytrinh-calendar-db-'));
      const file = join(dir, 'q.db');
      edited = await createTestDb(dialect, { file });
      url = urlOf(edited, file);
      // given the day off declared through the service behind PUT /api/calendars/:name/years/:year
      const deps = serviceDeps({ db: edited, clock: testClock('2027-02-01T08:00:00+07:00') });
      await setYearNotice(deps, { username: 'admin' }, 'vn-civil-service', 2027, DAY_OFF_2027);
    });
    afterAll(async () => {
      await edited.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it("should count the administrator's day off, one working day later than the built-in calendar", () => {
      const builtIn = cli(DUE);
      expect(builtIn.status).toBe(0);
      expect(JSON.parse(builtIn.stdout)).toMatchObject({ calendar: 'vn-civil-service', source: 'built-in', dueAt: '2027-03-04T08:00:00.000+07:00' });
      const stored = cli([...DUE, '--db', url]);
      expect(stored.stderr).toBe('');
      expect(stored.status).toBe(0);
      expect(JSON.parse(stored.stdout)).toMatchObject({ calendar: 'vn-civil-service', source: 'database', dueAt: '2027-03-05T08:00:00.000+07:00' });
      // $DATABASE_URL is the default, as for the server
      expect(JSON.parse(cli(DUE, url).stdout)).toMatchObject({ source: 'database', dueAt: '2027-03-05T08:00:00.000+07:00' });
    });

    it('should list the stored day with its notice and plan a procedure with it', () => {
      const days = JSON.parse(cli(['days', '--year', '2027', '--db', url, '--json']).stdout);
      expect(days).toMatchObject({ calendar: 'vn-civil-service', source: 'database', year: 2027 });
      expect(days.days).toContainEqual(expect.objectContaining({ date: '2027-03-03', working: false, notice: '123/TB-BNV' }));
      expect(cli(['days', '--year', '2027', '--db', url]).stdout).toContain('[123/TB-BNV]');
      const builtIn = JSON.parse(cli(['plan', THIN_SLICE, '--from', '2027-03-01T08:00', '--json']).stdout);
      expect(builtIn).toMatchObject({ source: 'built-in', appointment: '2027-03-11T13:30:00.000+07:00' });
      const stored = JSON.parse(cli(['plan', THIN_SLICE, '--from', '2027-03-01T08:00', '--db', url, '--json']).stdout);
      expect(stored).toMatchObject({ calendar: 'vn-civil-service', source: 'database', appointment: '2027-03-12T13:30:00.000+07:00' });
    });

    it('should refuse a calendar the database does not have with exit 1, naming the ones it has', () => {
      const r = cli([...DUE, '--db', url, '--calendar', 'nowhere']);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('quytrinh calendar: unknown calendar "nowhere"; the database calendars are vn-civil-service, vn-one-stop-saturday\n');
      expect(r.stdout).toBe('');
    });

    it('should use the built-in calendars for a database without calendars, and leave its table empty', async () => {
      const file = join(dir, 'empty.db');
      const empty = await createTestDb(dialect, { file });
      try {
        const r = cli([...DUE, '--db', urlOf(empty, file)]);
        expect(r.status).toBe(0);
        expect(r.stderr).toMatch(/^quytrinh calendar: no calendars stored in .+; using the built-in calendars\n$/);
        expect(JSON.parse(r.stdout)).toMatchObject({ source: 'built-in', dueAt: '2027-03-04T08:00:00.000+07:00' });
        // the server would seed the table on its first start; this read-only command does not
        expect(await empty.db.selectFrom('calendars').select('name').execute()).toEqual([]);
      } finally {
        await empty.dispose();
      }
    });
  });
}

describe('quytrinh calendar --db on a SQLite file it must not change', () => {
  it('should read a database in rollback-journal mode without switching it to WAL or writing to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quytrinh-calendar-ro-'));
    try {
      const file = join(dir, 'q.db');
      const t = await createTestDb('sqlite', { file });
      await setYearNotice(serviceDeps({ db: t, clock: testClock('2027-02-01T08:00:00+07:00') }), { username: 'admin' }, 'vn-civil-service', 2027, DAY_OFF_2027);
      await t.dispose();
      const raw = new Database(file);
      raw.pragma('journal_mode = DELETE');
      raw.close();
      const before = statSync(file).mtimeMs;

      const stored = cli([...DUE, '--db', file]);
      expect(stored.status, stored.stderr).toBe(0);
      expect(JSON.parse(stored.stdout)).toMatchObject({ source: 'database', dueAt: '2027-03-05T08:00:00.000+07:00' });

      const after = new Database(file, { readonly: true });
      expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
      after.close();
      expect(statSync(file).mtimeMs).toBe(before);
      expect(existsSync(`${file}-wal`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

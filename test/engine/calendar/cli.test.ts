import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../../../server/cli/calendar.ts';

const ROOT = join(import.meta.dirname, '../../..');
/** No database there: the built-in calendars, whatever a developer's ./data/quytrinh.db holds (test/server/calendar-cli.test.ts covers a database). */
const NO_DATABASE = join(mkdtempSync(join(tmpdir(), 'quytrinh-calendar-')), 'no', 'such.db');

function quytrinh(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/quytrinh.js', 'calendar', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DATABASE_URL: NO_DATABASE } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each case spawns the real CLI (tsx start-up ≈ 0.5 s), hence the generous timeout.
describe('quytrinh calendar', { timeout: 60_000 }, () => {
  it('should print the effective start and the due instant as JSON', () => {
    const { status, stdout } = quytrinh('due', '--from', '2026-02-13T15:30', '--norm', '10 wd');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      calendar: 'vn-civil-service',
      cutoff: '15:00',
      effectiveStart: '2026-02-23T07:30:00.000+07:00',
      norm: { amount: 10, unit: 'workingDays', text: '10 ngày làm việc' },
      dueAt: '2026-03-06T17:00:00.000+07:00',
    });
  });

  it('should fall back to the built-in calendars without creating the missing database', () => {
    const { status, stdout, stderr } = quytrinh('due', '--from', '2026-02-13T15:30', '--norm', '10 wd');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ calendar: 'vn-civil-service', source: 'built-in' });
    expect(stderr).toBe(`quytrinh calendar: no database at ${NO_DATABASE}; using the built-in calendars\n`);
    expect(existsSync(join(NO_DATABASE, '..'))).toBe(false);
  });

  it('should refuse an unknown calendar with exit 1, naming the known ones', () => {
    const { status, stdout, stderr } = quytrinh('due', '--from', '2026-03-06T08:00', '--norm', '1 wd', '--calendar', 'nowhere');
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('quytrinh calendar: unknown calendar "nowhere"; the built-in calendars are vn-civil-service, vn-one-stop-saturday\n');
  });

  it('should accept every unit spelling, a cut-off and another calendar', () => {
    const hours = JSON.parse(quytrinh('due', '--from', '2026-03-06T16:30', '--norm', '4 working-hours', '--cutoff', '17:00', '--json').stdout);
    expect(hours.effectiveStart).toBe('2026-03-06T16:30:00.000+07:00');
    expect(hours.dueAt).toBe('2026-03-09T11:00:00.000+07:00');
    const desk = JSON.parse(quytrinh('due', '--from', '2026-03-06T16:30', '--norm', '4h', '--cutoff', '17:00', '--calendar', 'vn-one-stop-saturday').stdout);
    expect(desk.dueAt).toBe('2026-03-07T11:00:00.000+07:00');
    const days = JSON.parse(quytrinh('due', '--from', '2026-08-10T08:00', '--norm', '21 cd').stdout);
    expect(days.dueAt).toBe('2026-09-03T17:00:00.000+07:00');
  });

  it('should list the exceptional days of a year with reasons and notice numbers', () => {
    const text = quytrinh('days', '--year', '2026');
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('2026-08-22  thứ Bảy');
    expect(text.stdout).toContain('[9441/TB-BNV]');
    expect(text.stdout).toContain('Nghỉ bù Giỗ Tổ Hùng Vương');
    const json = JSON.parse(quytrinh('days', '--year', '2025', '--json').stdout);
    expect(json.days.map((d: { date: string }) => d.date)).toContain('2025-04-26');
    expect(json.days).toHaveLength(13);
  });

  it('should read a calendar from a JSON file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quytrinh-calendar-'));
    const file = join(dir, 'unit.json');
    writeFileSync(file, JSON.stringify({ id: 'unit', base: 'vn-civil-service', days: [{ date: '2026-03-09', working: false, reason: 'Nghỉ riêng' }] }));
    const out = JSON.parse(quytrinh('due', '--from', '2026-03-06T08:00', '--norm', '1 wd', '--calendar', file).stdout);
    expect(out).toMatchObject({ calendar: 'unit', source: 'file', dueAt: '2026-03-10T08:00:00.000+07:00' });
  });

  it('should plan a procedure file step by step with its appointment', () => {
    const { status, stdout } = quytrinh('plan', 'processes/cao-bang-1.001806/cao-bang-1.001806.bpmn', '--from', '2026-02-12T15:30', '--json');
    expect(status).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan.effectiveStart).toBe('2026-02-13T07:30:00.000+07:00');
    expect(plan.steps).toHaveLength(6);
    expect(plan.steps[2]).toMatchObject({ norm: { amount: 7, unit: 'workingDays' }, dueAt: '2026-03-03T17:00:00.000+07:00' });
    expect(plan.appointment).toBe('2026-03-05T17:00:00.000+07:00');
    const text = quytrinh('plan', 'processes/cao-bang-1.001806/cao-bang-1.001806.bpmn', '--from', '2026-02-12T15:30');
    expect(text.stdout).toContain('Ngày hẹn trả kết quả: 17:00 05/03/2026');
  });

  it('should refuse a file that is not BPMN with exit 1 and its diagnostics', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quytrinh-calendar-'));
    const file = join(dir, 'not.bpmn');
    writeFileSync(file, 'hello');
    const { status, stderr } = quytrinh('plan', file, '--from', '2026-03-02T08:00');
    expect(status).toBe(1);
    expect(stderr).toContain('error');
  });

  it('should print the lunar date of a day', () => {
    expect(quytrinh('lunar', '--date', '2026-02-16').stdout).toBe('2026-02-16: 29 tháng Chạp năm âm lịch 2025 (tháng 29 ngày)\n');
    expect(JSON.parse(quytrinh('lunar', '--date', '2026-04-26', '--json').stdout).lunar).toEqual({ year: 2026, month: 3, day: 10, leap: false, monthLength: 30 });
  });

  it('should exit 2 on unusable arguments', async () => {
    // The real process once, then every case in-process (spawning each would take seconds).
    expect(quytrinh('due', '--from', 'yesterday', '--norm', '1 wd').status).toBe(2);
    vi.stubEnv('DATABASE_URL', NO_DATABASE);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      for (const args of [
        [],
        ['due', '--from', '2026-03-06T08:00'],
        ['due', '--from', 'yesterday', '--norm', '1 wd'],
        ['due', '--from', '2026-03-06T08:00', '--norm', '1 week'],
        ['due', '--from', '2026-03-06T08:00', '--norm', '1 wd', '--db'],
        ['due', '--from', '2026-03-06T08:00', '--norm', '1 wd', '--calendar', 'test/unit.json', '--db', 'q.db'],
        ['due', '--from', '2026-03-06T08:00', '--norm', '1 wd', '--cutoff', '3pm'],
        ['due', '--from', '2026-03-06T08:00', '--norm', '1 wd', 'extra'],
        ['days', '--year', '26'],
        ['days', '--year', '1900'],
        ['days', '--year', '2026', '--verbose'],
        ['days', '--year', '2026', '--norm', '1 wd'],
        ['plan', '--from', '2026-03-02T08:00'],
        ['plan', 'missing.bpmn', '--from', '2026-03-02T08:00'],
        ['plan', 'processes/cao-bang-1.001806/cao-bang-1.001806.bpmn', '--from', '2026-03-02T08:00', '--channel', 'fax'],
        ['lunar', '--date', '2026-13-01'],
        ['lunar', '--date', '2026-02-16', '--db', 'q.db'],
      ]) {
        stderr.mockClear();
        expect([args.join(' '), await run(args)]).toEqual([args.join(' '), 2]);
        // Some arguments are found unusable only after the built-in calendars were chosen (and that said first).
        expect(stderr.mock.calls.map(([text]) => String(text)).join('')).toContain('Usage');
      }
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
      vi.unstubAllEnvs();
    }
  });
});

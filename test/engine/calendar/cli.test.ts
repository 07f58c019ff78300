import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');

function quytrinh(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/quytrinh.js', 'calendar', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
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
    expect(out.dueAt).toBe('2026-03-10T08:00:00.000+07:00');
  });

  it('should exit 2 on unusable arguments', () => {
    for (const args of [
      [],
      ['due', '--from', '2026-03-06T08:00'],
      ['due', '--from', 'yesterday', '--norm', '1 wd'],
      ['due', '--from', '2026-03-06T08:00', '--norm', '1 week'],
      ['due', '--from', '2026-03-06T08:00', '--norm', '1 wd', '--calendar', 'nowhere'],
      ['due', '--from', '2026-03-06T08:00', '--norm', '1 wd', '--cutoff', '3pm'],
      ['days', '--year', '26'],
      ['days', '--year', '1900'],
      ['days', '--year', '2026', '--verbose'],
    ]) {
      const { status, stderr } = quytrinh(...args);
      expect([args.join(' '), status]).toEqual([args.join(' '), 2]);
      expect(stderr).toContain('Usage');
    }
  });
});

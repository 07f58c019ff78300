import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseCodeFormat, caseCodeFromEnv, caseCodeOfDay } from '../../server/services/case-code.ts';

describe('dossier codes', () => {
  it('should follow Circular 04/2025 by default: <agency e-ID>-YYMMDD-AA and the day sequence in at least 4 digits', () => {
    const format = caseCodeFromEnv({ AGENCY_CODE: '000.00.12.H10', CASE_CODE_SYSTEM: '12' });
    // 16:59 UTC on 1 March is 23:59 on 1 March in Vietnam; 17:00 UTC is already 2 March there
    expect(caseCodeOfDay(format, '2026-03-01T16:59:00.000Z').withSequence(7)).toBe('000.00.12.H10-260301-120007');
    const nextDay = caseCodeOfDay(format, '2026-03-01T17:00:00.000Z');
    expect(nextDay.withSequence(12345)).toBe('000.00.12.H10-260302-1212345');
    expect(nextDay.counterKey).toBe('000.00.12.H10-260302-12{seq}');
  });

  it('should make codes from an agency template', () => {
    const format = caseCodeFormat('HS.{agency}.{yymmdd}.{seq}', 'UBND_CB', '00');
    expect(caseCodeOfDay(format, '2026-11-25T02:00:00.000Z').withSequence(3)).toBe('HS.UBND_CB.261125.0003');
  });

  it('should refuse a template or code that cannot make unique, well-formed codes, saying what to fix', () => {
    expect(() => caseCodeFormat('{agency}-{yymmdd}', 'QT', '00')).toThrow(/must contain \{seq\} exactly once/);
    expect(() => caseCodeFormat('{agency}-{seq}-{seq}', 'QT', '00')).toThrow(/exactly once/);
    expect(() => caseCodeFormat('{agency}-{date}-{seq}', 'QT', '00')).toThrow(/unknown placeholders \{date\}/);
    expect(() => caseCodeFormat('{agency}-{seq}', 'Q T', '00')).toThrow(/agency code "Q T"/);
    expect(() => caseCodeFormat('{agency}-{seq}', 'QT', '1')).toThrow(/system code "1" must be two digits/);
  });

  it('should make quytrinh serve stop with exit 2 and the reason on an unusable template', () => {
    const result = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'quytrinh.js'), 'serve', '--port', '0', '--db', join('/nonexistent', 'never-created.db')], {
      env: { ...process.env, CASE_CODE_TEMPLATE: '{agency}-{yymmdd}' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/quytrinh serve: The case code template "\{agency\}-\{yymmdd\}" must contain \{seq\} exactly once/);
  });
});

import { describe, expect, it } from 'vitest';
import type { InboxItem, StepInterval, User } from '../../editor/api-client.ts';
import { formatDate, formatDateTime, formatHours, outcomeLabel, problemTitle, timelinessClass, timelinessLabel } from '../../editor/labels.ts';
import { parseHours } from '../../editor/pages/calendar.ts';
import { byDue } from '../../editor/pages/inbox.ts';
import { mayActOn } from '../../editor/pages/case.ts';
import { byUnit, heat, meanHours, reduceIntervals, spentHours } from '../../editor/statistics.ts';
import { translate } from '../../editor/translate.ts';

const interval = (elementId: string, workingMinutes: number, extra: Partial<StepInterval> = {}): StepInterval =>
  ({ caseId: 'c1', stepKey: elementId, elementId, enteredAt: '2026-03-02T01:00:00Z', leftAt: '2026-03-02T05:00:00Z', end: 'completed', outsideClock: false, workingMinutes, calendarMinutes: workingMinutes, ...extra });

describe('editor statistics', () => {
  it('should fold intervals into visits, mean and max working hours per step', () => {
    // given two visits of one step and one of another, norms from the diagram in hours
    const stats = reduceIntervals([interval('A', 120), interval('A', 360), interval('B', 30)], new Map([['A', 4], ['B', 8]]));
    // then
    const a = stats.get('A')!;
    expect(a.visits).toBe(2);
    expect(meanHours(a)).toBe(4);
    expect(a.maxHours).toBe(6);
    expect(a.late).toBe(1);
    expect(stats.get('B')!.late).toBe(0);
  });

  it('should count the server timeliness as late even within the norm and ignore open visits in the mean', () => {
    const stats = reduceIntervals([interval('A', 60, { timeliness: 'late' }), interval('A', 10_000, { leftAt: undefined, timeliness: 'withinDeadline' })], new Map([['A', 8]]));
    const a = stats.get('A')!;
    expect(a.finished).toBe(1);
    expect(meanHours(a)).toBe(1);
    expect(a.late).toBe(2); // the open visit already exceeds its norm
  });

  it('should take the norm from the interval when the diagram has none', () => {
    const stats = reduceIntervals([interval('A', 60, { normMinutes: 240 })], new Map());
    expect(stats.get('A')!.normHours).toBe(4);
  });

  it('should measure calendar-day norms on the wall clock', () => {
    expect(spentHours(interval('A', 60, { calendarMinutes: 1440, norm: { amount: 1, unit: 'calendarDays' } }))).toBe(24);
    expect(spentHours(interval('A', 60, { calendarMinutes: 1440, norm: { amount: 1, unit: 'workingDays' } }))).toBe(1);
  });

  it('should map the mean to heat: half at the norm, capped at twice the norm', () => {
    const at = (minutes: number): number | undefined => heat(reduceIntervals([interval('A', minutes)], new Map([['A', 4]])).get('A')!);
    expect(at(0)).toBe(0);
    expect(at(240)).toBe(0.5);
    expect(at(10_000)).toBe(1);
    expect(heat(reduceIntervals([interval('A', 60)], new Map()).get('A')!)).toBeUndefined();
  });

  it('should count visits and late visits per unit', () => {
    const units = byUnit([interval('A', 1, { unit: 'U1', timeliness: 'late' }), interval('B', 1, { unit: 'U1', timeliness: 'onTime' }), interval('C', 1, { unit: 'U2', timeliness: 'overdue' })]);
    expect(Object.fromEntries(units)).toEqual({ U1: { visits: 2, late: 1 }, U2: { visits: 1, late: 1 } });
  });
});

describe('editor inbox order', () => {
  it('should sort by due instant with undated steps last', () => {
    const item = (caseCode: string, dueAt: string | null): Pick<InboxItem, 'caseCode' | 'dueAt'> => ({ caseCode, dueAt });
    const sorted = [item('late', '2026-03-05T01:00:00Z'), item('none', null), item('soon', '2026-03-02T01:00:00Z')].sort(byDue);
    expect(sorted.map((i) => i.caseCode)).toEqual(['soon', 'late', 'none']);
  });
});

describe('editor step permission', () => {
  const user: User = { id: 'u', username: 'u', displayName: 'U', roles: [{ role: 'officer', unitId: 'CB-TTPVHCC' }] };
  it('should allow a step of the role in the unit only', () => {
    expect(mayActOn(user, { role: 'officer', unitId: 'CB-TTPVHCC' })).toBe(true);
    expect(mayActOn(user, { role: 'officer', unitId: 'CB-SYT-BTXH' })).toBe(false);
    expect(mayActOn(user, { role: 'unitHead', unitId: 'CB-TTPVHCC' })).toBe(false);
    expect(mayActOn(user, {})).toBe(true);
  });
});

describe('editor office hours input', () => {
  it('should read typed office hours, with a hyphen or the en dash it writes', () => {
    expect(parseHours('7:30-11:30, 13:00–17:00')).toEqual([['07:30', '11:30'], ['13:00', '17:00']]);
    expect(parseHours(formatHours([['07:00', '11:30']]))).toEqual([['07:00', '11:30']]);
  });

  it('should refuse text that is not a list of ranges', () => {
    expect(parseHours('')).toBeUndefined();
    expect(parseHours('sáng thứ Bảy')).toBeUndefined();
    expect(parseHours('07:30-11:30, 13:00')).toBeUndefined();
  });
});

describe('editor labels', () => {
  it('should format instants as dd/MM/yyyy HH:mm in Vietnam time', () => {
    expect(formatDateTime('2026-11-25T17:30:00Z')).toBe('26/11/2026 00:30');
    expect(formatDateTime(null)).toBe('—');
  });

  it('should format calendar dates as dd/MM/yyyy and office hours as ranges, no hours being a day off', () => {
    expect(formatDate('2026-02-16')).toBe('16/02/2026');
    expect(formatDate(undefined)).toBe('—');
    expect(formatHours([['07:30', '11:30'], ['13:00', '17:00']])).toBe('07:30–11:30, 13:00–17:00');
    expect(formatHours([])).toBe('Nghỉ');
  });

  it('should name problem codes in Vietnamese, unknown ones generically', () => {
    expect(problemTitle('DEADLINE_CALENDAR')).toBe('Lịch làm việc không hợp lệ, chưa có gì được thay đổi');
    expect(problemTitle('SOMETHING_NEW')).toBe('Không thực hiện được');
  });

  it('should name timeliness classes and outcomes in Vietnamese', () => {
    expect(timelinessLabel('early')).toBe('Trước hạn');
    expect(timelinessLabel('overdue')).toBe('Quá hạn');
    expect(timelinessClass('dueSoon')).toBe('t-soon');
    expect(outcomeLabel('approve')).toBe('Đồng ý');
    expect(outcomeLabel('custom')).toBe('custom');
    expect(outcomeLabel(undefined)).toBe('Hoàn thành');
  });

  it('should translate known bpmn-js labels and fill placeholders', () => {
    expect(translate('General')).toBe('Chung');
    expect(translate('Unknown {x}', { x: 'y' })).toBe('Unknown y');
  });
});

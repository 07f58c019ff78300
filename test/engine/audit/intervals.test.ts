import { describe, expect, it } from 'vitest';
import { classifyBySpent, classifyFinished, normMinutes, pausesOf, stepIntervals, type AuditEvent } from '../../../engine/index.ts';
import { caoBangCase, day, officeHours } from './fixtures.ts';

describe('stepIntervals', () => {
  it('should reduce a case to one interval per step visit with working minutes', () => {
    const intervals = stepIntervals(caoBangCase(), { workingTime: officeHours, now: day('06', '10:00') });
    expect(intervals.map((i) => i.stepKey)).toEqual(['receive', 'assign', 'handle', 'approve']);
    // receive 08:00–10:00; assign 10:00 → next day 09:00; handle spans a one-day supplement pause.
    expect(intervals.map((i) => i.workingMinutes)).toEqual([120, 90 + 240 + 90, 390 + 480 + 480 + 90 - 480, 60]);
    expect(intervals.map((i) => i.end)).toEqual(['completed', 'completed', 'completed', 'open']);
  });

  it('should classify against the due instant by day and by minute', () => {
    const intervals = stepIntervals(caoBangCase(), { workingTime: officeHours, now: day('06', '10:00') });
    expect(intervals.map((i) => i.timeliness)).toEqual(['onTime', 'late', 'early', 'withinDeadline']);
    const later = stepIntervals(caoBangCase(), { workingTime: officeHours, now: day('06', '17:01') });
    expect(later[3]!.timeliness).toBe('overdue');
  });

  it('should record who claimed, who completed and the outcome', () => {
    const [receive, assign, handle] = stepIntervals(caoBangCase(), { workingTime: officeHours });
    expect(receive).toMatchObject({ claimedBy: 'desk1', actor: 'desk1', outcome: 'accept', name: 'Tiếp nhận hồ sơ', unit: 'TTPVHCC', normMinutes: 240 });
    expect(assign!.claimedBy).toBeUndefined();
    expect(assign!.actor).toBe('head1');
    expect(handle).toMatchObject({ claimedBy: 'officer1', outcome: 'approve', normMinutes: 7 * 480 });
  });

  it('should leave open steps unclassified without a now', () => {
    const intervals = stepIntervals(caoBangCase(), { workingTime: officeHours });
    expect(intervals[3]!.timeliness).toBeUndefined();
    expect(intervals[3]!.workingMinutes).toBe(0);
  });

  it('should start a new interval when a step key is opened again after closing', () => {
    const events: AuditEvent[] = [
      { type: 'step.opened', at: day('02', '08:00'), caseId: 'x', stepKey: 'check', elementId: 'check' },
      { type: 'step.completed', at: day('02', '09:00'), caseId: 'x', stepKey: 'check', elementId: 'check', data: { outcome: 'return' } },
      { type: 'step.opened', at: day('02', '09:30'), caseId: 'x', stepKey: 'check', elementId: 'check' },
      { type: 'step.cancelled', at: day('02', '10:00'), caseId: 'x', stepKey: 'check', elementId: 'check', actor: 'sys' },
    ];
    const intervals = stepIntervals(events, { workingTime: officeHours });
    expect(intervals.map((i) => [i.enteredAt, i.leftAt, i.end, i.workingMinutes])).toEqual([
      [day('02', '08:00'), day('02', '09:00'), 'completed', 60],
      [day('02', '09:30'), day('02', '10:00'), 'cancelled', 30],
    ]);
    expect(intervals[1]!.timeliness).toBeUndefined();
  });

  it('should keep interleaved cases apart', () => {
    const a = caoBangCase('a');
    const b = caoBangCase('b');
    const mixed = a.flatMap((e, k) => (b[k] ? [e, b[k]] : [e]));
    const intervals = stepIntervals(mixed, { workingTime: officeHours });
    expect(intervals.filter((i) => i.caseId === 'a').map((i) => i.workingMinutes)).toEqual(intervals.filter((i) => i.caseId === 'b').map((i) => i.workingMinutes));
    expect(intervals).toHaveLength(8);
  });

  it('should fall back to the norm when no due instant was recorded', () => {
    const events: AuditEvent[] = [
      { type: 'step.opened', at: day('02', '08:00'), caseId: 'x', stepKey: 's', elementId: 's', data: { norm: { amount: 4, unit: 'workingHours' } } },
      { type: 'step.completed', at: day('02', '14:00'), caseId: 'x', stepKey: 's', elementId: 's' },
    ];
    // 08:00–11:30 + 13:00–14:00 = 270 working minutes > 240.
    expect(stepIntervals(events, { workingTime: officeHours })[0]).toMatchObject({ workingMinutes: 270, timeliness: 'late' });
  });

  it('should measure calendar-day norms in calendar minutes', () => {
    const events: AuditEvent[] = [
      { type: 'step.opened', at: day('06', '16:00'), caseId: 'x', stepKey: 's', elementId: 's', data: { norm: { amount: 2, unit: 'calendarDays' } } },
      { type: 'step.completed', at: day('08', '15:00'), caseId: 'x', stepKey: 's', elementId: 's' },
    ];
    const [i] = stepIntervals(events, { workingTime: officeHours });
    expect(i).toMatchObject({ calendarMinutes: 47 * 60, workingMinutes: 60, timeliness: 'early', normMinutes: 2 * 1440 });
  });

  it('should not classify steps outside the clock', () => {
    const events: AuditEvent[] = [
      { type: 'step.opened', at: day('02', '08:00'), caseId: 'x', stepKey: 'return', elementId: 'return', data: { outsideClock: true, dueAt: day('02', '09:00') } },
      { type: 'step.completed', at: day('09', '08:00'), caseId: 'x', stepKey: 'return', elementId: 'return' },
    ];
    expect(stepIntervals(events, { workingTime: officeHours })[0]!.timeliness).toBeUndefined();
  });
});

describe('classifyFinished', () => {
  it('should call a finish on an earlier day early, on the due day on time, after the instant late', () => {
    expect(classifyFinished(day('02', '16:59'), day('03', '08:00'))).toBe('early');
    expect(classifyFinished(day('03', '07:45'), day('03', '08:00'))).toBe('onTime');
    expect(classifyFinished(day('03', '08:00'), day('03', '08:00'))).toBe('onTime');
    expect(classifyFinished(day('03', '08:01'), day('03', '08:00'))).toBe('late');
  });

  it('should judge the day in Vietnamese time whatever the offset written', () => {
    // 2026-03-02T23:30Z is already 3 March 06:30 in Vietnam: the due day, so on time, not early.
    expect(classifyFinished('2026-03-02T23:30:00Z', day('03', '17:00'))).toBe('onTime');
  });

  it('should follow the published minute rule in classifyBySpent', () => {
    expect(classifyBySpent(239, 240)).toBe('early');
    expect(classifyBySpent(240, 240)).toBe('onTime');
    expect(classifyBySpent(241, 240)).toBe('late');
  });
});

describe('normMinutes and pausesOf', () => {
  it('should convert each unit with 1 working day = 8 hours', () => {
    expect(normMinutes({ amount: 0.5, unit: 'workingDays' })).toBe(240);
    expect(normMinutes({ amount: 20, unit: 'workingHours' })).toBe(1200);
    expect(normMinutes({ amount: 21, unit: 'calendarDays' })).toBe(21 * 1440);
  });

  it('should pair supplement requests with resubmissions and keep an unanswered one open', () => {
    const events = caoBangCase();
    events.push({ type: 'supplement.requested', at: day('09', '08:00'), caseId: 'c1' });
    expect(pausesOf(events)).toEqual([{ from: day('04', '08:00'), to: day('05', '08:00') }, { from: day('09', '08:00') }]);
  });
});

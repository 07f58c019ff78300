import { describe, expect, it } from 'vitest';
import {
  caseTimeliness, controlSlipRows, median, percentile, stepIntervals, stepStatistics, summarizeTimeliness,
  type AuditEvent, type StepInterval,
} from '../../../engine/index.ts';
import { caoBangCase, day, officeHours } from './fixtures.ts';

function interval(elementId: string, workingMinutes: number, timeliness: StepInterval['timeliness'], end: StepInterval['end'] = 'completed'): StepInterval {
  return { caseId: `c${workingMinutes}`, stepKey: elementId, elementId, enteredAt: day('02', '08:00'), end, outsideClock: false, workingMinutes, calendarMinutes: workingMinutes, normMinutes: 240, ...(timeliness && { timeliness }) };
}

describe('stepStatistics', () => {
  it('should compute count, mean, median, p90 and late rate per step', () => {
    const minutes = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
    const list = minutes.map((m) => interval('handle', m, m > 240 ? 'late' : 'onTime'));
    list.push(interval('handle', 50, 'withinDeadline', 'open'));
    list.push(interval('assign', 30, 'early'));
    const [handle, assign] = stepStatistics(list);
    expect(handle).toMatchObject({ elementId: 'handle', count: 10, open: 1, meanMinutes: 550, medianMinutes: 550, p90Minutes: 900, maxMinutes: 1000, normMinutes: 240, late: 8, onTime: 2, lateRate: 0.8 });
    expect(assign).toMatchObject({ count: 1, early: 1, lateRate: 0, p90Minutes: 30 });
  });

  it('should leave cancelled visits out of the timing', () => {
    const [s] = stepStatistics([interval('x', 100, 'onTime'), interval('x', 5000, undefined, 'cancelled')]);
    expect(s).toMatchObject({ count: 1, meanMinutes: 100, maxMinutes: 100 });
  });

  it('should agree with the fixture case', () => {
    const stats = stepStatistics(stepIntervals(caoBangCase('a').concat(caoBangCase('b')), { workingTime: officeHours }));
    expect(stats.map((s) => [s.elementId, s.count, s.meanMinutes])).toEqual([['receive', 2, 120], ['assign', 2, 420], ['handle', 2, 960], ['approve', 0, 0]]);
    expect(stats.find((s) => s.elementId === 'assign')!.lateRate).toBe(1);
  });
});

describe('percentile and median', () => {
  it('should use the nearest rank and average the middle pair', () => {
    expect(percentile([], 90)).toBe(0);
    expect(percentile([5], 90)).toBe(5);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(median([1, 9, 10])).toBe(9);
  });
});

describe('caseTimeliness', () => {
  const finish = (caseId: string, at: string): AuditEvent[] => [
    { type: 'step.completed', at, caseId, elementId: 'approve', stepKey: 'approve', actor: 'leader1' },
    { type: 'step.opened', at, caseId, elementId: 'return', stepKey: 'return', data: { outsideClock: true } },
    { type: 'step.completed', at: day('27', '08:00'), caseId, elementId: 'return', stepKey: 'return' },
    { type: 'case.ended', at: day('27', '08:00'), caseId },
  ];

  it('should take the appointment restarted by the supplement and count the round', () => {
    const [c] = caseTimeliness(caoBangCase(), day('10', '08:00'));
    expect(c).toMatchObject({ caseId: 'c1', code: 'H01-260302-0001', processId: 'cao-bang', appointmentAt: day('19', '08:00'), supplementRounds: 1, apologyIssued: false, timeliness: 'withinDeadline' });
    expect(caseTimeliness(caoBangCase(), day('19', '08:01'))[0]!.timeliness).toBe('overdue');
  });

  it('should finish a case when the result-return step opens, not when the result is handed over', () => {
    const [early] = caseTimeliness([...caoBangCase(), ...finish('c1', day('13', '10:00'))]);
    expect(early).toMatchObject({ finishedAt: day('13', '10:00'), timeliness: 'early' });
    const [late] = caseTimeliness([...caoBangCase(), ...finish('c1', day('19', '09:00'))]);
    expect(late!.timeliness).toBe('late');
  });

  it('should keep a case late after an apology letter even when it meets the new appointment', () => {
    const events = [...caoBangCase(), { type: 'apology.issued', at: day('18', '08:00'), caseId: 'c1', data: { reason: 'Chờ ý kiến', newAppointmentAt: day('25', '17:00') } } as AuditEvent, ...finish('c1', day('24', '09:00'))];
    const [c] = caseTimeliness(events);
    expect(c).toMatchObject({ apologyIssued: true, extendedAppointmentAt: day('25', '17:00'), appointmentAt: day('19', '08:00'), timeliness: 'late' });
  });

  it('should not classify a refused case and should summarise the rest', () => {
    const refused: AuditEvent[] = [
      { type: 'case.received', at: day('02', '08:00'), caseId: 'r', data: { appointmentAt: day('16', '08:00') } },
      { type: 'case.refused', at: day('02', '09:00'), caseId: 'r', data: { reason: 'Không thuộc thẩm quyền' } },
    ];
    const cases = caseTimeliness([...refused, ...caoBangCase('open'), ...caoBangCase('done'), ...finish('done', day('13', '10:00'))], day('10', '08:00'));
    expect(cases.find((c) => c.caseId === 'r')).toMatchObject({ closedWithoutResult: 'refused' });
    expect(cases.find((c) => c.caseId === 'r')!.timeliness).toBeUndefined();
    expect(summarizeTimeliness(cases)).toEqual({ received: 3, finished: 1, early: 1, onTime: 0, late: 0, inProgress: 1, withinDeadline: 1, overdue: 0, closedWithoutResult: 1, apologies: 0, onTimeRate: 1 });
  });
});

describe('controlSlipRows', () => {
  it('should list every handover with giver, receiver, time and the handed step result', () => {
    const events = [...caoBangCase(), { type: 'step.claimed', at: day('06', '09:30'), caseId: 'c1', actor: 'leader1', elementId: 'approve', stepKey: 'approve' } as AuditEvent];
    const rows = controlSlipRows(events, { workingTime: officeHours });
    expect(rows.map((r) => [r.index, r.handedAt, r.giverUnit, r.giverActor, r.receiverUnit, r.receiverActor, r.result])).toEqual([
      [1, day('02', '08:00'), 'TTPVHCC', 'desk1', 'TTPVHCC', 'desk1', undefined],
      [2, day('02', '10:00'), 'TTPVHCC', 'desk1', 'BTXH', 'head1', 'onTime'],
      [3, day('03', '09:00'), 'BTXH', 'head1', 'BTXH', 'officer1', 'late'],
      [4, day('06', '09:00'), 'BTXH', 'officer1', 'SYT', 'leader1', 'early'],
    ]);
    expect(rows[3]).toMatchObject({ fromStepKey: 'handle', toStepKey: 'approve', outcome: 'approve', toStepName: 'Phê duyệt' });
  });

  it('should take the last finished branch as the giver after a parallel join', () => {
    const events: AuditEvent[] = [
      { type: 'case.received', at: day('02', '08:00'), caseId: 'p', actor: 'desk1', unit: 'TTPVHCC' },
      { type: 'step.opened', at: day('02', '08:00'), caseId: 'p', stepKey: 'a', elementId: 'a', data: { unit: 'U1' } },
      { type: 'step.opened', at: day('02', '08:00'), caseId: 'p', stepKey: 'b', elementId: 'b', data: { unit: 'U2' } },
      { type: 'step.completed', at: day('02', '10:00'), caseId: 'p', stepKey: 'b', elementId: 'b', actor: 'u2' },
      { type: 'step.completed', at: day('02', '09:00'), caseId: 'p', stepKey: 'a', elementId: 'a', actor: 'u1' },
      { type: 'step.opened', at: day('02', '10:00'), caseId: 'p', stepKey: 'c', elementId: 'c', data: { unit: 'U3' } },
    ];
    const rows = controlSlipRows(events, { workingTime: officeHours });
    expect(rows.map((r) => r.giverActor)).toEqual(['desk1', 'desk1', 'u2']);
  });
});

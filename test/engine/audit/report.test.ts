import { describe, expect, it } from 'vitest';
import { caseTimeliness, periodReport, type AuditEvent, type CaseTimeliness } from '../../../engine/index.ts';

const d = (date: string, time = '09:00') => `2026-${date}T${time}:00+07:00`;

function kase(caseId: string, fields: Partial<CaseTimeliness>): CaseTimeliness {
  return { caseId, unit: 'DESK', channel: 'desk', supplementRounds: 0, apologyIssued: false, ...fields };
}

describe('periodReport', () => {
  const cases: CaseTimeliness[] = [
    kase('carried-early', { receivedAt: d('02-25'), appointmentAt: d('03-10'), finishedAt: d('03-03') }),
    kase('online-late', { channel: 'online', receivedAt: d('03-02'), appointmentAt: d('03-16'), finishedAt: d('03-20') }),
    kase('open-overdue', { receivedAt: d('03-05'), appointmentAt: d('03-25') }),
    kase('post-within', { channel: 'post', receivedAt: d('03-10'), appointmentAt: d('04-10') }),
    kase('refused', { receivedAt: d('03-12'), closedWithoutResult: 'refused', closedAt: d('03-12', '10:00') }),
    kase('done-before', { receivedAt: d('02-01'), appointmentAt: d('02-12'), finishedAt: d('02-10') }),
    kase('received-after', { receivedAt: d('04-02'), appointmentAt: d('04-20') }),
    kase('apology-late', { unit: 'OTHER', receivedAt: d('03-03'), appointmentAt: d('03-13'), finishedAt: d('03-12'), apologyIssued: true }),
    kase('finished-next-period', { unit: 'OTHER', receivedAt: d('03-30'), appointmentAt: d('04-13'), finishedAt: d('04-01') }),
  ];

  it('should count the table columns per receiving unit and in total', () => {
    const rows = periodReport(cases, d('03-01', '00:00'), d('03-31', '23:59'));
    expect(rows.map((r) => r.unit)).toEqual(['DESK', 'OTHER', '*']);
    expect(rows[0]).toEqual({ unit: 'DESK', received: 5, newOnline: 1, newDeskOrPost: 3, carriedOver: 1, resolved: 2, early: 1, onTime: 0, late: 1, inProgress: 2, withinDeadline: 1, overdue: 1, closedWithoutResult: 1, onTimeRate: 0.5 });
    expect(rows[1]).toEqual({ unit: 'OTHER', received: 2, newOnline: 0, newDeskOrPost: 2, carriedOver: 0, resolved: 1, early: 0, onTime: 0, late: 1, inProgress: 1, withinDeadline: 1, overdue: 0, closedWithoutResult: 0, onTimeRate: 0 });
    const total = rows[2]!;
    expect(total.received).toBe(7);
    expect(total.received).toBe(total.newOnline + total.newDeskOrPost + total.carriedOver);
    expect(total.received).toBe(total.resolved + total.inProgress + total.closedWithoutResult);
    expect(total.resolved).toBe(total.early + total.onTime + total.late);
  });

  it('should carry open cases into the next period', () => {
    const april = periodReport(cases, d('04-01', '00:00'), d('04-30', '23:59')).at(-1)!;
    // open-overdue, post-within and finished-next-period were open on 1 April; received-after is new
    expect(april).toMatchObject({ carriedOver: 3, newDeskOrPost: 1, resolved: 1, inProgress: 3 });
  });

  it('should read unit, channel and closing time from the audit stream', () => {
    const events: AuditEvent[] = [
      { type: 'case.received', at: d('03-02'), caseId: 'x', unit: 'CB-TTPVHCC', data: { channel: 'online', appointmentAt: d('03-16') } },
      { type: 'case.withdrawn', at: d('03-04'), caseId: 'x' },
    ];
    const [c] = caseTimeliness(events);
    expect(c).toMatchObject({ unit: 'CB-TTPVHCC', channel: 'online', closedWithoutResult: 'withdrawn', closedAt: d('03-04') });
    expect(periodReport([c!], d('03-01', '00:00'), d('03-31', '23:59'))[0]).toMatchObject({ unit: 'CB-TTPVHCC', newOnline: 1, closedWithoutResult: 1, resolved: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../../engine/calendar/calendar.ts';
import { clockEventsFromAudit, computeDeadline } from '../../../engine/calendar/clock.ts';
import type { AuditEvent } from '../../../engine/audit/events.ts';
import type { ClockEvent } from '../../../engine/calendar/clock.ts';
import { VN_CIVIL_SERVICE } from '../../../engine/calendar/data/vietnam.ts';
import { DeadlineCalendarError } from '../../../engine/errors.ts';

const calendar = createCalendar(VN_CIVIL_SERVICE);
const norm = { amount: 10, unit: 'workingDays' as const };
const iso = (s: string) => `${s}:00.000+07:00`;

// Received Mon 02/03/2026 08:00; supplement requested Wed 04/03 10:00 after 7.5 + 8 + 2.5 = 18 h;
// the complete dossier comes back Tue 10/03 at 16:00, after the cut-off → the clock runs from Wed 11/03 07:30.
const round: ClockEvent[] = [
  { type: 'received', at: '2026-03-02T08:00' },
  { type: 'supplementRequested', at: '2026-03-04T10:00' },
  { type: 'supplementReceived', at: '2026-03-10T16:00' },
];

describe('deadline clock', () => {
  it('should run the norm from the effective start of the receipt', () => {
    const state = computeDeadline({ norm, calendar }, round.slice(0, 1));
    expect(state.state).toBe('running');
    expect(state.dueAt?.toISO()).toBe(iso('2026-03-16T08:00'));
    expect(state.rounds).toBe(0);
    // A supplement may be requested within 3 working days of receipt (Decree 61 Art. 19(4)).
    expect(state.supplementRequestDeadline.toISO()).toBe(iso('2026-03-05T08:00'));
  });

  it('should stop the clock while waiting for the supplement', () => {
    const state = computeDeadline({ norm, calendar }, round.slice(0, 2));
    expect(state.state).toBe('stopped');
    expect(state.dueAt).toBeUndefined();
    expect(state.stoppedSince?.toISO()).toBe(iso('2026-03-04T10:00'));
    expect(state.spentMinutes).toBe(18 * 60);
  });

  it('should restart the full norm from the resubmission in restart mode (Decree 61 Art. 19(4))', () => {
    const state = computeDeadline({ norm, calendar, supplementMode: 'restart' }, round);
    // 10 full days from Wed 11/03 07:30: 11, 12, 13, 16, 17, 18, 19, 20, 23, 24/03.
    expect(state.dueAt?.toISO()).toBe(iso('2026-03-24T17:00'));
    expect(state.state).toBe('running');
    expect(state.rounds).toBe(1);
    expect(state.pausedIntervals.map((p) => [p.from.toISO(), p.to.toISO()])).toEqual([[iso('2026-03-04T10:00'), iso('2026-03-11T07:30')]]);
    expect(state.spentMinutes).toBe(0);
  });

  it('should keep the time already spent in pause mode', () => {
    const state = computeDeadline({ norm, calendar, supplementMode: 'pause' }, round);
    // 80 − 18 = 62 h from Wed 11/03 07:30: seven days to Thu 19/03 17:00 (56 h), then 6 h on Fri 20/03.
    expect(state.dueAt?.toISO()).toBe(iso('2026-03-20T15:00'));
    expect(state.spentMinutes).toBe(18 * 60);
  });

  it('should restart from the resubmission instant itself when it comes before the cut-off', () => {
    const events: ClockEvent[] = [...round.slice(0, 2), { type: 'supplementReceived', at: '2026-03-10T14:00' }];
    const state = computeDeadline({ norm, calendar }, events);
    expect(state.runningSince?.toISO()).toBe(iso('2026-03-10T14:00'));
    expect(state.dueAt?.toISO()).toBe(iso('2026-03-24T14:00'));
  });

  it('should count two rounds and default to restart mode', () => {
    const events: ClockEvent[] = [
      ...round,
      { type: 'supplementRequested', at: '2026-03-12T09:00' },
      { type: 'supplementReceived', at: '2026-03-13T08:00' },
    ];
    const state = computeDeadline({ norm, calendar }, events);
    expect(state.rounds).toBe(2);
    expect(state.pausedIntervals).toHaveLength(2);
    expect(state.dueAt?.toISO()).toBe(iso('2026-03-27T08:00'));
  });

  it('should set the extension as the appointment, and only once', () => {
    const extended = computeDeadline({ norm, calendar }, [...round.slice(0, 1), { type: 'extended', newAppointment: '2026-03-20T17:00', at: '2026-03-13T09:00' }]);
    expect(extended.extended).toBe(true);
    expect(extended.dueAt?.toISO()).toBe(iso('2026-03-20T17:00'));
    expect(extended.computedDueAt?.toISO()).toBe(iso('2026-03-16T08:00'));
    expect(() =>
      computeDeadline({ norm, calendar }, [
        ...round.slice(0, 1),
        { type: 'extended', newAppointment: '2026-03-20T17:00' },
        { type: 'extended', newAppointment: '2026-03-27T17:00' },
      ]),
    ).toThrow(/only once/);
  });

  it('should refuse impossible sequences', () => {
    expect(() => computeDeadline({ norm, calendar }, [])).toThrow(DeadlineCalendarError);
    expect(() => computeDeadline({ norm, calendar }, [round[0]!, { type: 'supplementReceived', at: '2026-03-03T08:00' }])).toThrow(/none was requested/);
    expect(() => computeDeadline({ norm, calendar }, [round[0]!, round[1]!, { type: 'supplementRequested', at: '2026-03-05T08:00' }])).toThrow(/already stopped/);
    expect(() => computeDeadline({ norm, calendar }, [round[0]!, { type: 'supplementRequested', at: '2026-03-01T08:00' }])).toThrow(/earlier/);
    expect(() => computeDeadline({ norm, calendar }, [round[0]!, round[0]!])).toThrow(/only once/);
  });

  it('should pause a calendar-day norm by elapsed time', () => {
    const state = computeDeadline({ norm: { amount: 21, unit: 'calendarDays' }, calendar, supplementMode: 'pause' }, [
      { type: 'received', at: '2026-03-02T08:00' },
      { type: 'supplementRequested', at: '2026-03-04T08:00' },
      { type: 'supplementReceived', at: '2026-03-09T08:00' },
    ]);
    // 2 days spent; 19 days from Mon 09/03 08:00 = Sat 28/03 → close of Mon 30/03.
    expect(state.dueAt?.toISO()).toBe(iso('2026-03-30T17:00'));
  });

  it('should replay a case clock from its audit log', () => {
    const log: AuditEvent[] = [
      { type: 'case.received', at: '2026-03-02T08:00:05+07:00', caseId: 'c1', data: { receivedAt: '2026-03-02T08:00:00+07:00', effectiveStart: '2026-03-02T08:00:00+07:00' } },
      { type: 'step.opened', at: '2026-03-02T08:00:05+07:00', caseId: 'c1', elementId: 'handle' },
      { type: 'supplement.requested', at: '2026-03-04T10:00:00+07:00', caseId: 'c1' },
      { type: 'supplement.received', at: '2026-03-10T16:00:00+07:00', caseId: 'c1', data: { mode: 'restart' } },
      { type: 'apology.issued', at: '2026-03-23T09:00:00+07:00', caseId: 'c1', data: { reason: 'Chờ ý kiến', newAppointmentAt: '2026-03-31T17:00:00+07:00' } },
    ];
    const events = clockEventsFromAudit(log);
    expect(events.map((e) => e.type)).toEqual(['received', 'supplementRequested', 'supplementReceived', 'extended']);
    const beforeApology = computeDeadline({ norm, calendar }, events.slice(0, 3));
    expect(beforeApology.dueAt?.toISO()).toBe(iso('2026-03-24T17:00'));
    const state = computeDeadline({ norm, calendar }, events);
    expect(state.dueAt?.toISO()).toBe(iso('2026-03-31T17:00'));
    expect(state.extended).toBe(true);
  });
});

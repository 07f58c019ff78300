import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CALENDARS, controlSlipRows, createCalendar, DEFAULT_CALENDAR_ID, statisticsByUnit, stepIntervals, stepStatistics, type AuditEvent, type WorkingTime } from '../../../engine/index.ts';
import { caoBangCase, officeHours } from './fixtures.ts';

const START = Date.parse('2026-03-02T01:00:00Z');

// The real civil-service calendar (holidays included): fast enough for many runs.
const civil = createCalendar(BUILTIN_CALENDARS[DEFAULT_CALENDAR_ID]!);
const workingTime: WorkingTime = { workingMinutesBetween: (from, to) => Math.max(0, civil.workingMinutesBetween(from, to)) };

/** Random but well-formed case logs: each step opens, may be claimed, then completes or stays open. */
const caseLog = fc
  .record({
    caseId: fc.constantFrom('a', 'b', 'c'),
    steps: fc.array(fc.record({ unit: fc.constantFrom('U1', 'U2', 'U3'), gapMinutes: fc.integer({ min: 0, max: 5000 }), durationMinutes: fc.integer({ min: 0, max: 20000 }), normHours: fc.integer({ min: 1, max: 80 }), finished: fc.boolean() }), { minLength: 1, maxLength: 8 }),
  })
  .map(({ caseId, steps }) => {
    const events: AuditEvent[] = [];
    let t = START;
    steps.forEach((s, k) => {
      t += s.gapMinutes * 60_000;
      const stepKey = `s${k}`;
      events.push({ type: 'step.opened', at: new Date(t).toISOString(), caseId, stepKey, elementId: `E${k % 3}`, data: { unit: s.unit, norm: { amount: s.normHours, unit: 'workingHours' } } });
      if (s.finished) events.push({ type: 'step.completed', at: new Date(t + s.durationMinutes * 60_000).toISOString(), caseId, stepKey, elementId: `E${k % 3}`, actor: `u${k}` });
    });
    return events;
  });

describe('audit reducers (properties)', () => {
  it('should keep working minutes within wall-clock minutes and never negative', () => {
    fc.assert(
      fc.property(caseLog, (events) => {
        for (const i of stepIntervals(events, { workingTime, now: '2026-06-01T00:00:00Z' })) {
          expect(i.workingMinutes).toBeGreaterThanOrEqual(0);
          expect(i.workingMinutes).toBeLessThanOrEqual(i.calendarMinutes);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('should order statistics: median ≤ p90 ≤ max, min ≤ mean ≤ max, counts add up', () => {
    fc.assert(
      fc.property(fc.array(caseLog, { minLength: 1, maxLength: 4 }), (logs) => {
        const intervals = stepIntervals(logs.flat(), { workingTime });
        for (const s of stepStatistics(intervals)) {
          expect(s.medianMinutes).toBeLessThanOrEqual(s.p90Minutes);
          expect(s.p90Minutes).toBeLessThanOrEqual(s.maxMinutes);
          expect(s.meanMinutes).toBeLessThanOrEqual(s.maxMinutes);
          expect(s.early + s.onTime + s.late).toBe(s.count);
          expect(s.lateRate).toBeGreaterThanOrEqual(0);
          expect(s.lateRate).toBeLessThanOrEqual(1);
        }
        const byUnit = statisticsByUnit(intervals);
        expect(byUnit.reduce((n, u) => n + u.completed + u.open, 0)).toBe(intervals.length);
      }),
      { numRuns: 100 },
    );
  });

  it('should write one control-slip row per step visit, each handed over no earlier than its giver finished', () => {
    fc.assert(
      fc.property(caseLog, (events) => {
        const rows = controlSlipRows(events, { workingTime });
        const intervals = stepIntervals(events, { workingTime });
        expect(rows).toHaveLength(intervals.length);
        for (const r of rows) {
          const giver = intervals.find((i) => i.stepKey === r.fromStepKey);
          if (giver) expect(Date.parse(giver.leftAt!)).toBeLessThanOrEqual(Date.parse(r.handedAt));
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('statisticsByUnit', () => {
  it('should give each unit its completed, late and open steps', () => {
    const intervals = stepIntervals(caoBangCase(), { workingTime: officeHours, now: '2026-03-06T10:00:00+07:00' });
    expect(statisticsByUnit(intervals)).toEqual([
      { unit: 'TTPVHCC', completed: 1, early: 0, onTime: 1, late: 0, lateRate: 0, open: 0, overdue: 0, meanMinutes: 120 },
      { unit: 'BTXH', completed: 2, early: 1, onTime: 0, late: 1, lateRate: 0.5, open: 0, overdue: 0, meanMinutes: (420 + 960) / 2 },
      { unit: 'SYT', completed: 0, early: 0, onTime: 0, late: 0, lateRate: 0, open: 1, overdue: 0, meanMinutes: 0 },
    ]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../../engine/calendar/calendar.ts';
import { computeDeadline } from '../../../engine/calendar/clock.ts';
import { VN_CIVIL_SERVICE, VN_ONE_STOP_SATURDAY } from '../../../engine/calendar/data/vietnam.ts';

const calendars = [createCalendar(VN_CIVIL_SERVICE), createCalendar(VN_ONE_STOP_SATURDAY)];
const MINUTE = 60_000;
// 2024-12-20 … 2027-01-10: both shipped notices, three Tết breaks, year boundaries.
const FROM = Date.UTC(2024, 11, 20);
const TO = Date.UTC(2027, 0, 10);

const instant = fc.integer({ min: FROM, max: TO });

/**
 * A deliberately naive reference: walk the days from the start, reading each day's office hours
 * from dayInfo, and consume the amount interval by interval (no prefix sums, no binary search).
 */
function referenceAdd(cal: (typeof calendars)[number], startMs: number, amountMs: number): number {
  const VN = 7 * 3_600_000;
  const DAY = 86_400_000;
  let day = Math.floor((startMs + VN) / DAY);
  let remaining = amountMs;
  for (;;) {
    const date = new Date(day * DAY).toISOString().slice(0, 10);
    for (const [from, to] of cal.dayInfo(date).hours) {
      const [fh, fm] = from.split(':').map(Number);
      const [th, tm] = to.split(':').map(Number);
      const open = day * DAY - VN + (fh! * 60 + fm!) * MINUTE;
      const close = day * DAY - VN + (th! * 60 + tm!) * MINUTE;
      const begin = Math.max(open, startMs);
      if (close <= begin) continue;
      if (remaining <= close - begin) return begin + remaining;
      remaining -= close - begin;
    }
    day += 1;
  }
}
const workingMinutes = fc.integer({ min: 1, max: 15 * 480 });
const calendarIndex = fc.integer({ min: 0, max: calendars.length - 1 });

describe('working calendar properties', () => {
  it('should agree with a naive day-by-day reference', () => {
    fc.assert(
      fc.property(calendarIndex, instant, workingMinutes, (c, start, minutes) => {
        const cal = calendars[c]!;
        expect(cal.addWorkingMs(start, minutes * MINUTE)).toBe(referenceAdd(cal, start, minutes * MINUTE));
      }),
      { numRuns: 1000 },
    );
  });

  it('should measure back exactly the working time it added', () => {
    fc.assert(
      fc.property(calendarIndex, instant, workingMinutes, (c, start, minutes) => {
        const cal = calendars[c]!;
        const due = cal.addWorkingMs(start, minutes * MINUTE);
        expect(cal.workingMsBetween(start, due)).toBe(minutes * MINUTE);
      }),
      { numRuns: 2000 },
    );
  });

  it('should subtract exactly the working time it is asked to, ending inside office time', () => {
    fc.assert(
      fc.property(calendarIndex, instant, workingMinutes, (c, end, minutes) => {
        const cal = calendars[c]!;
        const start = cal.subtractNormMs(end, { amount: minutes / 60, unit: 'workingHours' });
        expect(cal.workingMsBetween(start, end)).toBe(minutes * MINUTE);
        expect(cal.isWorkingInstant(start) || cal.isWorkingInstant(start - 1)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('should never put a due instant outside working time (the minute before it is office time)', () => {
    fc.assert(
      fc.property(calendarIndex, instant, workingMinutes, (c, start, minutes) => {
        const cal = calendars[c]!;
        const due = cal.addWorkingMs(start, minutes * MINUTE);
        expect(cal.isWorkingInstant(due - 1)).toBe(true);
        expect(due).toBeGreaterThan(start);
      }),
      { numRuns: 2000 },
    );
  });

  it('should be monotonic in the start and in the amount', () => {
    fc.assert(
      fc.property(calendarIndex, instant, instant, workingMinutes, workingMinutes, (c, a, b, m, n) => {
        const cal = calendars[c]!;
        const [early, late] = a <= b ? [a, b] : [b, a];
        const [less, more] = m <= n ? [m, n] : [n, m];
        expect(cal.addWorkingMs(early, m * MINUTE)).toBeLessThanOrEqual(cal.addWorkingMs(late, m * MINUTE));
        expect(cal.addWorkingMs(a, less * MINUTE)).toBeLessThanOrEqual(cal.addWorkingMs(a, more * MINUTE));
      }),
      { numRuns: 1000 },
    );
  });

  it('should start the clock at a working instant not before receipt, and be idempotent', () => {
    fc.assert(
      fc.property(calendarIndex, instant, (c, received) => {
        const cal = calendars[c]!;
        const start = cal.effectiveStartMs(received);
        expect(start).toBeGreaterThanOrEqual(received);
        expect(cal.isWorkingInstant(start)).toBe(true);
        expect(cal.effectiveStartMs(start)).toBe(start);
      }),
      { numRuns: 1000 },
    );
  });

  it('should only ever push the due instant later when the clock pauses, in both supplement modes', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 0, max: 20 * 24 * 60 }),
        fc.integer({ min: 0, max: 20 * 24 * 60 }),
        fc.constantFrom('restart' as const, 'pause' as const),
        (received, days, afterReceipt, waiting, supplementMode) => {
          const calendar = calendars[0]!;
          const norm = { amount: days, unit: 'workingDays' as const };
          const plain = computeDeadline({ norm, calendar }, [{ type: 'received', at: received }]);
          const requested = Math.min(received + afterReceipt * MINUTE, plain.dueAt!.toMillis());
          const withRound = computeDeadline({ norm, calendar, supplementMode }, [
            { type: 'received', at: received },
            { type: 'supplementRequested', at: requested },
            { type: 'supplementReceived', at: requested + waiting * MINUTE },
          ]);
          expect(withRound.dueAt!.toMillis()).toBeGreaterThanOrEqual(plain.dueAt!.toMillis());
        },
      ),
      { numRuns: 500 },
    );
  });

  it('should count less working time when pauses are subtracted, never more', () => {
    fc.assert(
      fc.property(instant, instant, fc.array(fc.tuple(instant, fc.integer({ min: 0, max: 5 * 24 * 60 })), { maxLength: 4 }), (a, b, pauses) => {
        const cal = calendars[0]!;
        const [from, to] = a <= b ? [a, b] : [b, a];
        const all = cal.workingMinutesBetween(from, to);
        const less = cal.workingMinutesBetween(from, to, pauses.map(([p, length]) => ({ from: p, to: p + length * MINUTE })));
        expect(less).toBeLessThanOrEqual(all);
        expect(less).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * The server's one source of "now". The engine never reads the wall clock; the server passes the
 * instant in, and tests replace the clock to make time-dependent behaviour exact.
 */
export interface Clock {
  /** The current instant as an ISO string (UTC, `Z`). */
  now(): string;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date().toISOString() };

/**
 * A clock stopped at one instant.
 *
 * @example fixedClock('2026-01-05T08:00:00+07:00').now() // '2026-01-05T01:00:00.000Z'
 */
export function fixedClock(iso: string): Clock {
  const at = new Date(iso).toISOString();
  return { now: () => at };
}

/** A clock tests move by hand: `set` jumps to an instant, `advance` moves forward by milliseconds. */
export interface TestClock extends Clock {
  set(iso: string): void;
  advance(ms: number): void;
}

/** @example const clock = testClock('2026-01-05T08:00:00+07:00'); clock.advance(3_600_000); */
export function testClock(iso: string): TestClock {
  let at = new Date(iso).getTime();
  return {
    now: () => new Date(at).toISOString(),
    set: (next) => {
      at = new Date(next).getTime();
    },
    advance: (ms) => {
      at += ms;
    },
  };
}

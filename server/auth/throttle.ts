/**
 * Slows password guessing: after too many failed logins for one username within a window, that
 * username is refused (even with the right password) until the window has passed. Kept in memory
 * per server process: with several instances each counts on its own, which still bounds a
 * guesser to a few attempts per instance and window.
 */
export interface LoginThrottle {
  /** Milliseconds until the username may try again; 0 when it may try now. */
  retryAfterMs(username: string, nowMs: number): number;
  recordFailure(username: string, nowMs: number): void;
  recordSuccess(username: string): void;
}

export interface ThrottleOptions {
  readonly maxFailures?: number;
  readonly windowMs?: number;
  /** Bound on tracked usernames, so a flood of made-up names cannot exhaust memory. */
  readonly maxTracked?: number;
}

/** @example const throttle = createLoginThrottle(); if (throttle.retryAfterMs('motcua', Date.now()) > 0) refuse(); */
export function createLoginThrottle(options: ThrottleOptions = {}): LoginThrottle {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 15 * 60_000;
  const maxTracked = options.maxTracked ?? 10_000;
  const failures = new Map<string, number[]>();
  const key = (username: string) => username.trim().toLowerCase();
  const recent = (list: readonly number[], nowMs: number) => list.filter((t) => nowMs - t < windowMs);
  return {
    retryAfterMs(username, nowMs) {
      const list = recent(failures.get(key(username)) ?? [], nowMs);
      if (list.length < maxFailures) return 0;
      return windowMs - (nowMs - list[list.length - maxFailures]!);
    },
    recordFailure(username, nowMs) {
      const k = key(username);
      const list = recent(failures.get(k) ?? [], nowMs);
      list.push(nowMs);
      failures.delete(k);
      // Map order is insertion order: the oldest-touched username goes first when full.
      if (failures.size >= maxTracked) failures.delete(failures.keys().next().value!);
      failures.set(k, list.slice(-maxFailures));
    },
    recordSuccess(username) {
      failures.delete(key(username));
    },
  };
}

import { describe, expect, it } from 'vitest';
import { hashPassword, UNUSABLE_HASH, verifyPassword } from '../../server/auth/password.ts';
import { createLoginThrottle } from '../../server/auth/throttle.ts';
import { safeEqual, sha256Hex } from '../../server/auth/tokens.ts';

describe('password hashing', () => {
  it('should verify the right password and refuse a wrong one', async () => {
    const stored = await hashPassword('Mật khẩu 1');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('Mật khẩu 1', stored)).toBe(true);
    expect(await verifyPassword('Mật khẩu 2', stored)).toBe(false);
  });

  it('should salt every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
  });

  it('should treat composed and decomposed Vietnamese the same', async () => {
    const stored = await hashPassword('Hồ sơ'.normalize('NFC'));
    expect(await verifyPassword('Hồ sơ'.normalize('NFD'), stored)).toBe(true);
  });

  it('should refuse malformed and unusable hashes', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$99999999999$8$1$AA$AA')).toBe(false);
    expect(await verifyPassword('', UNUSABLE_HASH)).toBe(false);
  });
});

describe('tokens', () => {
  it('should hash with SHA-256 and compare in constant time', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('createLoginThrottle', () => {
  it('should count failures per username case-insensitively within the window', () => {
    const throttle = createLoginThrottle({ maxFailures: 3, windowMs: 1000 });
    for (const t of [0, 100, 200]) throttle.recordFailure('MotCua', t);
    expect(throttle.retryAfterMs('motcua', 300)).toBe(700);
    expect(throttle.retryAfterMs('motcua', 1000)).toBe(0);
    throttle.recordSuccess('motcua');
    expect(throttle.retryAfterMs('motcua', 300)).toBe(0);
  });

  it('should forget the oldest usernames beyond its bound', () => {
    const throttle = createLoginThrottle({ maxFailures: 1, windowMs: 1000, maxTracked: 2 });
    for (const name of ['a', 'b', 'c']) throttle.recordFailure(name, 0);
    expect(['a', 'b', 'c'].map((n) => throttle.retryAfterMs(n, 10) > 0)).toEqual([false, true, true]);
  });
});

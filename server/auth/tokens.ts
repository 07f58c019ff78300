/**
 * Secrets handed to clients (session cookies, CSRF tokens, API tokens) are random; only their
 * SHA-256 is stored, so reading the database does not let anyone act as a user.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 as lowercase hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** API tokens carry a recognisable prefix so a leaked one is easy to grep for and revoke. */
export const API_TOKEN_PREFIX = 'qt_';

export function newApiToken(): string {
  return API_TOKEN_PREFIX + randomToken();
}

/** Constant-time string comparison (different lengths compare false). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

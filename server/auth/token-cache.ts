/**
 * A short-lived cache of resolved API tokens: integrations send a token with every request, and
 * resolving one costs three queries. Entries live a few seconds, so a token revoked or a user
 * disabled on another server instance stops working within that time; on this instance the
 * admin routes drop the entries at once.
 */
import type { DbOrTx } from '../storage/db.ts';
import type { UserView } from './store.ts';

export const TOKEN_CACHE_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  readonly user: UserView;
  readonly tokenId: string;
  readonly until: number;
}

// One cache per database handle, so tests (and tools) with several databases never mix tokens.
const caches = new WeakMap<object, Map<string, Entry>>();

function cacheOf(db: DbOrTx): Map<string, Entry> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  return cache;
}

export function cachedToken(db: DbOrTx, tokenHash: string, nowMs: number): { user: UserView; tokenId: string } | undefined {
  const entry = cacheOf(db).get(tokenHash);
  if (!entry) return undefined;
  if (entry.until <= nowMs) {
    cacheOf(db).delete(tokenHash);
    return undefined;
  }
  return entry;
}

export function rememberToken(db: DbOrTx, tokenHash: string, value: { user: UserView; tokenId: string }, nowMs: number): void {
  const cache = cacheOf(db);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(tokenHash, { ...value, until: nowMs + TOKEN_CACHE_TTL_MS });
}

/** Drops every cached token of a user (after revoking a token or changing the user). */
export function forgetUserTokens(db: DbOrTx, userId: string): void {
  const cache = cacheOf(db);
  for (const [hash, entry] of cache) if (entry.user.id === userId) cache.delete(hash);
}

/**
 * Delivers outbox messages (written in the same transaction as the change they announce) to a
 * webhook, with exponential back-off. Email/SMS adapters are out of scope; a webhook receiver
 * forwards to them.
 */
import type { ServiceDeps } from '../services/context.ts';

export interface OutboxOptions {
  /** POST target for every message (JSON `{id, topic, payload, createdAt}`). */
  readonly webhookUrl: string;
  readonly batch?: number;
  /** Give up after this many attempts (the row stays, undelivered, with its last error). */
  readonly maxAttempts?: number;
  readonly fetch?: typeof fetch;
}

/** Sends pending messages once; returns how many were delivered. */
export async function deliverOutbox(deps: ServiceDeps, options: OutboxOptions): Promise<number> {
  const db = deps.db.db;
  const now = deps.clock.now();
  const send = options.fetch ?? fetch;
  const maxAttempts = options.maxAttempts ?? 10;
  const pending = await db
    .selectFrom('outbox')
    .selectAll()
    .where('delivered_at', 'is', null)
    .where('next_attempt_at', '<=', now)
    .where('attempts', '<', maxAttempts)
    .orderBy('id')
    .limit(options.batch ?? 100)
    .execute();
  let delivered = 0;
  for (const message of pending) {
    try {
      const response = await send(options.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `outbox-${message.id}` },
        body: JSON.stringify({ id: message.id, topic: message.topic, payload: JSON.parse(message.payload) as unknown, createdAt: message.created_at }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      await db.updateTable('outbox').set({ delivered_at: deps.clock.now(), attempts: message.attempts + 1, last_error: null }).where('id', '=', message.id).execute();
      delivered++;
    } catch (error) {
      // 1 min, 2 min, 4 min … capped at 6 h.
      const backoff = Math.min(60_000 * 2 ** message.attempts, 6 * 3_600_000);
      await db
        .updateTable('outbox')
        .set({ attempts: message.attempts + 1, next_attempt_at: new Date(new Date(now).getTime() + backoff).toISOString(), last_error: String(error instanceof Error ? error.message : error).slice(0, 500) })
        .where('id', '=', message.id)
        .execute();
    }
  }
  return delivered;
}

/**
 * The audit hash chain. Each event carries the hash of the previous event of its chain (a case,
 * or `calendar:<name>`); its own hash is SHA-256 over the canonical JSON of the event including
 * that previous hash, so changing or removing any row breaks every later link.
 *
 * Written by the server inside the same transaction as the state change it records.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from '../../engine/index.ts';
import { toDbInstant } from '../storage/db.ts';
import type { DbOrTx } from '../storage/db.ts';
import { preparedInsert } from '../storage/prepared.ts';
import type { AuditEventRow } from '../storage/schema.ts';

/** An event to append: the engine vocabulary plus the request that caused it. */
export interface AuditAppend extends AuditEvent {
  readonly requestId?: string;
}

const insertAuditEvents = preparedInsert('audit_events', ['case_id', 'seq', 'type', 'at', 'actor', 'unit_id', 'element_id', 'step_key', 'data', 'request_id', 'prev_hash', 'hash']);

/** The fields the hash covers, in a fixed shape (absent = null). */
export interface HashedAuditFields {
  readonly caseId: string;
  readonly seq: number;
  readonly type: string;
  readonly at: string;
  readonly actor: string | null;
  readonly unitId: string | null;
  readonly elementId: string | null;
  readonly stepKey: string | null;
  readonly data: unknown;
  readonly requestId: string | null;
  readonly prevHash: string | null;
}

/**
 * JSON with object keys sorted at every level and no whitespace: one text per value.
 *
 * @example canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }) // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** The hash of one event given its fields (including the previous hash). */
export function hashAuditEvent(fields: HashedAuditFields): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}

/** Recomputes the hashed fields of a stored row (what verification hashes again). */
export function hashedFieldsOfRow(row: AuditEventRow): HashedAuditFields {
  return {
    caseId: row.case_id,
    seq: row.seq,
    type: row.type,
    at: row.at,
    actor: row.actor,
    unitId: row.unit_id,
    elementId: row.element_id,
    stepKey: row.step_key,
    data: JSON.parse(row.data) as unknown,
    requestId: row.request_id,
    prevHash: row.prev_hash,
  };
}

/** The newest event of a chain: its sequence number and hash (0 and null before the first event). */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string | null;
}

/**
 * Appends events to their chains inside the caller's transaction. Events of one call are chained
 * in order; the head of a chain not in `knownHeads` is read once. Concurrent appends to one chain
 * collide on the unique (case_id, seq) key, so a chain can never fork — a stale known head too.
 * Returns the heads after the append (of every chain appended to or given).
 *
 * @example await db.transaction().execute((trx) => appendAudit(trx, { type: 'case.received', at, caseId }));
 */
export async function appendAudit(trx: DbOrTx, events: AuditAppend | readonly AuditAppend[], knownHeads: ReadonlyMap<string, ChainHead> = new Map()): Promise<Map<string, ChainHead>> {
  const list = Array.isArray(events) ? (events as readonly AuditAppend[]) : [events as AuditAppend];
  const heads = new Map(knownHeads);
  if (list.length === 0) return heads;
  const rows = [];
  for (const event of list) {
    let head = heads.get(event.caseId);
    if (!head) {
      const last = await trx.selectFrom('audit_events').select(['seq', 'hash']).where('case_id', '=', event.caseId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      head = last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: null };
    }
    const fields: HashedAuditFields = {
      caseId: event.caseId,
      seq: head.seq + 1,
      type: event.type,
      at: toDbInstant(event.at),
      actor: event.actor ?? null,
      unitId: event.unit ?? null,
      elementId: event.elementId ?? null,
      stepKey: event.stepKey ?? null,
      data: JSON.parse(JSON.stringify(event.data ?? {})) as unknown,
      requestId: event.requestId ?? null,
      prevHash: head.hash,
    };
    const hash = hashAuditEvent(fields);
    heads.set(event.caseId, { seq: fields.seq, hash });
    rows.push({
      case_id: fields.caseId,
      seq: fields.seq,
      type: fields.type,
      at: fields.at,
      actor: fields.actor,
      unit_id: fields.unitId,
      element_id: fields.elementId,
      step_key: fields.stepKey,
      data: canonicalJson(fields.data),
      request_id: fields.requestId,
      prev_hash: fields.prevHash,
      hash,
    });
  }
  await insertAuditEvents(trx, rows);
  return heads;
}

/** The first event whose chain does not check out, and why. */
export interface BrokenLink {
  readonly caseId: string;
  readonly seq: number;
  readonly reason: string;
}

export interface AuditVerification {
  readonly ok: boolean;
  /** Chains checked (cases, plus `calendar:<name>` chains). */
  readonly cases: number;
  readonly events: number;
  readonly firstBroken?: BrokenLink;
}

/** Rows are read in keyset pages so verifying a large log keeps memory flat. */
const VERIFY_PAGE = 2000;

/**
 * Re-hashes every chain from its first event and stops at the first broken link: a changed
 * field (hash mismatch), a removed or inserted event (sequence gap / wrong previous hash), or a
 * chain that does not start at 1, a case whose chain is gone altogether, or a chain that does
 * not end at the head kept on its case row (its newest events were removed, or some were added
 * behind the server's back).
 *
 * @example const { ok, firstBroken } = await verifyAuditChain(db);
 */
export async function verifyAuditChain(db: DbOrTx): Promise<AuditVerification> {
  let cases = 0;
  let events = 0;
  let current: { caseId: string; seq: number; hash: string } | undefined;
  let after: { caseId: string; seq: number } | undefined;
  for (;;) {
    let query = db.selectFrom('audit_events').selectAll().orderBy('case_id').orderBy('seq').limit(VERIFY_PAGE);
    if (after) {
      const { caseId, seq } = after;
      query = query.where((eb) => eb.or([eb('case_id', '>', caseId), eb.and([eb('case_id', '=', caseId), eb('seq', '>', seq)])]));
    }
    const rows = await query.execute();
    for (const row of rows) {
      events += 1;
      const seq = Number(row.seq);
      const broken = (reason: string): AuditVerification => ({ ok: false, cases, events, firstBroken: { caseId: row.case_id, seq, reason } });
      if (current?.caseId !== row.case_id) {
        cases += 1;
        if (seq !== 1) return broken(`the chain starts at event ${seq}: events before it are missing`);
        if (row.prev_hash !== null) return broken('the first event of a chain must not name a previous hash');
      } else {
        if (seq !== current.seq + 1) return broken(`event ${current.seq + 1} is missing`);
        if (row.prev_hash !== current.hash) return broken(`prev_hash does not match the hash of event ${current.seq}`);
      }
      let fields: HashedAuditFields;
      try {
        fields = hashedFieldsOfRow({ ...row, seq });
      } catch {
        return broken('the data column is not valid JSON');
      }
      if (hashAuditEvent(fields) !== row.hash) return broken('the stored hash does not match the event: a field was changed');
      current = { caseId: row.case_id, seq, hash: row.hash };
    }
    if (rows.length < VERIFY_PAGE) break;
    const last = rows[rows.length - 1]!;
    after = { caseId: last.case_id, seq: Number(last.seq) };
  }
  // Every case is received with an audit event, so a case without any lost its whole chain.
  const orphan = await db
    .selectFrom('cases')
    .select('id')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('audit_events').select('audit_events.id').whereRef('audit_events.case_id', '=', 'cases.id'))))
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (orphan) return { ok: false, cases, events, firstBroken: { caseId: orphan.id, seq: 1, reason: 'the case has no audit events: its whole chain is missing' } };
  // The head written with the events in the same transaction: a chain cut short ends before it.
  const cut = await db
    .selectFrom('cases')
    .leftJoin('audit_events', (join) => join.onRef('audit_events.case_id', '=', 'cases.id').onRef('audit_events.seq', '=', 'cases.audit_seq'))
    .select(['cases.id', 'cases.audit_seq'])
    .where('cases.audit_seq', 'is not', null)
    .where((eb) => eb.or([eb('audit_events.hash', 'is', null), eb('audit_events.hash', '!=', eb.ref('cases.audit_hash'))]))
    .orderBy('cases.id')
    .limit(1)
    .executeTakeFirst();
  if (cut) return { ok: false, cases, events, firstBroken: { caseId: cut.id, seq: Number(cut.audit_seq), reason: `the chain does not end at event ${cut.audit_seq} recorded on the case: its newest events were removed or replaced` } };
  const beyond = await db
    .selectFrom('audit_events')
    .innerJoin('cases', 'cases.id', 'audit_events.case_id')
    .select(['audit_events.case_id', 'audit_events.seq'])
    .where('cases.audit_seq', 'is not', null)
    .whereRef('audit_events.seq', '>', 'cases.audit_seq')
    .orderBy('audit_events.case_id')
    .orderBy('audit_events.seq')
    .limit(1)
    .executeTakeFirst();
  if (beyond) return { ok: false, cases, events, firstBroken: { caseId: beyond.case_id, seq: Number(beyond.seq), reason: 'the event lies beyond the head recorded on the case: it was added outside the case\'s transactions' } };
  return { ok: true, cases, events };
}

/**
 * 0003: the head of each case's audit chain (sequence number and hash of its newest event) on the
 * case row, written in the same transaction as the events, so appending to a case's chain does not
 * read the chain first. Null means unknown (cases received before this migration): the next change
 * of such a case reads its chain once and fills the head in.
 * Frozen in time: never edit after release; add a new numbered migration instead.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').addColumn('audit_seq', 'integer').execute();
  await db.schema.alterTable('cases').addColumn('audit_hash', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').dropColumn('audit_hash').execute();
  await db.schema.alterTable('cases').dropColumn('audit_seq').execute();
}

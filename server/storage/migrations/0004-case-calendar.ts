/**
 * 0004: the working calendar each case runs on, fixed at receipt like its procedure version: the
 * procedure's own `qt:calendar` if it names one, else the receiving unit's calendar. Null means the
 * procedure's calendar or the default, which is what every case received before this migration
 * computed with, so their due instants stay as they are.
 * Frozen in time: never edit after release; add a new numbered migration instead.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').addColumn('calendar', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').dropColumn('calendar').execute();
}

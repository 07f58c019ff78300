/**
 * 0006: a step's overdue warning is derived from the step row itself instead of a timer row per
 * step. Every opened step used to insert a `stepOverdue` timer and every closed step to delete it
 * (two statements and four index entries per step, on the hottest path); and a calendar change
 * that moved a step's due instant left its timer at the old instant. Now the scheduler reads the
 * open steps past their due instant that have not been announced (a partial index keeps exactly
 * those) and marks each announced in the same transaction as its outbox message.
 *
 * Existing databases: a step whose timer already fired counts as announced; the pending
 * `stepOverdue` timers are dropped, their steps are found through the new index instead.
 * Frozen in time: never edit after release; add a new numbered migration instead.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_steps').addColumn('overdue_notified_at', 'text').execute();
  await sql`update case_steps set overdue_notified_at = (
      select max(t.fired_at) from timers t
      where t.case_id = case_steps.case_id and t.timer_key = 'step:' || case_steps.step_key and t.purpose = 'stepOverdue' and t.fired_at is not null)
    where exists (
      select 1 from timers t
      where t.case_id = case_steps.case_id and t.timer_key = 'step:' || case_steps.step_key and t.purpose = 'stepOverdue' and t.fired_at is not null)`.execute(db);
  await db.deleteFrom('timers').where('purpose', '=', 'stepOverdue').execute();
  await sql`create index case_steps_overdue_unannounced on case_steps (due_at) where closed_at is null and overdue_notified_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index case_steps_overdue_unannounced`.execute(db);
  // The announcements go back to being fired timers; open steps not yet announced get their pending timer again.
  await sql`insert into timers (id, case_id, timer_key, element_id, purpose, due_at, fired_at)
    select 'step-overdue:' || case_id || ':' || step_key, case_id, 'step:' || step_key, element_id, 'stepOverdue', due_at, overdue_notified_at
    from case_steps where due_at is not null and (overdue_notified_at is not null or closed_at is null)`.execute(db);
  await db.schema.alterTable('case_steps').dropColumn('overdue_notified_at').execute();
}

/**
 * 0001: procedures, cases, steps, timers, audit log, calendars, apology letters, outbox.
 * Frozen in time: never edit after release; add a new numbered migration instead.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = isPostgres(db);

  await db.schema
    .createTable('procedures')
    .addColumn('process_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('code', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('procedure_versions')
    .addColumn('process_id', 'text', (c) => c.notNull().references('procedures.process_id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('xml', 'text', (c) => c.notNull())
    .addColumn('compiled', 'text', (c) => c.notNull())
    .addColumn('procedure', 'text', (c) => c.notNull())
    .addColumn('diagnostics', 'text', (c) => c.notNull())
    .addColumn('deployed_at', 'text', (c) => c.notNull())
    .addColumn('deployed_by', 'text')
    .addColumn('retired_at', 'text')
    .addPrimaryKeyConstraint('procedure_versions_pk', ['process_id', 'version'])
    .execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('process_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('clock_state', 'text', (c) => c.notNull())
    .addColumn('applicant', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('effective_start', 'text', (c) => c.notNull())
    .addColumn('appointment_at', 'text')
    .addColumn('due_at', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('case_version', 'integer', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('timeliness', 'text')
    .addColumn('apology_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('supplement_rounds', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('clock', 'text', (c) => c.notNull())
    .addColumn('end_event_id', 'text')
    .addColumn('parent_case_id', 'text')
    .addColumn('parent_step_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('cases_version_fk', ['process_id', 'version'], 'procedure_versions', ['process_id', 'version'])
    .execute();
  await db.schema.createIndex('cases_status_due').on('cases').columns(['status_code', 'due_at']).execute();
  await db.schema.createIndex('cases_unit_status').on('cases').columns(['unit_id', 'status_code']).execute();
  await db.schema.createIndex('cases_process').on('cases').columns(['process_id', 'version']).execute();
  await db.schema.createIndex('cases_received').on('cases').columns(['received_at']).execute();
  // The overdue query ("open cases whose deadline has passed") reads only this index.
  await sql`create index cases_open_due on cases (due_at) where ended_at is null`.execute(db);

  await db.schema
    .createTable('case_steps')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('step_key', 'text', (c) => c.notNull())
    .addColumn('element_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('role', 'text')
    .addColumn('unit_id', 'text')
    .addColumn('norm', 'text')
    .addColumn('outcomes', 'text', (c) => c.notNull())
    .addColumn('outside_clock', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('outcome', 'text')
    .addColumn('closed_by', 'text')
    .addColumn('close_reason', 'text')
    .addColumn('timeliness', 'text')
    .addPrimaryKeyConstraint('case_steps_pk', ['case_id', 'step_key'])
    .execute();
  // The inbox: open steps of a role in a unit, by due instant.
  await sql`create index case_steps_inbox on case_steps (role, unit_id, due_at) where closed_at is null`.execute(db);
  await sql`create index case_steps_open_due on case_steps (due_at) where closed_at is null`.execute(db);

  await db.schema
    .createTable('timers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('timer_key', 'text', (c) => c.notNull())
    .addColumn('element_id', 'text')
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('fired_at', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`create index timers_pending_due on timers (due_at) where fired_at is null`.execute(db);
  await db.schema.createIndex('timers_case').on('timers').columns(['case_id', 'timer_key']).execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('unit_id', 'text')
    .addColumn('element_id', 'text')
    .addColumn('step_key', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('prev_hash', 'text')
    .addColumn('hash', 'text', (c) => c.notNull())
    .addUniqueConstraint('audit_events_chain', ['case_id', 'seq'])
    .execute();
  await db.schema.createIndex('audit_events_at').on('audit_events').columns(['at']).execute();
  // Append-only, enforced by the database itself (not only by the code that writes it).
  if (postgres) {
    await sql`create function audit_events_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_events is append-only: % refused', tg_op; end $$`.execute(db);
    await sql`create trigger audit_events_no_change before update or delete on audit_events
      for each row execute function audit_events_append_only()`.execute(db);
    await sql`create trigger audit_events_no_truncate before truncate on audit_events
      for each statement execute function audit_events_append_only()`.execute(db);
  } else {
    await sql`create trigger audit_events_no_update before update on audit_events
      begin select raise(abort, 'audit_events is append-only: UPDATE refused'); end`.execute(db);
    await sql`create trigger audit_events_no_delete before delete on audit_events
      begin select raise(abort, 'audit_events is append-only: DELETE refused'); end`.execute(db);
  }

  await db.schema
    .createTable('calendars')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('base', 'text')
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('apology_letters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Decree 61 Art. 19(9): the appointment may be moved only once, so one letter per case.
    .addColumn('case_id', 'text', (c) => c.notNull().unique().references('cases.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('previous_appointment', 'text')
    .addColumn('new_appointment', 'text', (c) => c.notNull())
    .addColumn('signed_by', 'text', (c) => c.notNull())
    .addColumn('issued_by', 'text')
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await sql`create index outbox_pending on outbox (next_attempt_at) where delivered_at is null`.execute(db);

  await db.schema
    .createTable('case_counters')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['case_counters', 'outbox', 'apology_letters', 'calendars', 'audit_events', 'timers', 'case_steps', 'cases', 'procedure_versions', 'procedures']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  if (isPostgres(db)) await sql`drop function if exists audit_events_append_only()`.execute(db);
}

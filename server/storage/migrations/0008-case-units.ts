/**
 * 0008: the units each case involves — the receiving unit and every unit a step of it opened in —
 * with the case's receipt instant, indexed by unit and instant. An officer's case list ("cases of
 * my units or with a step in them, newest first") read that as an OR over `cases` and a scan of
 * every step row, then sorted every match: 180–420 ms at 300,000 cases, growing with them. From
 * this index a page is read in order and stops after its rows.
 *
 * Triggers keep it, so every writer of cases and step rows (the service, the bench harness, a
 * hand repair) keeps it in the same transaction; existing cases are filled here.
 * Frozen in time: never edit after release; add a new numbered migration instead.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_units')
    // A case removed by hand takes its index rows with it; nothing in the product deletes cases.
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_units_pk', ['case_id', 'unit_id'])
    .execute();
  await sql`create index case_units_unit_received on case_units (unit_id, received_at, case_id)`.execute(db);
  await sql`insert into case_units (case_id, unit_id, received_at)
    select id, unit_id, received_at from cases
    union
    select s.case_id, s.unit_id, c.received_at from case_steps s join cases c on c.id = s.case_id where s.unit_id is not null`.execute(db);
  if (isPostgres(db)) {
    await sql`create function case_units_of_case() returns trigger language plpgsql as $$
      begin insert into case_units (case_id, unit_id, received_at) values (new.id, new.unit_id, new.received_at) on conflict do nothing; return null; end $$`.execute(db);
    await sql`create trigger case_units_case after insert on cases for each row execute function case_units_of_case()`.execute(db);
    await sql`create function case_units_of_step() returns trigger language plpgsql as $$
      begin
        if new.unit_id is not null then
          insert into case_units (case_id, unit_id, received_at) select new.case_id, new.unit_id, c.received_at from cases c where c.id = new.case_id on conflict do nothing;
        end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger case_units_step after insert on case_steps for each row execute function case_units_of_step()`.execute(db);
  } else {
    await sql`create trigger case_units_case after insert on cases begin
      insert or ignore into case_units (case_id, unit_id, received_at) values (new.id, new.unit_id, new.received_at);
    end`.execute(db);
    await sql`create trigger case_units_step after insert on case_steps when new.unit_id is not null begin
      insert or ignore into case_units (case_id, unit_id, received_at) select new.case_id, new.unit_id, received_at from cases where id = new.case_id;
    end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop trigger case_units_step on case_steps`.execute(db);
    await sql`drop trigger case_units_case on cases`.execute(db);
    await sql`drop function case_units_of_step()`.execute(db);
    await sql`drop function case_units_of_case()`.execute(db);
  } else {
    await sql`drop trigger case_units_step`.execute(db);
    await sql`drop trigger case_units_case`.execute(db);
  }
  await db.schema.dropTable('case_units').execute();
}

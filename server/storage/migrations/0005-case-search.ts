/**
 * 0005: text search over dossier applicants that ignores case, tone marks and đ, and uses an index.
 *
 * `cases.applicant_search` holds the applicant's name, identity number and phone as officers type
 * them: lower case, without diacritics, đ → d (the service writes it at receipt). It is computed in
 * JavaScript, not by the database, because neither SQLite nor PostgreSQL (without `unaccent`)
 * folds đ, and both must find the same cases.
 *
 * The index differs per database, the column and its meaning do not:
 * - SQLite: an FTS5 table with the trigram tokenizer, `case_search(case_id, applicant_search)`,
 *   kept in step by triggers on `cases`, so it changes in the same transaction as the row whoever
 *   writes it (the service, the bench harness, a hand repair). It keeps its own copy of the text
 *   rather than being an external-content table over `cases`: external content is keyed by rowid,
 *   and `cases` (a TEXT primary key) has no rowid that VACUUM promises to keep.
 * - PostgreSQL: a GIN index with `gin_trgm_ops` (extension pg_trgm) on the column, which serves
 *   `LIKE '%…%'` directly.
 *
 * Cases already stored get their column filled here, in batches, with this file's own copy of the
 * normalisation (frozen like the rest of the migration).
 * Frozen in time: never edit after release; add a new numbered migration instead.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

const BATCH = 1000;

function searchWords(text: string): string {
  return text.normalize('NFD').toLowerCase().replace(/\p{M}/gu, '').replace(/[đð]/g, 'd').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function applicantSearch(applicantJson: string): string {
  let applicant: { name?: unknown; idNumber?: unknown; phone?: unknown };
  try {
    applicant = JSON.parse(applicantJson) as typeof applicant;
  } catch {
    return '';
  }
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const compact = (value: unknown): string => searchWords(text(value)).replaceAll(' ', '');
  return [searchWords(text(applicant.name)), compact(applicant.idNumber), compact(applicant.phone)].filter(Boolean).join(' ');
}

async function fillApplicantSearch(db: Kysely<any>): Promise<void> {
  for (let after = ''; ; ) {
    const rows = await db.selectFrom('cases').select(['id', 'applicant']).where('id', '>', after).orderBy('id').limit(BATCH).execute();
    if (rows.length === 0) return;
    // One statement per batch; VALUES columns are named column1, column2 on both databases.
    const values = sql.join(rows.map((r: { id: string; applicant: string }) => sql`(${r.id}, ${applicantSearch(r.applicant)})`));
    await sql`update cases set applicant_search = v.column2 from (values ${values}) as v where cases.id = v.column1`.execute(db);
    after = (rows.at(-1) as { id: string }).id;
  }
}

/** Where pg_trgm lives, creating it in `public` when the database has it nowhere. */
async function trigramSchema(db: Kysely<any>): Promise<string> {
  const existing = await sql<{ schema: string }>`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
  if (existing.rows[0]) return existing.rows[0].schema;
  // Extensions are per database, not per schema: one created in the application's schema would be
  // dropped (with every other schema's trigram index) when that schema is. kysely's migration lock
  // is database-wide, so two migrating servers cannot both create it.
  try {
    await sql`create extension pg_trgm schema public`.execute(db);
  } catch (error) {
    throw new Error(`Cannot create the PostgreSQL extension pg_trgm (${(error as Error).message}). Ask the database administrator to run "create extension pg_trgm schema public" in this database, then start again.`, { cause: error });
  }
  return 'public';
}

export async function up(db: Kysely<any>): Promise<void> {
  // kysely runs SQLite migrations outside a transaction; in one, a backfill stopped half-way leaves
  // nothing behind and the migration can simply run again.
  if (db.isTransaction) await addSearch(db);
  else await db.transaction().execute(addSearch);
}

async function addSearch(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').addColumn('applicant_search', 'text', (c) => c.notNull().defaultTo('')).execute();
  await fillApplicantSearch(db);
  if (isPostgres(db)) {
    const schema = await trigramSchema(db);
    await sql`create index cases_applicant_search on cases using gin (applicant_search ${sql.id(schema, 'gin_trgm_ops')})`.execute(db);
    return;
  }
  await sql`create virtual table case_search using fts5(case_id unindexed, applicant_search, tokenize = 'trigram', columnsize = 0)`.execute(db);
  await sql`insert into case_search (case_id, applicant_search) select id, applicant_search from cases`.execute(db);
  await sql`create trigger cases_search_insert after insert on cases begin
    insert into case_search (case_id, applicant_search) values (new.id, new.applicant_search);
  end`.execute(db);
  // case_id is not indexed in FTS5, so these two read the whole table; nothing in the product
  // deletes a case or rewrites its applicant, they keep hand repairs from leaving the index stale.
  await sql`create trigger cases_search_update after update of applicant_search on cases begin
    update case_search set applicant_search = new.applicant_search where case_id = old.id;
  end`.execute(db);
  await sql`create trigger cases_search_delete after delete on cases begin
    delete from case_search where case_id = old.id;
  end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    // pg_trgm stays: other schemas of the database may index with it.
    await sql`drop index cases_applicant_search`.execute(db);
  } else {
    for (const trigger of ['cases_search_delete', 'cases_search_update', 'cases_search_insert']) await sql`drop trigger ${sql.id(trigger)}`.execute(db);
    await sql`drop table case_search`.execute(db);
  }
  await db.schema.alterTable('cases').dropColumn('applicant_search').execute();
}

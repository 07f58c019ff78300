/**
 * 0007: phones are searched in their national form. 0005 stored an applicant's phone as typed
 * without separators, so "+84 912 345 678" became "84912345678" and a search for "0912345678" (or
 * the other way round) missed it. The service now stores and searches +84 as the trunk 0; this
 * rewrites the search text of the cases whose applicant holds a "+", with this file's own copy of
 * the normalisation (frozen like the rest of the migration). On SQLite the search index follows
 * through 0005's update trigger. There is no down: the 0005 form only found fewer cases.
 * Frozen in time: never edit after release; add a new numbered migration instead.
 */
import type { Kysely } from 'kysely';

const BATCH = 500;

function searchWords(text: string): string {
  return text.normalize('NFD').toLowerCase().replace(/\p{M}/gu, '').replace(/[đð]/g, 'd').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function applicantSearch(applicantJson: string): string | undefined {
  let applicant: { name?: unknown; idNumber?: unknown; phone?: unknown };
  try {
    applicant = JSON.parse(applicantJson) as typeof applicant;
  } catch {
    return undefined;
  }
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const compact = (value: string): string => searchWords(value).replaceAll(' ', '');
  const phone = text(applicant.phone).replace(/\+\s*84(?=[\s.()-]*\d)/g, '0');
  return [searchWords(text(applicant.name)), compact(text(applicant.idNumber)), compact(phone)].filter(Boolean).join(' ');
}

export async function up(db: Kysely<any>): Promise<void> {
  for (let after = ''; ; ) {
    const rows: { id: string; applicant: string; applicant_search: string }[] = await db
      .selectFrom('cases')
      .select(['id', 'applicant', 'applicant_search'])
      .where('id', '>', after)
      .where('applicant', 'like', '%+%')
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return;
    for (const row of rows) {
      const search = applicantSearch(row.applicant);
      if (search !== undefined && search !== row.applicant_search) await db.updateTable('cases').set({ applicant_search: search }).where('id', '=', row.id).execute();
    }
    after = rows.at(-1)!.id;
  }
}

import { CompiledQuery, Migrator, sql } from 'kysely';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceDeps } from '../../server/app.ts';
import { testClock } from '../../server/clock.ts';
import { applicantSearchText, listCases, receiveCase, searchWords } from '../../server/services/cases.ts';
import type { ServiceDeps } from '../../server/services/context.ts';
import { deployProcedures } from '../../server/services/procedures.ts';
import { migrateToLatest } from '../../server/storage/migrate.ts';
import { migrationProvider } from '../../server/storage/migrations/index.ts';
import type { Db, DbHandle } from '../../server/storage/db.ts';
import { repoFile, startTestServer } from '../helpers/app.ts';
import type { Client, TestServer } from '../helpers/app.ts';
import { DIALECTS, createTestDb } from '../helpers/db.ts';
import type { TestDb } from '../helpers/db.ts';

const XML = repoFile('processes/thin-slice/thin-slice.bpmn');
const at = (minute: number): string => new Date(Date.UTC(2026, 0, 5, 1, minute)).toISOString();

describe('searchWords', () => {
  it('should drop case, tone marks and punctuation and turn đ into d', () => {
    expect(searchWords('  Nguyễn Văn ĐỨC, "HTX Đồng Tâm"  ')).toBe('nguyen van duc htx dong tam');
    // decomposed input (as some Vietnamese keyboards type it) and the look-alike Ð (U+00D0)
    expect(searchWords('Nguye\u0302\u0303n \u00D0a\u0300o')).toBe('nguyen dao');
  });

  it('should keep the identity number and phone without separators', () => {
    expect(applicantSearchText({ name: 'Phạm Thị Ơn', idNumber: '001 088-012345', phone: '0912.345.678', email: 'on@example.vn', address: 'Số 1 Đinh Tiên Hoàng' })).toBe('pham thi on 001088012345 0912345678');
  });

  it('should keep a phone in its national form, +84 as 0', () => {
    for (const phone of ['+84 912 345 678', '+84912345678', '(+84) 912.345.678', '+84-912-345-678']) expect(applicantSearchText({ name: 'Ơn', phone }), phone).toBe('on 0912345678');
    // a tax code or identity number is never a phone
    expect(applicantSearchText({ name: 'Ơn', idNumber: '84912345678' })).toBe('on 84912345678');
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: applicant search over HTTP`, () => {
    let server: TestServer;
    let desk: Client;
    let reviewer: Client;
    beforeEach(async () => {
      server = await startTestServer(dialect, { now: '2026-03-02T08:00:00+07:00' });
      expect((await (await server.login('thietke')).postXml('/api/procedures', XML)).status).toBe(201);
      desk = await server.login('motcua');
      reviewer = await server.login('kiemsoat');
    });
    afterEach(async () => {
      await server.dispose();
    });

    async function receive(applicant: Record<string, string>): Promise<{ id: string; code: string }> {
      server.clock.advance(60_000);
      const res = await desk.post('/api/cases', { processId: 'thin-slice', applicant, channel: 'desk', unitId: 'CB-TTPVHCC' });
      expect(res.status, res.text).toBe(201);
      return res.body;
    }
    async function names(client: Client, query: string): Promise<string[]> {
      const res = await client.get(`/api/cases?${query}`);
      expect(res.status, res.text).toBe(200);
      return res.body.items.map((i: { applicant: { name: string } }) => i.applicant.name);
    }
    const search = (q: string, client = reviewer): Promise<string[]> => names(client, `q=${encodeURIComponent(q)}`);

    async function receiveApplicants(): Promise<void> {
      await receive({ name: 'Nguyễn Văn Bench', idNumber: '001088012345', phone: '0912 345 678', address: 'Số 1 Đinh Tiên Hoàng' });
      await receive({ name: 'Đặng Thị Đào' });
      await receive({ name: 'NGUYỄN THỊ AN' });
      await receive({ name: 'Trần Văn Bình' });
      await receive({ name: 'Lê Na' });
      await receive({ name: 'Công ty TNHH Đức Phát', idNumber: '0101234567-001' });
    }

    it('should find an applicant whatever the letter case and tone marks, by any part of the name', async () => {
      await receiveApplicants();
      for (const q of ['nguyen van a', 'Nguyễn Văn A', 'NGUYEN VAN', 'văn bên', 'bench nguyễn', 'Nguye\u0302\u0303n va\u0306n']) expect(await search(q), q).toEqual(['Nguyễn Văn Bench']);
      // newest first, like every list
      expect(await search('nguyen')).toEqual(['NGUYỄN THỊ AN', 'Nguyễn Văn Bench']);
      expect(await search('văn')).toEqual(['Trần Văn Bình', 'Nguyễn Văn Bench']);
    });

    it('should fold đ and Đ into d both in the names and in what is typed', async () => {
      await receiveApplicants();
      expect(await search('dang thi dao')).toEqual(['Đặng Thị Đào']);
      expect(await search('ĐÀO')).toEqual(['Đặng Thị Đào']);
      expect(await search('đuc phat')).toEqual(['Công ty TNHH Đức Phát']);
    });

    it('should find an applicant by identity number or phone however they are written, but not by address', async () => {
      await receiveApplicants();
      for (const q of ['0912345678', '0912 345 678', '0912.345.678', '345678', '001088012345', '88012']) expect(await search(q), q).toEqual(['Nguyễn Văn Bench']);
      expect(await search('0101234567-001')).toEqual(['Công ty TNHH Đức Phát']);
      expect(await search('tien hoang')).toEqual([]);
    });

    it('should find a phone written with +84 by its national form, and the other way round', async () => {
      await receive({ name: 'Hoàng Văn Quốc', phone: '+84 987 654 321' });
      await receiveApplicants();
      for (const q of ['0987654321', '0987 654 321', '+84987654321', '+84 987 654 321']) expect(await search(q), q).toEqual(['Hoàng Văn Quốc']);
      for (const q of ['+84912345678', '(+84) 912.345.678']) expect(await search(q), q).toEqual(['Nguyễn Văn Bench']);
    });

    it('should match words of one or two letters too', async () => {
      await receiveApplicants();
      expect(await search('lê na')).toEqual(['Lê Na']);
      expect(await search('an nguyen')).toEqual(['NGUYỄN THỊ AN', 'Nguyễn Văn Bench']);
      expect(await search('na le')).toEqual(['Lê Na']);
    });

    it('should answer an empty page when no applicant matches', async () => {
      await receiveApplicants();
      const res = await reviewer.get(`/api/cases?q=${encodeURIComponent('Phạm Hùng')}`);
      expect(res.body).toEqual({ items: [], nextCursor: null });
      expect(await search('nguyen van binh')).toEqual([]);
    });

    it('should still find a dossier by its code first', async () => {
      const bench = await receive({ name: 'Nguyễn Văn Bench' });
      await receive({ name: `Người có mã ${bench.code} trong tên` });
      const res = await reviewer.get(`/api/cases?q=${encodeURIComponent(bench.code)}`);
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([bench.id]);
    });

    it('should page through matches with the cursor and keep the other filters and access rules', async () => {
      // given five "Nguyễn Văn Số i" among others, and the specialist's step opened on two of them
      const numbered: { id: string; code: string }[] = [];
      for (let i = 0; i < 5; i++) {
        numbered.push(await receive({ name: `Nguyễn Văn Số ${i}` }));
        await receive({ name: `Trần Thị Khác ${i}` });
      }
      for (const c of [numbered[1]!, numbered[3]!]) expect((await desk.post(`/api/cases/${c.id}/steps/Task_Receive/complete`, {})).status).toBe(200);

      // when / then: pages of two, newest first
      const page1 = await reviewer.get(`/api/cases?q=${encodeURIComponent('nguyen so')}&limit=2`);
      expect(page1.body.items.map((i: { applicant: { name: string } }) => i.applicant.name)).toEqual(['Nguyễn Văn Số 4', 'Nguyễn Văn Số 3']);
      const page2 = await reviewer.get(`/api/cases?q=${encodeURIComponent('nguyen so')}&limit=2&cursor=${page1.body.nextCursor}`);
      expect(page2.body.items.map((i: { applicant: { name: string } }) => i.applicant.name)).toEqual(['Nguyễn Văn Số 2', 'Nguyễn Văn Số 1']);
      const page3 = await reviewer.get(`/api/cases?q=${encodeURIComponent('nguyen so')}&limit=2&cursor=${page2.body.nextCursor}`);
      expect(page3.body).toMatchObject({ items: [{ applicant: { name: 'Nguyễn Văn Số 0' } }], nextCursor: null });
      // status 4 (in process): the two whose first step is done
      expect(await names(reviewer, `q=nguyen&status=4`)).toEqual(['Nguyễn Văn Số 3', 'Nguyễn Văn Số 1']);
      // a received-at period
      expect(await names(reviewer, `q=nguyen&from=${encodeURIComponent(at(0))}&to=${encodeURIComponent('2026-03-02T01:04:30.000Z')}`)).toEqual(['Nguyễn Văn Số 1', 'Nguyễn Văn Số 0']);
      // the specialist sees only the cases that reached his unit, searched or not
      const specialist = await server.login('chuyenvien');
      expect(await search('nguyen van', specialist)).toEqual(['Nguyễn Văn Số 3', 'Nguyễn Văn Số 1']);
      expect(await search('khac', specialist)).toEqual([]);
    });
  });

  describe(`${dialect}: applicant search storage (0005)`, () => {
    let db: TestDb;
    beforeEach(async () => {
      db = await createTestDb(dialect, { migrate: false });
    });
    afterEach(async () => {
      await db.dispose();
    });

    /** Cases written as a database at 0004 holds them: no search column yet. */
    async function casesBefore0005(count: number, extra: { id: string; applicant: object }[] = []): Promise<void> {
      const migrator = new Migrator({ db: db.db, provider: migrationProvider, ...(db.schema ? { migrationTableSchema: db.schema } : {}) });
      const { error } = await migrator.migrateTo('0004-case-calendar');
      expect(error).toBeUndefined();
      const old = db.db as Db;
      await old.insertInto('procedures').values({ process_id: 'p', name: null, code: null, created_at: at(0) }).execute();
      await old.insertInto('procedure_versions').values({ process_id: 'p', version: 1, hash: 'h', xml: '', compiled: '{}', procedure: '{}', diagnostics: '[]', deployed_at: at(0), deployed_by: null, retired_at: null }).execute();
      const rows = [...Array.from({ length: count }, (_, i) => ({ id: `c${String(i).padStart(5, '0')}`, applicant: { name: `Nguyễn Văn ${i}` } })), ...extra].map((c, i) => ({
        id: c.id,
        code: `OLD-${c.id}`,
        process_id: 'p',
        version: 1,
        unit_id: 'CB-TTPVHCC',
        status_code: 4,
        clock_state: 'running',
        applicant: JSON.stringify(c.applicant),
        channel: 'desk',
        received_at: at(i),
        effective_start: at(i),
        appointment_at: null,
        due_at: null,
        data: '{}',
        snapshot: '{}',
        case_version: 1,
        ended_at: null,
        timeliness: null,
        apology_count: 0,
        supplement_rounds: 0,
        clock: '{}',
        end_event_id: null,
        parent_case_id: null,
        parent_step_key: null,
        created_at: at(0),
        updated_at: at(0),
      }));
      for (let i = 0; i < rows.length; i += 500) await old.insertInto('cases').values(rows.slice(i, i + 500)).execute();
    }

    function depsOf(handle: DbHandle): ServiceDeps {
      return serviceDeps({ db: handle, clock: testClock('2026-03-02T08:00:00+07:00') });
    }
    const codes = async (deps: ServiceDeps, q: string, extra: { limit?: number; cursor?: string } = {}) => (await listCases(deps, { q, ...extra })).items.map((i) => i.code);

    it('should fill the search column of the cases already stored, and find cases received afterwards', async () => {
      // given 2,500 cases (more than one batch) and three with diacritics, written before 0005
      await casesBefore0005(2500, [
        { id: 'x1', applicant: { name: 'Đỗ Thị Ánh', phone: '0987 654 321' } },
        { id: 'x2', applicant: { name: 'Hợp tác xã Đồng Tâm', idNumber: '4700123456' } },
        { id: 'x3', applicant: {} },
      ]);

      // when
      await migrateToLatest(db);

      // then
      const deps = depsOf(db);
      expect(await db.db.selectFrom('cases').select('id').where('applicant_search', '=', '').execute()).toEqual([{ id: 'x3' }]);
      expect(await codes(deps, 'do thi anh')).toEqual(['OLD-x1']);
      expect(await codes(deps, '0987654321')).toEqual(['OLD-x1']);
      expect(await codes(deps, 'dong tam 4700')).toEqual(['OLD-x2']);
      expect(await codes(deps, 'van 2042')).toEqual(['OLD-c02042']);
      expect(await codes(deps, 'van 2499')).toEqual(['OLD-c02499']);
      await deployProcedures(deps, { username: 'test' }, XML);
      await receiveCase(deps, { username: 'motcua' }, { processId: 'thin-slice', applicant: { name: 'Đỗ Văn Mới' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
      expect(await listCases(deps, { q: 'do van moi' })).toMatchObject({ items: [{ applicant: { name: 'Đỗ Văn Mới' } }], nextCursor: null });
    });

    it('should put the +84 phones already stored into their national form (0007)', async () => {
      // given a case whose search text 0005 wrote from a +84 phone
      await casesBefore0005(3, [{ id: 'x1', applicant: { name: 'Đỗ Thị Ánh', phone: '+84 987 654 321' } }]);
      const migrator = new Migrator({ db: db.db, provider: migrationProvider, ...(db.schema ? { migrationTableSchema: db.schema } : {}) });
      expect((await migrator.migrateTo('0006-step-overdue')).error).toBeUndefined();
      const searchTextOf = async (id: string) => (await db.db.selectFrom('cases').select('applicant_search').where('id', '=', id).executeTakeFirstOrThrow()).applicant_search;
      expect(await searchTextOf('x1')).toBe('do thi anh 84987654321');
      const deps = depsOf(db);
      expect(await codes(deps, '0987654321')).toEqual([]);

      // when
      expect(await migrateToLatest(db)).toContain('0007-national-phone-search');

      // then the case is found by its national number, through the search index on SQLite too
      expect(await searchTextOf('x1')).toBe('do thi anh 0987654321');
      expect(await searchTextOf('c00001')).toBe('nguyen van 1');
      expect(await codes(deps, '0987654321')).toEqual(['OLD-x1']);
      expect(await codes(deps, '+84 987 654 321')).toEqual(['OLD-x1']);
      if (dialect === 'sqlite') expect(await sql<{ case_id: string }>`select case_id from case_search where applicant_search like '%0987654321%'`.execute(db.db).then((r) => r.rows)).toEqual([{ case_id: 'x1' }]);
    });

    it('should page correctly through a search that matches more cases than the index narrows to', async () => {
      await casesBefore0005(2500);
      await migrateToLatest(db);
      const deps = depsOf(db);

      // "nguyen van" matches all 2,500 and "van 1" 1,447 of them, more than the index narrows to:
      // both are read newest first; "van 1 99" matches 22
      const first = await listCases(deps, { q: 'nguyen van', limit: 3 });
      expect(first.items.map((i) => i.code)).toEqual(['OLD-c02499', 'OLD-c02498', 'OLD-c02497']);
      expect(await codes(deps, 'nguyen van', { limit: 2, cursor: first.nextCursor! })).toEqual(['OLD-c02496', 'OLD-c02495']);
      const numbered = (test: (digits: string) => boolean) => Array.from({ length: 2500 }, (_, i) => String(i)).filter(test).reverse().map((digits) => `OLD-c${digits.padStart(5, '0')}`);
      const withOne = numbered((d) => d.includes('1'));
      expect(withOne).toHaveLength(1447);
      const page1 = await listCases(deps, { q: 'van 1', limit: 500 });
      const page2 = await listCases(deps, { q: 'van 1', limit: 500, cursor: page1.nextCursor! });
      const page3 = await listCases(deps, { q: 'van 1', limit: 500, cursor: page2.nextCursor! });
      expect([...page1.items, ...page2.items, ...page3.items].map((i) => i.code)).toEqual(withOne);
      expect(page3.nextCursor).toBeNull();
      expect(await codes(deps, 'van 1 99', { limit: 500 })).toEqual(numbered((d) => d.includes('1') && d.includes('99')));
    });

    it('should find a rare name through the trigram index', async () => {
      // given
      await casesBefore0005(2500);
      await migrateToLatest(db);
      if (dialect === 'postgres') await sql`analyze cases`.execute(db.db);
      const captured: { node: RootOperationNode; queryId: PluginTransformQueryArgs['queryId'] }[] = [];
      const capture: KyselyPlugin = {
        transformQuery: (args) => {
          captured.push(args);
          return args.node;
        },
        transformResult: (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => Promise.resolve(args.result),
      };

      // when
      expect(await codes(depsOf({ ...db, db: db.db.withPlugin(capture) }), 'nguyen van 2042')).toEqual(['OLD-c02042']);

      // then: the list query (the last one) is planned through the index
      const listing = captured.at(-1)!;
      const compiled = db.db.getExecutor().compileQuery(listing.node, listing.queryId);
      const plan = await db.db.connection().execute(async (connection) => {
        if (dialect === 'sqlite') return (await connection.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]))).rows.map((r) => r.detail);
        // Two and a half thousand rows are few enough that a sequential scan could win: take it away.
        await sql`set enable_seqscan = off`.execute(connection);
        try {
          return (await connection.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]))).rows.map((r) => r['QUERY PLAN']);
        } finally {
          await sql`reset enable_seqscan`.execute(connection);
        }
      });
      expect(plan.join('\n')).toMatch(dialect === 'sqlite' ? /SCAN case_search VIRTUAL TABLE/ : /Bitmap Index Scan on cases_applicant_search/);
    });
  });
}

describe('sqlite: the FTS5 search table follows the cases table', () => {
  let db: TestDb;
  beforeEach(async () => {
    db = await createTestDb('sqlite');
    await db.db.insertInto('procedures').values({ process_id: 'p', name: null, code: null, created_at: at(0) }).execute();
    await db.db.insertInto('procedure_versions').values({ process_id: 'p', version: 1, hash: 'h', xml: '', compiled: '{}', procedure: '{}', diagnostics: '[]', deployed_at: at(0), deployed_by: null, retired_at: null }).execute();
  });
  afterEach(async () => {
    await db.dispose();
  });

  const indexed = async () => (await db.db.selectFrom('case_search').select(['case_id', 'applicant_search']).orderBy('case_id').execute());

  it('should index a case row when it is inserted, rewritten or deleted, whoever writes it', async () => {
    const row = { process_id: 'p', version: 1, unit_id: 'U', status_code: 2, clock_state: 'running', applicant: '{}', channel: 'desk', received_at: at(0), effective_start: at(0), appointment_at: null, due_at: null, data: '{}', snapshot: '{}', case_version: 1, ended_at: null, timeliness: null, apology_count: 0, supplement_rounds: 0, clock: '{}', end_event_id: null, parent_case_id: null, parent_step_key: null, created_at: at(0), updated_at: at(0), audit_seq: 0, audit_hash: null, calendar: null };
    await db.db.insertInto('cases').values([{ ...row, id: 'a', code: 'A', applicant_search: 'nguyen van a' }, { ...row, id: 'b', code: 'B', applicant_search: 'le thi b' }]).execute();
    expect(await indexed()).toEqual([{ case_id: 'a', applicant_search: 'nguyen van a' }, { case_id: 'b', applicant_search: 'le thi b' }]);

    await db.db.updateTable('cases').set({ applicant_search: 'tran van a' }).where('id', '=', 'a').execute();
    await db.db.updateTable('cases').set({ status_code: 4 }).where('id', '=', 'b').execute();
    expect(await indexed()).toEqual([{ case_id: 'a', applicant_search: 'tran van a' }, { case_id: 'b', applicant_search: 'le thi b' }]);
    expect(await db.db.selectFrom('case_search').select('case_id').where('applicant_search', 'like', '%nguyen%').execute()).toEqual([]);

    await db.db.deleteFrom('cases').where('id', '=', 'a').execute();
    expect(await indexed()).toEqual([{ case_id: 'b', applicant_search: 'le thi b' }]);
  });
});

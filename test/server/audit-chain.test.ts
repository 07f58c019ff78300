import { sql } from 'kysely';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, canonicalJson, verifyAuditChain, type AuditAppend } from '../../server/audit/chain.ts';
import { auditRoutes } from '../../server/audit/routes.ts';
import { authMiddleware } from '../../server/auth/middleware.ts';
import type { AppEnv } from '../../server/auth/principal.ts';
import { createApiToken, createUnit, createUser } from '../../server/auth/store.ts';
import { fixedClock } from '../../server/clock.ts';
import { problemResponse } from '../../server/errors.ts';
import { repoFile, startTestServer } from '../helpers/app.ts';
import { createTestDb, DIALECTS, type TestDb } from '../helpers/db.ts';

const at = (minute: number) => `2026-03-02T08:${String(minute).padStart(2, '0')}:00+07:00`;

function caseEvents(caseId: string): AuditAppend[] {
  return [
    { type: 'case.received', at: at(0), caseId, actor: 'motcua', unit: 'CB-TTPVHCC', data: { code: `H-${caseId}`, applicantName: 'Nguyễn Văn A' }, requestId: 'req-1' },
    { type: 'step.opened', at: at(0), caseId, elementId: 'Task_Receive', stepKey: 'Task_Receive', data: { role: 'officer', unit: 'CB-TTPVHCC' } },
    { type: 'step.completed', at: at(5), caseId, actor: 'motcua', elementId: 'Task_Receive', stepKey: 'Task_Receive', data: { outcome: 'accept' } },
    { type: 'step.opened', at: at(5), caseId, elementId: 'Task_Handle', stepKey: 'Task_Handle' },
  ];
}

async function dropTriggers(t: TestDb): Promise<void> {
  if (t.capabilities.dialect === 'postgres') await sql`drop trigger audit_events_no_change on audit_events`.execute(t.db);
  else {
    await sql`drop trigger audit_events_no_update`.execute(t.db);
    await sql`drop trigger audit_events_no_delete`.execute(t.db);
  }
}

describe('canonicalJson', () => {
  it('should sort keys at every level and drop undefined members', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 'ệ' }], u: undefined })).toBe('{"a":[{"c":"ệ","d":2}],"b":1}');
    expect(canonicalJson({ x: { z: null, y: [1, undefined] } })).toBe('{"x":{"y":[1,null],"z":null}}');
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: audit chain`, () => {
    let t: TestDb;
    beforeEach(async () => {
      t = await createTestDb(dialect);
      await t.db.transaction().execute(async (trx) => {
        await appendAudit(trx, caseEvents('case-a'));
        await appendAudit(trx, caseEvents('case-b'));
      });
      await t.db.transaction().execute((trx) => appendAudit(trx, { type: 'step.claimed', at: at(6), caseId: 'case-a', actor: 'chuyenvien', elementId: 'Task_Handle', stepKey: 'Task_Handle' }));
    });
    afterEach(() => t.dispose());

    it('should chain each event to the previous event of its case', async () => {
      const rows = await t.db.selectFrom('audit_events').selectAll().where('case_id', '=', 'case-a').orderBy('seq').execute();
      expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5]);
      expect(rows[0]!.prev_hash).toBeNull();
      for (let k = 1; k < rows.length; k++) expect(rows[k]!.prev_hash).toBe(rows[k - 1]!.hash);
      expect(new Set(rows.map((r) => r.hash)).size).toBe(5);
      expect(await verifyAuditChain(t.db)).toEqual({ ok: true, cases: 2, events: 9 });
    });

    it('should have the database refuse UPDATE and DELETE on the audit log', async () => {
      await expect(t.db.updateTable('audit_events').set({ actor: 'mallory' }).where('case_id', '=', 'case-a').execute()).rejects.toThrow(/append-only/);
      await expect(t.db.deleteFrom('audit_events').where('case_id', '=', 'case-a').execute()).rejects.toThrow(/append-only/);
      expect((await verifyAuditChain(t.db)).ok).toBe(true);
    });

    it('should name the first changed event once the trigger is bypassed', async () => {
      await dropTriggers(t);
      await t.db.updateTable('audit_events').set({ actor: 'mallory' }).where('case_id', '=', 'case-b').where('seq', '=', 3).execute();
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBroken: { caseId: 'case-b', seq: 3, reason: expect.stringMatching(/field was changed/) } });
    });

    it('should detect a changed data payload', async () => {
      await dropTriggers(t);
      await t.db.updateTable('audit_events').set({ data: '{"outcome":"refuse"}' }).where('case_id', '=', 'case-a').where('seq', '=', 3).execute();
      expect((await verifyAuditChain(t.db)).firstBroken).toMatchObject({ caseId: 'case-a', seq: 3 });
    });

    it('should detect a deleted event in the middle of a chain', async () => {
      await dropTriggers(t);
      await t.db.deleteFrom('audit_events').where('case_id', '=', 'case-a').where('seq', '=', 2).execute();
      expect((await verifyAuditChain(t.db)).firstBroken).toEqual({ caseId: 'case-a', seq: 3, reason: 'event 2 is missing' });
    });

    it('should detect a case whose whole chain was deleted', async () => {
      await t.db.insertInto('procedures').values({ process_id: 'p', name: null, code: null, created_at: at(0) }).execute();
      await t.db.insertInto('procedure_versions').values({ process_id: 'p', version: 1, hash: 'h', xml: '', compiled: '{}', procedure: '{}', diagnostics: '[]', deployed_at: at(0), deployed_by: null, retired_at: null }).execute();
      const row = { code: 'X', process_id: 'p', version: 1, unit_id: 'U', status_code: 2, clock_state: 'running', applicant: '{}', channel: 'desk', received_at: at(0), effective_start: at(0), appointment_at: null, due_at: null, data: '{}', snapshot: '{}', case_version: 1, ended_at: null, timeliness: null, apology_count: 0, supplement_rounds: 0, clock: '{}', end_event_id: null, parent_case_id: null, parent_step_key: null, created_at: at(0), updated_at: at(0) };
      await t.db.insertInto('cases').values([{ ...row, id: 'case-a', code: 'A' }, { ...row, id: 'case-z', code: 'Z' }]).execute();
      expect(await verifyAuditChain(t.db)).toEqual({ ok: false, cases: 2, events: 9, firstBroken: { caseId: 'case-z', seq: 1, reason: 'the case has no audit events: its whole chain is missing' } });
    });

    it('should detect a rewritten chain whose hashes were recomputed without the earlier link', async () => {
      await dropTriggers(t);
      // Forge event 4 consistently with itself but pointing to a made-up previous hash.
      const row = (await t.db.selectFrom('audit_events').selectAll().where('case_id', '=', 'case-a').where('seq', '=', 4).executeTakeFirstOrThrow());
      await t.db.updateTable('audit_events').set({ prev_hash: '0'.repeat(64) }).where('id', '=', row.id).execute();
      expect((await verifyAuditChain(t.db)).firstBroken).toMatchObject({ caseId: 'case-a', seq: 4, reason: expect.stringMatching(/prev_hash/) });
    });

    it('should refuse a forked chain (two appends with the same sequence number)', async () => {
      const head = await t.db.selectFrom('audit_events').select(['seq', 'hash']).where('case_id', '=', 'case-b').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      await expect(t.db.insertInto('audit_events').values({ case_id: 'case-b', seq: head.seq, type: 'step.claimed', at: at(9), actor: null, unit_id: null, element_id: null, step_key: null, data: '{}', request_id: null, prev_hash: null, hash: 'x' }).execute()).rejects.toThrow();
    });

    it('should verify across page boundaries of a large log', async () => {
      for (let c = 0; c < 5; c++) {
        const events: AuditAppend[] = Array.from({ length: 500 }, (_, k) => ({ type: 'step.claimed', at: at(k % 60), caseId: `bulk-${c}`, actor: `u${k}` }));
        await t.db.transaction().execute((trx) => appendAudit(trx, events));
      }
      expect(await verifyAuditChain(t.db)).toEqual({ ok: true, cases: 7, events: 2509 });
      await dropTriggers(t);
      await t.db.updateTable('audit_events').set({ actor: 'x' }).where('case_id', '=', 'bulk-3').where('seq', '=', 499).execute();
      expect((await verifyAuditChain(t.db)).firstBroken).toMatchObject({ caseId: 'bulk-3', seq: 499 });
    });

    it('should serve GET /api/audit/verify to reviewers only', async () => {
      const now = '2026-03-02T01:00:00.000Z';
      await createUnit(t.db, { code: 'U', name: 'Đơn vị' });
      const reviewer = await createUser(t.db, { username: 'rv', displayName: 'R', password: 'password-1', roles: [{ role: 'reviewer', unitId: 'U' }] }, now);
      const officer = await createUser(t.db, { username: 'of', displayName: 'O', password: 'password-1', roles: [{ role: 'officer', unitId: 'U' }] }, now);
      const rt = await createApiToken(t.db, reviewer.id, 'r', now);
      const ot = await createApiToken(t.db, officer.id, 'o', now);
      const app = new Hono<AppEnv>();
      app.onError(problemResponse);
      app.use('*', authMiddleware(t, fixedClock(now)));
      app.route('/', auditRoutes({ db: t }));
      const ok = await app.request('/api/audit/verify', { headers: { authorization: `Bearer ${rt.token}` } });
      expect(await ok.json()).toEqual({ ok: true, cases: 2, events: 9 });
      expect((await app.request('/api/audit/verify', { headers: { authorization: `Bearer ${ot.token}` } })).status).toBe(403);
      expect((await app.request('/api/audit/verify')).status).toBe(401);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: audit chain against the head kept on the case`, () => {
    it('should detect a chain whose newest events were removed, and one with an event added behind the server', async () => {
      // given a case advanced through the API, its chain intact
      const server = await startTestServer(dialect);
      try {
        const designer = await server.login('thietke');
        await designer.postXml('/api/procedures', repoFile('processes/thin-slice/thin-slice.bpmn'));
        const desk = await server.login('motcua');
        const received = await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name: 'Vi Thị Hằng' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
        const caseId: string = received.body.id;
        expect((await desk.post(`/api/cases/${caseId}/steps/Task_Receive/complete`, { caseVersion: received.body.caseVersion })).status).toBe(200);
        expect((await verifyAuditChain(server.db.db)).ok).toBe(true);
        const newest = await server.db.db.selectFrom('audit_events').selectAll().where('case_id', '=', caseId).orderBy('seq', 'desc').executeTakeFirstOrThrow();

        // when the newest event is deleted behind the triggers' back
        await dropTriggers(server.db);
        await server.db.db.deleteFrom('audit_events').where('id', '=', newest.id).execute();
        // then the shorter chain, valid in itself, no longer ends at the recorded head
        expect((await verifyAuditChain(server.db.db)).firstBroken).toMatchObject({ caseId, seq: Number(newest.seq), reason: expect.stringMatching(/newest events were removed/) });

        // and when an event is appended outside the case's transactions, correctly chained
        await server.db.db.insertInto('audit_events').values({ ...newest }).execute();
        expect((await verifyAuditChain(server.db.db)).ok).toBe(true);
        await server.db.db.transaction().execute((trx) => appendAudit(trx, { type: 'step.claimed', at: '2026-03-02T02:00:00.000Z', caseId, actor: 'mallory' }));
        expect((await verifyAuditChain(server.db.db)).firstBroken).toMatchObject({ caseId, seq: Number(newest.seq) + 1, reason: expect.stringMatching(/beyond the head/) });
      } finally {
        await server.dispose();
      }
    });
  });
}

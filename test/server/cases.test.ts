import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoFile, startTestServer } from '../helpers/app.ts';
import type { Client, TestServer } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

const XML = repoFile('processes/thin-slice/thin-slice.bpmn');
const HOUR = 3_600_000;

for (const dialect of DIALECTS) {
  describe(`${dialect}: cases over HTTP`, () => {
    let server: TestServer;
    let desk: Client;
    beforeEach(async () => {
      server = await startTestServer(dialect, { now: '2026-03-02T08:00:00+07:00' });
      const designer = await server.login('thietke');
      expect((await designer.postXml('/api/procedures', XML)).status).toBe(201);
      desk = await server.login('motcua');
    });
    afterEach(async () => {
      await server.dispose();
    });

    async function receive(extra: Record<string, unknown> = {}) {
      const res = await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name: 'Phạm Thị Dung', phone: '0912345678' }, channel: 'desk', unitId: 'CB-TTPVHCC', ...extra });
      expect(res.status, res.text).toBe(201);
      return res.body;
    }
    async function auditCount(caseId: string): Promise<number> {
      return (await server.db.db.selectFrom('audit_events').select('seq').where('case_id', '=', caseId).execute()).length;
    }

    it('should refuse a stale case version with 409 STALE_VERSION and change nothing', async () => {
      const c = await receive();
      const first = await desk.post(`/api/cases/${c.id}/steps/Task_Receive/claim`, { caseVersion: 1 });
      expect(first.status).toBe(200);
      const before = await auditCount(c.id);
      const stale = await desk.post(`/api/cases/${c.id}/steps/Task_Receive/complete`, { caseVersion: 1 });
      expect(stale.status).toBe(409);
      expect(stale.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(stale.body).toMatchObject({ code: 'STALE_VERSION', currentVersion: 2 });
      expect(await auditCount(c.id)).toBe(before);
      const detail = await desk.get(`/api/cases/${c.id}`);
      expect(detail.body.caseVersion).toBe(2);
      expect(detail.body.openSteps.map((s: { elementId: string }) => s.elementId)).toEqual(['Task_Receive']);
    });

    it('should let exactly one of two concurrent completions of one version win', async () => {
      const c = await receive();
      const results = await Promise.all([1, 2, 3].map(() => desk.post(`/api/cases/${c.id}/steps/Task_Receive/complete`, { caseVersion: 1 })));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses, results.map((r) => r.text).join('\n')).toEqual([200, 409, 409]);
      expect(statuses[0]).toBe(200);
      expect(statuses.slice(1).every((s) => s === 409)).toBe(true);
      const completed = await server.db.db.selectFrom('audit_events').select('seq').where('case_id', '=', c.id).where('type', '=', 'step.completed').execute();
      expect(completed).toHaveLength(1);
    });

    it('should refuse completing a closed step with problem+json and change nothing', async () => {
      const c = await receive();
      await desk.post(`/api/cases/${c.id}/steps/Task_Receive/complete`, { caseVersion: 1 });
      const before = await auditCount(c.id);
      const again = await desk.post(`/api/cases/${c.id}/steps/Task_Receive/complete`, {});
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'NOT_ALLOWED', elementId: 'Task_Receive' });
      const unknown = await desk.post(`/api/cases/${c.id}/steps/Nope/complete`, {});
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('NOT_FOUND');
      expect(await auditCount(c.id)).toBe(before);
    });

    it('should refuse an outcome the step does not offer', async () => {
      const c = await receive();
      const res = await desk.post(`/api/cases/${c.id}/steps/Task_Receive/complete`, { caseVersion: 1, outcome: 'approve' });
      expect([400, 409, 422]).toContain(res.status);
      expect(res.body.code).toMatch(/VALIDATION|INVALID_TRANSITION/);
      expect((await desk.get(`/api/cases/${c.id}`)).body.caseVersion).toBe(1);
    });

    it('should refuse invalid input with VALIDATION', async () => {
      const res = await desk.post('/api/cases', { processId: 'thin-slice', applicant: {}, channel: 'fax', unitId: 'CB-TTPVHCC' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION');
      const missing = await desk.post('/api/cases', { processId: 'no-such', applicant: { name: 'A' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
      expect(missing.status).toBe(404);
    });

    it('should let only the step owner act on a step', async () => {
      const c = await receive();
      const specialist = await server.login('chuyenvien');
      const res = await specialist.post(`/api/cases/${c.id}/steps/Task_Receive/complete`, { caseVersion: 1 });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      const otherUnit = await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name: 'A' }, channel: 'desk', unitId: 'CB-SYT' });
      expect(otherUnit.status).toBe(403);
      const anonymous = await server.app.request('/api/inbox');
      expect(anonymous.status).toBe(401);
    });

    it('should start the clock at the next working morning after the 15:00 cut-off', async () => {
      server.clock.set('2026-03-02T15:01:00+07:00');
      const c = await receive();
      expect(c.receivedAt).toBe('2026-03-02T08:01:00.000Z');
      expect(c.effectiveStart).toBe('2026-03-03T00:30:00.000Z');
    });

    it('should stop the clock for a supplement and restart the deadline on resubmission', async () => {
      const c = await receive();
      server.clock.advance(2 * HOUR);
      const requested = await desk.post(`/api/cases/${c.id}/supplement-request`, { caseVersion: 1, reason: 'Thiếu bản sao giấy chứng nhận' });
      expect(requested.status, requested.text).toBe(200);
      expect(requested.body).toMatchObject({ statusCode: 5, clock: 'stopped', dueAt: null, supplementRounds: 1 });
      expect(requested.body.actions.map((a: { action: string }) => a.action)).toContain('resubmission');

      server.clock.set('2026-03-09T09:00:00+07:00');
      desk = await server.login('motcua');
      const resubmitted = await desk.post(`/api/cases/${c.id}/resubmission`, { caseVersion: requested.body.caseVersion });
      expect(resubmitted.status, resubmitted.text).toBe(200);
      expect(resubmitted.body).toMatchObject({ statusCode: 4, clock: 'running' });
      // restart mode: the full 8.5 working days run again from Monday 09/03 09:00
      expect(resubmitted.body.appointmentAt).toBe('2026-03-19T07:30:00.000Z');
      const types = resubmitted.body.history.map((e: { type: string }) => e.type);
      expect(types).toEqual(expect.arrayContaining(['supplement.requested', 'supplement.received']));
    });

    it('should refuse a supplement request later than 3 working days after receipt', async () => {
      const c = await receive();
      server.clock.set('2026-03-05T09:00:00+07:00');
      const late = await (await server.login('motcua')).post(`/api/cases/${c.id}/supplement-request`, { reason: 'Thiếu giấy tờ' });
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('NOT_ALLOWED');
    });

    it('should issue one apology letter at the latest one working day before the appointment', async () => {
      const c = await receive();
      const head = await server.login('giamdoc');
      const issued = await desk.post(`/api/cases/${c.id}/apology`, { reason: 'Cần xác minh thêm', newAppointmentAt: '2026-03-20T16:00:00+07:00', signedBy: 'Hoàng Văn Nam' });
      expect(issued.status, issued.text).toBe(200);
      expect(issued.body).toMatchObject({ apologyCount: 1, appointmentAt: '2026-03-20T09:00:00.000Z' });
      const second = await desk.post(`/api/cases/${c.id}/apology`, { reason: 'Lần hai', newAppointmentAt: '2026-03-27T16:00:00+07:00', signedBy: 'Hoàng Văn Nam' });
      expect(second.status).toBe(409);
      expect(second.body.code).toBe('NOT_ALLOWED');
      expect(head.username).toBe('giamdoc');
      const letters = await server.db.db.selectFrom('apology_letters').selectAll().where('case_id', '=', c.id).execute();
      expect(letters).toHaveLength(1);
      const outbox = await server.db.db.selectFrom('outbox').select('topic').where('topic', '=', 'apology.issued').execute();
      expect(outbox).toHaveLength(1);
    });

    it('should refuse an apology letter less than one working day before the appointment', async () => {
      const c = await receive();
      server.clock.set('2026-03-11T14:00:00+07:00');
      const officer = await server.login('motcua');
      const late = await officer.post(`/api/cases/${c.id}/apology`, { reason: 'Chậm', newAppointmentAt: '2026-03-20T16:00:00+07:00', signedBy: 'Hoàng Văn Nam' });
      expect(late.status).toBe(409);
      expect(c.appointmentAt).toBe('2026-03-12T06:30:00.000Z');
    });

    it('should count a case with an apology letter as late even when finished before the new appointment', async () => {
      const c = await receive();
      await desk.post(`/api/cases/${c.id}/apology`, { reason: 'Cần xác minh thêm', newAppointmentAt: '2026-03-20T16:00:00+07:00', signedBy: 'Hoàng Văn Nam' });
      let version = 2;
      for (const [user, step] of [['motcua', 'Task_Receive'], ['chuyenvien', 'Task_Handle'], ['giamdoc', 'Task_Approve']] as const) {
        const res = await (await server.login(user)).post(`/api/cases/${c.id}/steps/${step}/complete`, { caseVersion: version });
        expect(res.status, res.text).toBe(200);
        version = res.body.caseVersion;
      }
      const done = await desk.get(`/api/cases/${c.id}`);
      expect(done.body).toMatchObject({ statusCode: 9, timeliness: 'late' });
    });

    it('should withdraw a case: status 7, open steps cancelled, no actions left', async () => {
      const c = await receive();
      const res = await desk.post(`/api/cases/${c.id}/withdraw`, { reason: 'Công dân rút hồ sơ' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ statusCode: 7, openSteps: [], actions: [] });
      expect(res.body.history.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['step.cancelled', 'case.withdrawn']));
      const inbox = await desk.get('/api/inbox');
      expect(inbox.body.find((i: { caseId: string }) => i.caseId === c.id)).toBeUndefined();
      const again = await desk.post(`/api/cases/${c.id}/stop`, {});
      expect(again.status).toBe(409);
    });

    it('should record a case that ends on the procedure\'s refusal path as refused (status 3), not processed', async () => {
      // given a procedure whose receipt check can refuse (End_Refused has qt:caseStatus="refused")
      const designer = await server.login('thietke');
      expect((await designer.postXml('/api/procedures', repoFile('processes/cao-bang-1.001806/cao-bang-1.001806.bpmn'))).status).toBe(201);
      const received = await desk.post('/api/cases', { processId: 'cao-bang-1-001806', applicant: { name: 'Hộ kinh doanh Bế Văn Đàn' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
      expect(received.status, received.text).toBe(201);
      // when the desk officer refuses it at the receipt step
      const done = await desk.post(`/api/cases/${received.body.id}/steps/Task_Receive/complete`, { caseVersion: received.body.caseVersion, outcome: 'refuse' });
      // then the case has ended refused, with no early/on-time/late class
      expect(done.status, done.text).toBe(200);
      expect(done.body).toMatchObject({ statusCode: 3, timeliness: null, openSteps: [] });
      expect(done.body.endedAt).not.toBeNull();
    });

    it('should refuse a dossier at receipt only before any step is done', async () => {
      const a = await receive();
      const refused = await desk.post(`/api/cases/${a.id}/refuse`, { reason: 'Không thuộc thẩm quyền' });
      expect(refused.body.statusCode).toBe(3);
      const b = await receive();
      await desk.post(`/api/cases/${b.id}/steps/Task_Receive/complete`, {});
      const tooLate = await desk.post(`/api/cases/${b.id}/refuse`, {});
      expect(tooLate.status).toBe(409);
    });

    it('should list and search cases with a cursor', async () => {
      for (let i = 0; i < 5; i++) {
        server.clock.advance(60_000);
        await receive({ applicant: { name: `Người nộp ${i}` } });
      }
      const reviewer = await server.login('kiemsoat');
      const page1 = await reviewer.get('/api/cases?limit=3');
      expect(page1.body.items).toHaveLength(3);
      expect(page1.body.items[0].applicant.name).toBe('Người nộp 4');
      const page2 = await reviewer.get(`/api/cases?limit=3&cursor=${page1.body.nextCursor}`);
      expect(page2.body.items.map((i: { applicant: { name: string } }) => i.applicant.name)).toEqual(['Người nộp 1', 'Người nộp 0']);
      expect(page2.body.nextCursor).toBeNull();
      const search = await reviewer.get(`/api/cases?q=${encodeURIComponent('nộp 3')}`);
      expect(search.body.items.map((i: { applicant: { name: string } }) => i.applicant.name)).toEqual(['Người nộp 3']);
      // a dossier code, whole or its beginning, through the code index
      const codes = [...page1.body.items, ...page2.body.items].map((i: { code: string }) => i.code).sort();
      expect((await reviewer.get(`/api/cases?q=${encodeURIComponent(codes[2]!)}`)).body.items.map((i: { code: string }) => i.code)).toEqual([codes[2]]);
      const day = codes[0]!.slice(0, codes[0]!.lastIndexOf('-'));
      expect((await reviewer.get(`/api/cases?q=${encodeURIComponent(day)}`)).body.items.map((i: { code: string }) => i.code).sort()).toEqual(codes);
      expect((await reviewer.get(`/api/cases?q=${encodeURIComponent(`${codes[0]}9`)}`)).body.items).toEqual([]);
      const specialist = await server.login('chuyenvien');
      expect((await specialist.get('/api/cases')).body.items).toHaveLength(0);
    });

    it('should mark inbox steps due soon within a working day of their due instant', async () => {
      const c = await receive();
      const item = async () => ((await (await server.login('motcua')).get('/api/inbox')).body as { caseId: string; timeliness: string }[]).find((i) => i.caseId === c.id)!;
      // Task_Receive: 0.5 working day from Monday 08:00 → due 13:30 (lunch 11:30–13:00)
      expect((await item()).timeliness).toBe('dueSoon');
      server.clock.set('2026-03-02T14:00:00+07:00');
      expect((await item()).timeliness).toBe('overdue');
    });

    it('should list overdue cases most overdue first', async () => {
      const early = await receive();
      server.clock.advance(3_600_000);
      const later = await receive();
      server.clock.set('2026-03-20T08:00:00+07:00');
      const reviewer = await server.login('kiemsoat');
      const overdue = await reviewer.get('/api/cases?overdue=true&limit=1');
      expect(overdue.body.items.map((i: { id: string }) => i.id)).toEqual([early.id]);
      const next = await reviewer.get(`/api/cases?overdue=true&limit=1&cursor=${overdue.body.nextCursor}`);
      expect(next.body.items.map((i: { id: string }) => i.id)).toEqual([later.id]);
      expect(next.body.items[0].timeliness).toBe('overdue');
    });

    it('should offer step actions only to the officers who may take them', async () => {
      const c = await receive();
      expect(c.actions).toEqual(expect.arrayContaining([{ action: 'complete', stepKey: 'Task_Receive', outcomes: [] }]));
      const done = await desk.post(`/api/cases/${c.id}/steps/Task_Receive/complete`, { caseVersion: 1 });
      expect(done.body.actions.some((a: { stepKey?: string }) => a.stepKey === 'Task_Handle')).toBe(false);
      const specialist = await server.login('chuyenvien');
      const seen = await specialist.get(`/api/cases/${c.id}`);
      expect(seen.body.actions).toEqual(expect.arrayContaining([{ action: 'complete', stepKey: 'Task_Handle', outcomes: [] }]));
    });

    it('should attribute changes to the request id', async () => {
      const c = await receive();
      const res = await desk.post(`/api/cases/${c.id}/steps/Task_Receive/complete`, { caseVersion: 1 }, { 'x-request-id': 'req-42' });
      expect(res.headers.get('x-request-id')).toBe('req-42');
      const row = await server.db.db.selectFrom('audit_events').select(['actor', 'request_id']).where('case_id', '=', c.id).where('type', '=', 'step.completed').executeTakeFirstOrThrow();
      expect(row).toEqual({ actor: 'motcua', request_id: 'req-42' });
      // a refused request names its id too, and one sent without an id gets one
      const refused = await desk.post(`/api/cases/${c.id}/steps/Task_Handle/complete`, { caseVersion: 2 }, { 'x-request-id': 'req-43' });
      expect([refused.status, refused.headers.get('x-request-id')]).toEqual([403, 'req-43']);
      expect((await desk.get(`/api/cases/${c.id}`)).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
}

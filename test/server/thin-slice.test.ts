import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, repoFile } from '../helpers/app.ts';
import type { TestServer } from '../helpers/app.ts';
import { csvObjects } from '../helpers/csv.ts';
import { DIALECTS } from '../helpers/db.ts';

const XML = repoFile('processes/thin-slice/thin-slice.bpmn');
const HOUR = 3_600_000;

for (const dialect of DIALECTS) {
  describe(`${dialect}: thin slice over HTTP`, () => {
    let server: TestServer;
    beforeEach(async () => {
      server = await startTestServer(dialect, { now: '2026-03-02T08:00:00+07:00' });
    });
    afterEach(async () => {
      await server.dispose();
    });

    it('should deploy, receive a case, complete three steps and export the audit as CSV', async () => {
      // given a deployed procedure
      const designer = await server.login('thietke');
      const deployed = await designer.postXml('/api/procedures', XML);
      expect(deployed.status).toBe(201);
      expect(deployed.body).toMatchObject({ processId: 'thin-slice', version: 1, created: true });
      const again = await designer.postXml('/api/procedures', XML);
      expect(again.body).toMatchObject({ processId: 'thin-slice', version: 1, created: false });

      // when an officer receives a case at the desk
      const desk = await server.login('motcua');
      const received = await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name: 'Nguyễn Văn An' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
      expect(received.status).toBe(201);
      const caseId: string = received.body.id;
      // Circular 04/2025: <agency>-YYMMDD-AA + the day's sequence number in 4 digits (AA = CASE_CODE_SYSTEM, default 00)
      expect(received.body.code).toBe('QT-260302-000001');
      expect(received.body.statusCode).toBe(2);
      expect(received.body.effectiveStart).toBe('2026-03-02T01:00:00.000Z');
      // 8.5 working days from Monday 02/03/2026 08:00 → Thursday 12/03/2026 12:00 (lunch break) → 13:00+0:30
      expect(received.body.appointmentAt).toBe('2026-03-12T06:30:00.000Z');
      expect(received.body.openSteps.map((s: { elementId: string }) => s.elementId)).toEqual(['Task_Receive']);

      // and three officers complete the three steps in turn
      const steps: [string, string][] = [['motcua', 'Task_Receive'], ['chuyenvien', 'Task_Handle'], ['giamdoc', 'Task_Approve']];
      let detail = received.body;
      for (const [username, elementId] of steps) {
        server.clock.advance(2 * HOUR);
        const officer = await server.login(username);
        const inbox = await officer.get('/api/inbox');
        const item = inbox.body.find((i: { caseId: string }) => i.caseId === caseId);
        expect(item).toMatchObject({ elementId, caseCode: detail.code });
        const done = await officer.post(`/api/cases/${caseId}/steps/${item.stepKey}/complete`, { caseVersion: detail.caseVersion });
        expect(done.status).toBe(200);
        expect(done.body.caseVersion).toBe(detail.caseVersion + 1);
        detail = done.body;
      }

      // then the case has ended, processed on time, each completion audited
      expect(detail.endedAt).not.toBeNull();
      expect(detail.statusCode).toBe(9);
      expect(detail.timeliness).toBe('early');
      expect(detail.openSteps).toEqual([]);
      const types = detail.history.map((e: { type: string }) => e.type);
      expect(types.filter((t: string) => t === 'step.completed')).toHaveLength(3);
      expect(types.at(-1)).toBe('case.ended');
      expect(detail.history.find((e: { type: string; stepKey: string }) => e.type === 'step.completed' && e.stepKey === 'Task_Handle').actor).toBe('chuyenvien');

      const reviewer = await server.login('kiemsoat');
      const csv = await reviewer.get(`/api/cases/${caseId}/audit?format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
      expect(csv.text.charCodeAt(0)).toBe(0xfeff);
      const rows = csvObjects(csv.text);
      expect(rows.map((r) => r.elementId)).toEqual(['Task_Receive', 'Task_Handle', 'Task_Approve']);
      expect(rows.map((r) => [r.enteredAt, r.leftAt])).toEqual([
        ['2026-03-02T01:00:00.000Z', '2026-03-02T03:00:00.000Z'],
        ['2026-03-02T03:00:00.000Z', '2026-03-02T05:00:00.000Z'],
        ['2026-03-02T05:00:00.000Z', '2026-03-02T07:00:00.000Z'],
      ]);
      expect(rows.map((r) => r.actor)).toEqual(['motcua', 'chuyenvien', 'giamdoc']);
      expect(rows.map((r) => r.name)).toEqual(['Kiểm tra, tiếp nhận hồ sơ, lập phiếu tiếp nhận và hẹn trả kết quả', 'Thụ lý giải quyết; trình lãnh đạo', 'Phê duyệt kết quả giải quyết TTHC']);
      expect(rows.every((r) => r.end === 'completed')).toBe(true);
    });

    it('should write each completion and its audit event in one transaction', async () => {
      const designer = await server.login('thietke');
      await designer.postXml('/api/procedures', XML);
      const desk = await server.login('motcua');
      const received = await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name: 'Trần Thị Bình' }, channel: 'online', unitId: 'CB-TTPVHCC' });
      const done = await desk.post(`/api/cases/${received.body.id}/steps/Task_Receive/complete`, { caseVersion: 1 });
      expect(done.status).toBe(200);
      // every case version has its audit events, chained without gaps
      const events = await server.db.db.selectFrom('audit_events').select(['seq', 'type', 'prev_hash', 'hash']).where('case_id', '=', received.body.id).orderBy('seq').execute();
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      for (let i = 1; i < events.length; i++) expect(events[i]!.prev_hash).toBe(events[i - 1]!.hash);
      expect(events.map((e) => e.type)).toEqual(['case.received', 'step.opened', 'step.completed', 'step.opened']);
    });

    it('should leave the case untouched when writing the completion\'s audit event fails mid-transaction', async () => {
      // given a case at its first step
      const designer = await server.login('thietke');
      await designer.postXml('/api/procedures', XML);
      const desk = await server.login('motcua');
      const received = await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name: 'Đinh Thị Giang' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
      const caseId: string = received.body.id;
      const snapshot = async () => ({
        row: await server.db.db.selectFrom('cases').select(['case_version', 'snapshot', 'status_code', 'due_at']).where('id', '=', caseId).executeTakeFirstOrThrow(),
        steps: await server.db.db.selectFrom('case_steps').select(['step_key', 'closed_at']).where('case_id', '=', caseId).orderBy('step_key').execute(),
        events: (await server.db.db.selectFrom('audit_events').select('seq').where('case_id', '=', caseId).execute()).length,
      });
      const before = await snapshot();
      // when the database refuses the step.completed audit row, after the case row was already updated
      if (dialect === 'sqlite') {
        await sql`create trigger fail_completion before insert on audit_events when new.type = 'step.completed' begin select raise(abort, 'disk full'); end`.execute(server.db.db);
      } else {
        await sql`create function fail_completion() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end $$`.execute(server.db.db);
        await sql`create trigger fail_completion before insert on audit_events for each row when (new.type = 'step.completed') execute function fail_completion()`.execute(server.db.db);
      }
      const failed = await desk.post(`/api/cases/${caseId}/steps/Task_Receive/complete`, { caseVersion: received.body.caseVersion });
      // then the request fails as a problem and nothing of the advance remains
      expect(failed.status).toBe(500);
      expect(failed.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(await snapshot()).toEqual(before);
      // and once the fault is gone the same completion goes through
      await sql`drop trigger fail_completion${sql.raw(dialect === 'postgres' ? ' on audit_events' : '')}`.execute(server.db.db);
      const done = await desk.post(`/api/cases/${caseId}/steps/Task_Receive/complete`, { caseVersion: received.body.caseVersion });
      expect(done.status, done.text).toBe(200);
      expect(done.body.active).toEqual(['Task_Handle']);
    });
  });
}

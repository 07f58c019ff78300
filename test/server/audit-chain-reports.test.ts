import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, repoFile, type TestServer } from '../helpers/app.ts';
import { csvObjects } from '../helpers/csv.ts';
import { DIALECTS } from '../helpers/db.ts';

const XML = repoFile('processes/thin-slice/thin-slice.bpmn');
const HOUR = 3_600_000;

/** The same procedure with the handling step cut from 7 to 4 working days: a simplified version 2. */
const SIMPLER = XML.replace(/qt:deadline="8\.5"/, 'qt:deadline="5.5"').replace(/(id="Task_Handle"[^>]*qt:norm=")7(")/, '$14$2');

for (const dialect of DIALECTS) {
  describe(`${dialect}: audit reports over HTTP`, () => {
    let server: TestServer;
    beforeEach(async () => {
      server = await startTestServer(dialect, { now: '2026-03-02T08:00:00+07:00' });
      expect((await (await server.login('thietke')).postXml('/api/procedures', XML)).status).toBe(201);
    });
    afterEach(() => server.dispose());

    async function runCase(hoursPerStep: number): Promise<string> {
      const desk = await server.login('motcua');
      const received = await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name: 'Trần Thị Cúc' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
      let version = received.body.caseVersion;
      for (const username of ['motcua', 'chuyenvien', 'giamdoc']) {
        server.clock.advance(hoursPerStep * HOUR);
        const officer = await server.login(username);
        const item = (await officer.get('/api/inbox')).body.find((i: { caseId: string }) => i.caseId === received.body.id);
        version = (await officer.post(`/api/cases/${received.body.id}/steps/${item.stepKey}/complete`, { caseVersion: version })).body.caseVersion;
      }
      return received.body.code;
    }

    it('should give per-step statistics of a procedure', async () => {
      await runCase(1);
      await runCase(2);
      const res = await (await server.login('kiemsoat')).get('/api/audit/statistics?processId=thin-slice');
      expect(res.status).toBe(200);
      expect(res.body.summary).toMatchObject({ received: 2, finished: 2 });
      const receive = res.body.steps.find((s: { elementId: string }) => s.elementId === 'Task_Receive');
      // case 1: 08:00–09:00 = 60 working minutes; case 2 starts at 11:00: 11:00–13:00 = 30 (lunch 11:30–13:00)
      expect(receive).toMatchObject({ count: 2, meanMinutes: 45, medianMinutes: 45, p90Minutes: 60, normMinutes: 240, late: 0 });
      expect(res.body.units.map((u: { unit: string; completed: number }) => [u.unit, u.completed])).toEqual([['CB-TTPVHCC', 2], ['CB-SYT-BTXH', 2], ['CB-SYT', 2]]);
      expect((await (await server.login('chuyenvien')).get('/api/audit/statistics?processId=thin-slice')).status).toBe(403);
      expect((await (await server.login('kiemsoat')).get('/api/audit/statistics')).status).toBe(400);
    });

    it('should export the step-time audit as CSV, JSON and XES to reviewers', async () => {
      const code = await runCase(1);
      const reviewer = await server.login('kiemsoat');
      const csv = await reviewer.get('/api/audit/export?format=csv&processId=thin-slice&from=2026-03-02&to=2026-03-02');
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(csv.headers.get('content-disposition')).toContain('quytrinh-audit-thin-slice.csv');
      expect(csv.text.charCodeAt(0)).toBe(0xfeff);
      expect(csvObjects(csv.text).map((r) => [r.caseCode, r.elementId, r.workingMinutes])).toEqual([[code, 'Task_Receive', '60'], [code, 'Task_Handle', '60'], [code, 'Task_Approve', '60']]);
      const json = await reviewer.get('/api/audit/export?format=json');
      expect(JSON.parse(json.text).cases[0]).toMatchObject({ code, timeliness: 'early' });
      const xes = await reviewer.get('/api/audit/export?format=xes');
      expect(xes.text).toContain(`<string key="concept:name" value="${code}"/>`);
      expect((await reviewer.get('/api/audit/export?format=csv&from=2026-03-03')).text.trim().split('\n')).toHaveLength(1);
      expect((await reviewer.get('/api/audit/export?format=pdf')).status).toBe(400);
      expect((await (await server.login('motcua')).get('/api/audit/export?format=csv')).status).toBe(403);
    });

    it('should give the periodic statistics table per receiving unit', async () => {
      await runCase(1);
      const desk = await server.login('motcua');
      expect((await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name: 'Hồ sơ đang xử lý' }, channel: 'online', unitId: 'CB-TTPVHCC' })).status).toBe(201);
      const reviewer = await server.login('kiemsoat');
      const res = await reviewer.get('/api/audit/report?from=2026-03-01&to=2026-03-31');
      expect(res.status).toBe(200);
      expect(res.body.rows).toEqual([
        expect.objectContaining({ unit: 'CB-TTPVHCC', unitName: expect.stringContaining('Trung tâm Phục vụ hành chính công'), received: 2, newOnline: 1, newDeskOrPost: 1, resolved: 1, early: 1, inProgress: 1, withinDeadline: 1, overdue: 0 }),
        expect.objectContaining({ unit: '*', unitName: 'Tổng số', received: 2 }),
      ]);
      const next = await reviewer.get('/api/audit/report?from=2026-04-01&to=2026-04-30');
      expect(next.body.rows.at(-1)).toMatchObject({ carriedOver: 1, resolved: 0, inProgress: 1 });
      expect((await reviewer.get('/api/audit/report?from=2026-03-01')).status).toBe(400);
      expect((await desk.get('/api/audit/report?from=2026-03-01&to=2026-03-31')).status).toBe(403);
    });

    it('should review a simplified version against the original with measured times', async () => {
      await runCase(1);
      const designer = await server.login('thietke');
      const v2 = await designer.postXml('/api/procedures', SIMPLER);
      expect(v2.body).toMatchObject({ version: 2, created: true });
      await runCase(2);
      const res = await (await server.login('kiemsoat')).get('/api/audit/review?processId=thin-slice&before=1&after=2');
      expect(res.status).toBe(200);
      expect(res.body.retimed.map((r: { before: { elementId: string }; savedMinutes: number }) => [r.before.elementId, r.savedMinutes])).toEqual([['Task_Handle', 3 * 480]]);
      expect(res.body.plannedSavedMinutes).toBe(3 * 480);
      expect(res.body.plannedSavedRate).toBeCloseTo(3 / 8.5);
      expect(res.body.meetsTwentyPercent).toBe(true);
      // the version 1 case took 1 h per step (08–11 h); the version 2 case 2 h per step from 11:00:
      // 11–13 h = 30 working minutes (lunch), 13–15 h = 120, 15–17 h = 120
      expect(res.body.before.actualMinutes).toBe(180);
      expect(res.body.after.actualMinutes).toBe(30 + 120 + 120);
      expect(res.body.actualSavedMinutes).toBe(180 - 270);
      expect((await (await server.login('kiemsoat')).get('/api/audit/review?processId=thin-slice&before=1&after=9')).status).toBe(404);
    });
  });
}

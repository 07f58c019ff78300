import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoFile, startTestServer } from '../helpers/app.ts';
import type { Client, TestServer } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

const XML = repoFile('processes/thin-slice/thin-slice.bpmn');

for (const dialect of DIALECTS) {
  describe(`${dialect}: procedures over HTTP`, () => {
    let server: TestServer;
    let designer: Client;
    beforeEach(async () => {
      server = await startTestServer(dialect, { now: '2026-03-02T08:00:00+07:00' });
      designer = await server.login('thietke');
    });
    afterEach(async () => {
      await server.dispose();
    });

    it('should deploy changed content as the next version and keep open cases on theirs', async () => {
      await designer.postXml('/api/procedures', XML);
      const desk = await server.login('motcua');
      const onV1 = await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name: 'A' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
      const changed = XML.replace('qt:norm="7" qt:normUnit="workingDays"', 'qt:norm="5" qt:normUnit="workingDays"');
      const v2 = await designer.postXml('/api/procedures', changed);
      expect(v2.status).toBe(201);
      expect(v2.body).toMatchObject({ processId: 'thin-slice', version: 2, created: true });
      const onV2 = await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name: 'B' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
      expect(onV2.body.version).toBe(2);
      expect((await desk.get(`/api/cases/${onV1.body.id}`)).body.version).toBe(1);

      const list = await desk.get('/api/procedures');
      expect(list.body).toEqual([expect.objectContaining({ processId: 'thin-slice', latestVersion: 2, versions: [expect.objectContaining({ version: 2, retired: false }), expect.objectContaining({ version: 1, retired: false })] })]);
      const xml = await desk.get('/api/procedures/thin-slice/versions/1/xml');
      expect(xml.text).toBe(XML);

      expect((await designer.post('/api/procedures/thin-slice/versions/2/retire')).status).toBe(204);
      const afterRetire = await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name: 'C' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
      expect(afterRetire.body.version).toBe(1);
    });

    it('should refuse an invalid diagram with 422 and diagnostics naming the element', async () => {
      const broken = XML.replace('<bpmn:sequenceFlow id="Flow_Handle_Approve" sourceRef="Task_Handle" targetRef="Task_Approve" />', '');
      const res = await designer.postXml('/api/procedures', broken);
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('BPMN_INVALID');
      expect(res.body.diagnostics.length).toBeGreaterThan(0);
      expect(res.body.diagnostics.some((d: { elementId?: string }) => d.elementId === 'Task_Handle' || d.elementId === 'Task_Approve')).toBe(true);
      const validated = await designer.postXml('/api/procedures/validate', broken);
      expect(validated.status).toBe(200);
      expect(validated.body.valid).toBe(false);
      expect((await designer.postXml('/api/procedures/validate', XML)).body.valid).toBe(true);
      const garbage = await designer.postXml('/api/procedures', '<not-bpmn/>');
      expect(garbage.status).toBe(422);
    });

    it('should let only designers deploy', async () => {
      const desk = await server.login('motcua');
      const res = await desk.postXml('/api/procedures', XML);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });

    it('should plan each step and the appointment for a receipt instant', async () => {
      await designer.postXml('/api/procedures', XML);
      const plan = await designer.get(`/api/procedures/thin-slice/versions/1/plan?receivedAt=${encodeURIComponent('2026-03-02T16:00:00+07:00')}`);
      expect(plan.status, plan.text).toBe(200);
      // received after 15:00 → the clock starts Tuesday 07:30; 0.5 + 7 + 1 working days
      expect(plan.body).toMatchObject({ effectiveStart: '2026-03-03T07:30:00.000+07:00', appointment: '2026-03-13T11:30:00.000+07:00' });
      expect(plan.body.steps.map((s: { elementId: string; dueAt: string }) => [s.elementId, s.dueAt])).toEqual([
        ['Task_Receive', '2026-03-03T11:30:00.000+07:00'],
        ['Task_Handle', '2026-03-12T11:30:00.000+07:00'],
        ['Task_Approve', '2026-03-13T11:30:00.000+07:00'],
      ]);
    });

    it('should serve the OpenAPI document without login', async () => {
      const res = await server.app.request('/api/openapi.json');
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/cases', '/cases/{id}/steps/{stepKey}/complete', '/inbox']));
    });
  });
}

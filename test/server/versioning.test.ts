import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestServer, repoFile } from '../helpers/app.ts';
import type { TestServer } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

const XML = repoFile('processes/thin-slice/thin-slice.bpmn');

for (const dialect of DIALECTS) {
  describe(`${dialect}: versions are immutable`, () => {
    let server: TestServer;
    beforeEach(async () => {
      server = await startTestServer(dialect, { now: '2026-03-02T08:00:00+07:00' });
    });
    afterEach(async () => {
      await server.dispose();
    });

    it('should run open cases on the stored compiled definition, never on a recompile of the XML', async () => {
      // given a case on version 1
      const designer = await server.login('thietke');
      expect((await designer.postXml('/api/procedures', XML)).status).toBe(201);
      const desk = await server.login('motcua');
      const received = await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name: 'Lê Văn Cường' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
      expect(received.status).toBe(201);

      // when the server restarts (fresh module caches) with an engine whose compiler would now
      // give something else, and the stored XML no longer even parses
      await server.db.db.updateTable('procedure_versions').set({ xml: '<not-bpmn/>' }).execute();
      vi.resetModules();
      const { createApp } = await import('../../server/app.ts');
      const { defaultEngine } = await import('../../server/services/engine-adapter.ts');
      const compile = vi.fn(async () => {
        throw new Error('a running version must not be recompiled');
      });
      const restarted = createApp({ db: server.db, clock: server.clock, engine: { ...defaultEngine, compile } });
      const login = await restarted.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'motcua', password: 'demo1234' }) });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const done = await restarted.request(`/api/cases/${received.body.id}/steps/Task_Receive/complete`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify({ caseVersion: received.body.caseVersion }),
      });

      // then the case advances on the definition it started on
      expect(done.status, await done.clone().text()).toBe(200);
      const detail = (await done.json()) as { active: string[]; version: number };
      expect(detail.active).toEqual(['Task_Handle']);
      expect(detail.version).toBe(1);
      expect(compile).not.toHaveBeenCalled();
    });
  });
}

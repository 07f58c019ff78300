import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceDeps } from '../../server/app.ts';
import { systemClock } from '../../server/clock.ts';
import { claimDueTimers, createScheduler } from '../../server/scheduler/scheduler.ts';
import type { ServiceDeps } from '../../server/services/context.ts';
import { caseDetail, receiveCase } from '../../server/services/cases.ts';
import { deployProcedures } from '../../server/services/procedures.ts';
import { createDb } from '../../server/storage/db.ts';
import { repoFile, startTestServer } from '../helpers/app.ts';
import type { TestServer } from '../helpers/app.ts';
import { DIALECTS, TEST_PG_URL } from '../helpers/db.ts';

const TIMER_XML = repoFile('test/server/fixtures/boundary-timer.bpmn');
const HOUR = 3_600_000;

for (const dialect of DIALECTS) {
  describe(`${dialect}: scheduler`, () => {
    let server: TestServer;
    let deps: ServiceDeps;
    beforeEach(async () => {
      server = await startTestServer(dialect, { now: '2026-03-02T08:00:00+07:00' });
      deps = serviceDeps({ db: server.db, clock: server.clock });
      await deployProcedures(deps, { username: 'test' }, TIMER_XML);
    });
    afterEach(async () => {
      await server.dispose();
    });

    async function receive(): Promise<string> {
      return receiveCase(deps, { username: 'motcua' }, { processId: 'server-timer', applicant: { name: 'Lê Văn Cường' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
    }
    async function firedEvents(caseId: string): Promise<number> {
      const rows = await server.db.db.selectFrom('audit_events').select('type').where('case_id', '=', caseId).where('type', '=', 'timer.fired').execute();
      return rows.length;
    }

    it('should fire a due boundary timer once through the advance path', async () => {
      const caseId = await receive();
      const scheduler = createScheduler(deps, { workerId: 'w1' });
      expect(await scheduler.tick()).toBe(0);

      server.clock.advance(HOUR + 1000);
      expect(await scheduler.tick()).toBe(1);
      const detail = await caseDetail(deps, caseId);
      expect(detail.openSteps.map((s) => s.elementId)).toEqual(['Task_Escalate']);
      expect(detail.caseVersion).toBe(2);
      expect(await firedEvents(caseId)).toBe(1);

      expect(await scheduler.tick()).toBe(0);
      expect(await firedEvents(caseId)).toBe(1);
    });

    it('should fire a timer claimed by a worker that died, once its claim expires', async () => {
      const caseId = await receive();
      server.clock.advance(HOUR + 1000);
      // a worker claims the timer and dies before firing it
      const claimed = await claimDueTimers(deps, 'dead-worker', 10, 60_000);
      expect(claimed.map((t) => t.timer_key)).toHaveLength(1);
      const survivor = createScheduler(deps, { workerId: 'w2' });
      expect(await survivor.tick()).toBe(0);

      server.clock.advance(61_000);
      expect(await survivor.tick()).toBe(1);
      expect(await firedEvents(caseId)).toBe(1);
      expect((await caseDetail(deps, caseId)).openSteps.map((s) => s.elementId)).toEqual(['Task_Escalate']);
    });

    it('should not fire a timer cancelled by completing its step', async () => {
      const caseId = await receive();
      const officer = await server.login('motcua');
      const done = await officer.post(`/api/cases/${caseId}/steps/Task_Handle/complete`, { caseVersion: 1 });
      expect(done.status).toBe(200);
      server.clock.advance(3 * HOUR);
      await createScheduler(deps).tick();
      expect(await firedEvents(caseId)).toBe(0);
      expect((await caseDetail(deps, caseId)).endedAt).not.toBeNull();
    });

    it('should notify due soon and overdue cases through the outbox', async () => {
      const caseId = await receive();
      // keep the case open past its two-working-day deadline without the boundary timer path
      server.clock.advance(HOUR + 1000);
      const scheduler = createScheduler(deps);
      await scheduler.tick();
      server.clock.set('2026-03-05T08:00:00+07:00');
      await scheduler.tick();
      const topics = (await server.db.db.selectFrom('outbox').select('topic').orderBy('id').execute()).map((r) => r.topic);
      expect(topics.filter((t) => t === 'case.dueSoon')).toHaveLength(1);
      expect(topics.filter((t) => t === 'case.overdue')).toHaveLength(1);
      const officer = await server.login('motcua');
      const detail = await officer.get(`/api/cases/${caseId}`);
      expect(detail.status, detail.text).toBe(200);
      expect(detail.body.timeliness).toBe('overdue');
    });

    it('should announce an open step past its due instant once, without changing the case version', async () => {
      const caseId = await receive();
      const scheduler = createScheduler(deps);
      server.clock.advance(HOUR + 1000);
      await scheduler.tick();
      // Task_Handle was cancelled by the boundary timer: its overdue mark went with it
      const version = (await caseDetail(deps, caseId)).caseVersion;
      server.clock.set('2026-03-03T12:00:00+07:00');
      await scheduler.tick();
      await scheduler.tick();
      const messages = await server.db.db.selectFrom('outbox').select(['topic', 'payload']).where('topic', '=', 'step.overdue').execute();
      expect(messages.map((m) => JSON.parse(m.payload).stepKey)).toEqual(['Task_Escalate']);
      expect((await caseDetail(deps, caseId)).caseVersion).toBe(version);
    });

    if (dialect === 'postgres') {
      it('should never fire one timer twice with two workers on two connections pools', async () => {
        const cases = await Promise.all(Array.from({ length: 30 }, () => receive()));
        server.clock.advance(HOUR + 1000);
        const second = createDb(TEST_PG_URL, { schema: server.db.schema! });
        try {
          const deps2 = serviceDeps({ db: second, clock: server.clock });
          const a = createScheduler(deps, { workerId: 'a', batch: 4 });
          const b = createScheduler(deps2, { workerId: 'b', batch: 4 });
          const [firedA, firedB] = await Promise.all([a.tick(), b.tick()]);
          // 30 boundary timers; the due-soon marks of a two-day deadline are not due yet
          expect(firedA + firedB).toBe(30);
          for (const caseId of cases) expect(await firedEvents(caseId)).toBe(1);
          const rows = await server.db.db.selectFrom('timers').select(['claimed_by']).where('purpose', '=', 'engine').where('fired_at', 'is not', null).execute();
          expect(rows).toHaveLength(30);
        } finally {
          await second.close();
        }
      });
    }
  });
}

describe('scheduler loop', () => {
  it('should stop cleanly while idle', async () => {
    const handle = createDb(':memory:');
    const { migrateToLatest } = await import('../../server/storage/migrate.ts');
    await migrateToLatest(handle.db);
    const scheduler = createScheduler(serviceDeps({ db: handle, clock: systemClock }), { intervalMs: 10 });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 30));
    await scheduler.stop();
    await handle.close();
  });
});

import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceDeps } from '../../server/app.ts';
import { ensureDemoUsers } from '../../server/auth/demo.ts';
import { testClock } from '../../server/clock.ts';
import { createScheduler } from '../../server/scheduler/scheduler.ts';
import { caseDetail, completeStep, receiveCase } from '../../server/services/cases.ts';
import type { ServiceDeps } from '../../server/services/context.ts';
import { deployProcedures } from '../../server/services/procedures.ts';
import { createDb } from '../../server/storage/db.ts';
import { migrateToLatest } from '../../server/storage/migrate.ts';
import { migrationProvider } from '../../server/storage/migrations/index.ts';
import { repoFile, startTestServer } from '../helpers/app.ts';
import type { TestServer } from '../helpers/app.ts';
import { DIALECTS, TEST_PG_URL, createTestDb } from '../helpers/db.ts';
import type { TestDb } from '../helpers/db.ts';

const XML = repoFile('processes/thin-slice/thin-slice.bpmn');
const RECEIVE = { processId: 'thin-slice', applicant: { name: 'Phạm Thị Dung' }, channel: 'desk', unitId: 'CB-TTPVHCC' } as const;

for (const dialect of DIALECTS) {
  describe(`${dialect}: overdue steps`, () => {
    let server: TestServer | undefined;
    let db: TestDb | undefined;
    afterEach(async () => {
      await server?.dispose();
      await db?.dispose();
      server = undefined;
      db = undefined;
    });

    async function started(now: string): Promise<{ server: TestServer; deps: ServiceDeps }> {
      server = await startTestServer(dialect, { now });
      const deps = serviceDeps({ db: server.db, clock: server.clock });
      await deployProcedures(deps, { username: 'thietke' }, XML);
      return { server, deps };
    }

    async function overdueMessages(t: { db: TestDb }): Promise<{ caseId: string; caseCode: string; stepKey: string; dueAt: string; role: string; unitId: string; name: string }[]> {
      const rows = await t.db.db.selectFrom('outbox').select('payload').where('topic', '=', 'step.overdue').orderBy('id').execute();
      return rows.map((r) => JSON.parse(r.payload));
    }

    it('should announce an open step once when its due instant has passed, and never a closed one', async () => {
      const { server, deps } = await started('2027-03-01T08:00:00+07:00');
      const late = await receiveCase(deps, { username: 'motcua' }, RECEIVE);
      const done = await receiveCase(deps, { username: 'motcua' }, RECEIVE);
      await completeStep(deps, { username: 'motcua' }, done, 'Task_Receive', {});
      const due = (await caseDetail(deps, late)).openSteps[0]!.dueAt!;
      const scheduler = createScheduler(deps);

      server.clock.set(due);
      expect(await scheduler.tick()).toBe(0);
      server.clock.advance(1000);
      const version = (await caseDetail(deps, late)).caseVersion;
      expect(await scheduler.tick()).toBe(1);
      expect(await scheduler.tick()).toBe(0);
      // a restarted server does not announce it again
      expect(await createScheduler(deps).tick()).toBe(0);

      const code = (await caseDetail(deps, late)).code;
      expect(await overdueMessages(server)).toEqual([{ caseId: late, caseCode: code, stepKey: 'Task_Receive', elementId: 'Task_Receive', name: expect.stringContaining('tiếp nhận'), role: 'officer', unitId: 'CB-TTPVHCC', dueAt: due, claimedBy: null }]);
      // a warning, not a change of the case
      expect((await caseDetail(deps, late)).caseVersion).toBe(version);
      expect(await server.db.db.selectFrom('timers').select('id').where('purpose', '=', 'stepOverdue').execute()).toEqual([]);
    });

    it('should warn again about an announced step whose due instant a calendar change moved ahead', async () => {
      const { server, deps } = await started('2027-03-01T08:00:00+07:00');
      const caseId = await receiveCase(deps, { username: 'motcua' }, RECEIVE);
      server.clock.set('2027-03-01T09:00:00+07:00');
      await completeStep(deps, { username: 'motcua' }, caseId, 'Task_Receive', {});
      // 7 working days from Monday 01/03/2027 09:00: Wednesday 10/03/2027 09:00
      expect((await caseDetail(deps, caseId)).openSteps[0]).toMatchObject({ stepKey: 'Task_Handle', dueAt: '2027-03-10T02:00:00.000Z' });
      const scheduler = createScheduler(deps);
      server.clock.set('2027-03-10T10:00:00+07:00');
      expect(await scheduler.tick()).toBe(1);

      // the agency records that Wednesday 03/03 was a day off: Task_Handle is now due Thursday 11/03 09:00
      const admin = await server.login('admin');
      const changed = await admin.put('/api/calendars/vn-civil-service/years/2027', { notice: '45/TB-UBND', issuer: 'UBND tỉnh', days: [{ date: '2027-03-03', working: false, reason: 'Nghỉ do bão (thử nghiệm)' }] });
      expect(changed.status, changed.text).toBe(200);
      expect((await caseDetail(deps, caseId)).openSteps[0]!.dueAt).toBe('2027-03-11T02:00:00.000Z');
      expect(await scheduler.tick()).toBe(0);

      server.clock.set('2027-03-11T09:00:01+07:00');
      expect(await scheduler.tick()).toBe(1);
      expect((await overdueMessages(server)).map((m) => [m.stepKey, m.dueAt])).toEqual([
        ['Task_Handle', '2027-03-10T02:00:00.000Z'],
        ['Task_Handle', '2027-03-11T02:00:00.000Z'],
      ]);
    });

    it('should carry over the step warnings of a database made before 0006', async () => {
      db = await createTestDb(dialect, { migrate: false });
      const migrator = new Migrator({ db: db.db, provider: migrationProvider, ...(db.schema ? { migrationTableSchema: db.schema } : {}) });
      expect((await migrator.migrateTo('0005-case-search')).error).toBeUndefined();
      const clock = testClock('2027-03-01T08:00:00+07:00');
      await ensureDemoUsers(db.db, clock.now());
      const deps = serviceDeps({ db, clock });
      await deps.refreshCalendars?.();
      await deployProcedures(deps, { username: 'thietke' }, XML);
      const announced = await receiveCase(deps, { username: 'motcua' }, RECEIVE);
      const pending = await receiveCase(deps, { username: 'motcua' }, RECEIVE);
      const due = (await caseDetail(deps, pending)).openSteps[0]!.dueAt!;
      // as the server before 0006 kept them: a timer row per open step, fired once announced
      const firedAt = '2027-03-01T06:31:00.000Z';
      await db.db
        .insertInto('timers')
        .values([
          { id: 't-announced', case_id: announced, timer_key: 'step:Task_Receive', element_id: 'Task_Receive', purpose: 'stepOverdue', due_at: due, claimed_by: 'w', claimed_until: null, fired_at: firedAt },
          { id: 't-pending', case_id: pending, timer_key: 'step:Task_Receive', element_id: 'Task_Receive', purpose: 'stepOverdue', due_at: due, claimed_by: null, claimed_until: null, fired_at: null },
        ])
        .execute();

      expect(await migrateToLatest(db)).toContain('0006-step-overdue');
      const steps = await db.db.selectFrom('case_steps').select(['case_id', 'overdue_notified_at']).where('step_key', '=', 'Task_Receive').execute();
      expect(Object.fromEntries(steps.map((s) => [s.case_id, s.overdue_notified_at]))).toEqual({ [announced]: firedAt, [pending]: null });
      expect(await db.db.selectFrom('timers').select('id').where('purpose', '=', 'stepOverdue').execute()).toEqual([]);

      clock.set('2027-03-01T15:00:00+07:00');
      expect(await createScheduler(deps).tick()).toBe(1);
      expect((await overdueMessages({ db })).map((m) => m.caseId)).toEqual([pending]);
    });

    if (dialect === 'postgres') {
      it('should announce each overdue step exactly once with two servers on one database', async () => {
        const { server, deps } = await started('2027-03-01T08:00:00+07:00');
        const cases = await Promise.all(Array.from({ length: 30 }, () => receiveCase(deps, { username: 'motcua' }, RECEIVE)));
        server.clock.set('2027-03-01T17:00:00+07:00');
        const second = createDb(TEST_PG_URL, { schema: server.db.schema! });
        try {
          const a = createScheduler(deps, { workerId: 'a', batch: 4 });
          const b = createScheduler(serviceDeps({ db: second, clock: server.clock }), { workerId: 'b', batch: 4 });
          const [byA, byB] = await Promise.all([a.tick(), b.tick()]);
          expect(byA + byB).toBe(30);
          expect((await overdueMessages(server)).map((m) => m.caseId).sort()).toEqual([...cases].sort());
        } finally {
          await second.close();
        }
      });
    }
  });
}

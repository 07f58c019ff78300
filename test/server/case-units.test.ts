import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceDeps } from '../../server/app.ts';
import { ensureDemoUsers } from '../../server/auth/demo.ts';
import { testClock } from '../../server/clock.ts';
import { completeStep, listCases, receiveCase } from '../../server/services/cases.ts';
import type { ServiceDeps } from '../../server/services/context.ts';
import { deployProcedures } from '../../server/services/procedures.ts';
import { migrateToLatest } from '../../server/storage/migrate.ts';
import { migrationProvider } from '../../server/storage/migrations/index.ts';
import { repoFile } from '../helpers/app.ts';
import { DIALECTS, createTestDb } from '../helpers/db.ts';
import type { TestDb } from '../helpers/db.ts';

const XML = repoFile('processes/thin-slice/thin-slice.bpmn');
const DESK = 'CB-TTPVHCC';
const SPECIALIST = 'CB-SYT-BTXH';

for (const dialect of DIALECTS) {
  describe(`${dialect}: the units a case involves (0008)`, () => {
    let db: TestDb;
    afterEach(async () => {
      await db.dispose();
    });

    async function depsAt(migration?: string): Promise<{ deps: ServiceDeps; clock: ReturnType<typeof testClock> }> {
      db = await createTestDb(dialect, { migrate: migration === undefined });
      if (migration) {
        const migrator = new Migrator({ db: db.db, provider: migrationProvider, ...(db.schema ? { migrationTableSchema: db.schema } : {}) });
        expect((await migrator.migrateTo(migration)).error).toBeUndefined();
      }
      const clock = testClock('2026-03-02T08:00:00+07:00');
      await ensureDemoUsers(db.db, clock.now());
      const deps = serviceDeps({ db, clock });
      await deps.refreshCalendars?.();
      await deployProcedures(deps, { username: 'thietke' }, XML);
      return { deps, clock };
    }

    /** Receives `count` cases a minute apart; those at the indexes in `handed` go on to the specialist. */
    async function cases(deps: ServiceDeps, clock: ReturnType<typeof testClock>, count: number, handed: (i: number) => boolean): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        clock.advance(60_000);
        const id = await receiveCase(deps, { username: 'motcua' }, { processId: 'thin-slice', applicant: { name: `Vũ Thị ${i}` }, channel: 'desk', unitId: DESK });
        if (handed(i)) await completeStep(deps, { username: 'motcua' }, id, 'Task_Receive', {});
        ids.push(id);
      }
      return ids;
    }

    async function unitsOf(): Promise<string[]> {
      const rows = await db.db.selectFrom('case_units').select(['case_id', 'unit_id']).execute();
      return rows.map((r) => `${r.case_id}@${r.unit_id}`).sort();
    }

    it('should fill the units of the cases already stored, and keep them for new cases and steps', async () => {
      // given cases received before 0008, every second one handed to the specialist
      const { deps, clock } = await depsAt('0007-national-phone-search');
      const before = await cases(deps, clock, 4, (i) => i % 2 === 0);

      // when
      expect(await migrateToLatest(db)).toEqual(['0008-case-units']);

      // then each case involves the desk, the handed ones the specialist too
      const expected = (ids: string[], offset = 0) => ids.flatMap((id, i) => [`${id}@${DESK}`, ...((i + offset) % 2 === 0 ? [`${id}@${SPECIALIST}`] : [])]);
      expect(await unitsOf()).toEqual(expected(before).sort());
      const after = await cases(deps, clock, 2, (i) => i === 0);
      expect(await unitsOf()).toEqual([...expected(before), ...expected(after)].sort());
      // a second step in a unit already involved adds nothing
      await completeStep(deps, { username: 'chuyenvien' }, after[0]!, 'Task_Handle', {});
      expect((await unitsOf()).filter((u) => u.startsWith(after[0]!))).toEqual([`${after[0]}@CB-SYT`, `${after[0]}@${DESK}`, `${after[0]}@${SPECIALIST}`].sort());
    });

    it("should page an officer's cases newest first, once each, across all their units", async () => {
      const { deps, clock } = await depsAt();
      const ids = await cases(deps, clock, 9, (i) => i % 3 !== 1);
      const newestFirst = [...ids].reverse();

      const pages = async (unitIds: string[], limit: number): Promise<string[]> => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await listCases(deps, { unitIds, includeStepUnits: true, limit, ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((c) => c.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return seen;
      };
      // the specialist sees the cases handed to them; the desk every case it received
      expect(await pages([SPECIALIST], 2)).toEqual(newestFirst.filter((id) => ids.indexOf(id) % 3 !== 1));
      expect(await pages([DESK], 4)).toEqual(newestFirst);
      // both units: every case once, in order, whatever the page size
      for (const limit of [1, 2, 5, 50]) expect(await pages([SPECIALIST, DESK], limit), `limit ${limit}`).toEqual(newestFirst);
      // the other filters still apply
      expect((await listCases(deps, { unitIds: [SPECIALIST], includeStepUnits: true, status: 2 })).items).toEqual([]);
      expect((await listCases(deps, { unitIds: ['CB-SYT-VP'], includeStepUnits: true })).items).toEqual([]);
    });
  });
}

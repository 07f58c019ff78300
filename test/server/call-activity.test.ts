import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceDeps } from '../../server/app.ts';
import { testClock } from '../../server/clock.ts';
import { caseDetail, completeStep, receiveCase } from '../../server/services/cases.ts';
import type { ServiceDeps } from '../../server/services/context.ts';
import { deployProcedures } from '../../server/services/procedures.ts';
import { repoFile } from '../helpers/app.ts';
import { DIALECTS, createTestDb } from '../helpers/db.ts';
import type { TestDb } from '../helpers/db.ts';

for (const dialect of DIALECTS) {
  describe(`${dialect}: call activity (liên thông)`, () => {
    let db: TestDb;
    let deps: ServiceDeps;
    beforeEach(async () => {
      db = await createTestDb(dialect);
      deps = serviceDeps({ db, clock: testClock('2026-03-02T08:00:00+07:00') });
      const deployed = await deployProcedures(deps, { username: 'test' }, repoFile('test/fixtures/bpmn/call-activity.part.bpmn'));
      expect(deployed.map((d) => d.processId).sort()).toEqual(['P_child', 'P_parent']);
    });
    afterEach(async () => {
      await db.dispose();
    });

    it('should start a child case and continue the parent when the child ends', async () => {
      const actor = { username: 'motcua' };
      const parentId = await receiveCase(deps, actor, { processId: 'P_parent', applicant: { name: 'Đặng Văn Em' }, channel: 'online', unitId: 'CB-TTPVHCC' });
      await completeStep(deps, actor, parentId, 'Task_Receive', {});

      const child = await db.db.selectFrom('cases').select(['id', 'process_id', 'parent_step_key']).where('parent_case_id', '=', parentId).executeTakeFirstOrThrow();
      expect(child).toMatchObject({ process_id: 'P_child', parent_step_key: 'Call_Province' });
      expect((await caseDetail(deps, parentId)).active).toEqual(['Call_Province']);

      await completeStep(deps, actor, child.id, 'Child_Task', {});
      expect((await caseDetail(deps, child.id)).endedAt).not.toBeNull();
      const parent = await caseDetail(deps, parentId);
      expect(parent.openSteps.map((s) => s.elementId)).toEqual(['Task_Return']);
    });
  });
}

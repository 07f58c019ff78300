import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advanceCase, compileProcess, readProcedure, retargetSnapshot, startCase } from '../../engine/index.ts';
import type { CompiledProcess } from '../../engine/index.ts';
import { repoFile, startTestServer } from '../helpers/app.ts';
import type { Client, TestServer } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

const V1 = repoFile('processes/thin-slice/thin-slice.bpmn');
// v2 replaces the specialist's step Task_Handle by Task_Review: a case at Task_Handle cannot move,
// a case before it moves and then takes the new step.
const V2 = V1.replaceAll('Task_Handle', 'Task_Review').replace('name="Thụ lý giải quyết; trình lãnh đạo"', 'name="Thẩm định hồ sơ; trình lãnh đạo"');
const HOUR = 3_600_000;

interface Detail { id: string; code: string; caseVersion: number; version: number; endedAt: string | null; openSteps: { stepKey: string; elementId: string }[]; history: { type: string; data?: Record<string, unknown>; actor?: string }[] }

const NOW = '2026-03-02T08:00:00+07:00';

async function compile(body: string): Promise<CompiledProcess> {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:qt="https://quytrinh.dev/schema/bpmn/1.0" id="D" targetNamespace="https://quytrinh.dev/test"><bpmn:process id="p" isExecutable="true">${body}</bpmn:process></bpmn:definitions>`;
  const { definitions } = await readProcedure(xml);
  const { compiled, diagnostics } = compileProcess(definitions, 'p');
  if (!compiled) throw new Error(JSON.stringify(diagnostics));
  return compiled;
}

const flow = (id: string, from: string, to: string): string => `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`;
// s → a → b → e
const SEQUENCE = `<bpmn:startEvent id="s"/><bpmn:userTask id="a"/><bpmn:userTask id="b"/><bpmn:endEvent id="e"/>${flow('f1', 's', 'a')}${flow('f2', 'a', 'b')}${flow('f3', 'b', 'e')}`;
// s → fork → (a ∥ c) → join → b → e
const PARALLEL = `<bpmn:startEvent id="s"/><bpmn:parallelGateway id="fork"/><bpmn:userTask id="a"/><bpmn:userTask id="c"/><bpmn:parallelGateway id="join"/><bpmn:userTask id="b"/><bpmn:endEvent id="e"/>${flow('f1', 's', 'fork')}${flow('fa', 'fork', 'a')}${flow('fc', 'fork', 'c')}${flow('ja', 'a', 'join')}${flow('jc', 'c', 'join')}${flow('f4', 'join', 'b')}${flow('f5', 'b', 'e')}`;

describe('retargetSnapshot', () => {
  it('should keep the state value and context and take the target hash when the position exists unchanged', async () => {
    const v1 = await compile(PARALLEL);
    // v2 inserts step d after the join
    const v2 = await compile(PARALLEL.replace('<bpmn:userTask id="b"/>', '<bpmn:userTask id="b"/><bpmn:userTask id="d"/>').replace(flow('f4', 'join', 'b'), `${flow('f4', 'join', 'd')}${flow('fd', 'd', 'b')}`));
    const started = startCase(v1, { data: { hoTen: 'Nguyễn Văn An' }, now: NOW });

    const moved = retargetSnapshot(v1, v2, started.snapshot);

    expect(moved.ok).toBe(true);
    if (!moved.ok) return;
    expect(moved.snapshot.definitionHash).toBe(v2.hash);
    expect(moved.snapshot.machine).toEqual(started.snapshot.machine);
    const afterA = advanceCase(v2, moved.snapshot, { type: 'COMPLETE', stepKey: 'a' }, NOW);
    const afterC = advanceCase(v2, afterA.snapshot, { type: 'COMPLETE', stepKey: 'c' }, NOW);
    expect(afterC.openSteps.map((s) => s.elementId)).toEqual(['d']);
    expect(afterC.data).toEqual({ hoTen: 'Nguyễn Văn An' });
  });

  it('should name the active elements the target lacks', async () => {
    const v1 = await compile(PARALLEL);
    const v2 = await compile(SEQUENCE);
    const moved = retargetSnapshot(v1, v2, startCase(v1, { now: NOW }).snapshot);
    expect(moved).toMatchObject({ ok: false, active: ['a', 'c'], blockers: [{ code: 'ELEMENT_MISSING', elementIds: ['c'] }] });
  });

  it('should refuse an active step that became another kind of task', async () => {
    const v1 = await compile(SEQUENCE);
    const v2 = await compile(SEQUENCE.replace('<bpmn:userTask id="a"/>', '<bpmn:serviceTask id="a"/>'));
    expect(retargetSnapshot(v1, v2, startCase(v1, { now: NOW }).snapshot)).toMatchObject({ ok: false, blockers: [{ code: 'KIND_CHANGED', elementIds: ['a'] }] });
  });

  it('should refuse an open step whose outcomes changed', async () => {
    const v1 = await compile(SEQUENCE.replace('<bpmn:userTask id="a"/>', '<bpmn:userTask id="a" qt:outcomes="accept,refuse"/>'));
    const v2 = await compile(SEQUENCE.replace('<bpmn:userTask id="a"/>', '<bpmn:userTask id="a" qt:outcomes="accept,supplement"/>'));
    expect(retargetSnapshot(v1, v2, startCase(v1, { now: NOW }).snapshot)).toMatchObject({ ok: false, blockers: [{ code: 'STEP_CHANGED', elementIds: ['a'] }] });
  });

  it('should refuse when the target would wait for a timer the case never scheduled', async () => {
    const v1 = await compile(SEQUENCE);
    const v2 = await compile(`${SEQUENCE}<bpmn:boundaryEvent id="t" attachedToRef="a"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>${flow('ft', 't', 'b')}`);
    const moved = retargetSnapshot(v1, v2, startCase(v1, { now: NOW }).snapshot);
    expect(moved).toMatchObject({ ok: false, blockers: [{ code: 'WAITS_DIFFER' }] });
    expect(moved.ok ? '' : moved.blockers[0]!.message).toMatch(/timers/);
  });

  it('should refuse a position that moved inside a sub-process', async () => {
    const v1 = await compile(SEQUENCE);
    const v2 = await compile(`<bpmn:startEvent id="s"/><bpmn:subProcess id="sp"><bpmn:startEvent id="s2"/><bpmn:userTask id="a"/><bpmn:endEvent id="e2"/>${flow('g1', 's2', 'a')}${flow('g2', 'a', 'e2')}</bpmn:subProcess><bpmn:userTask id="b"/><bpmn:endEvent id="e"/>${flow('f1', 's', 'sp')}${flow('f2', 'sp', 'b')}${flow('f3', 'b', 'e')}`);
    expect(retargetSnapshot(v1, v2, startCase(v1, { now: NOW }).snapshot)).toMatchObject({ ok: false, blockers: [{ code: 'STATE_UNRESOLVABLE', elementIds: ['a'] }] });
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: case migration to a newer procedure version`, () => {
    let server: TestServer;
    let designer: Client;
    let desk: Client;
    beforeEach(async () => {
      server = await startTestServer(dialect, { now: '2026-03-02T08:00:00+07:00' });
      designer = await server.login('thietke');
      desk = await server.login('motcua');
    });
    afterEach(async () => {
      await server.dispose();
    });

    async function receive(name: string): Promise<Detail> {
      const res = await desk.post('/api/cases', { processId: 'thin-slice', applicant: { name }, channel: 'desk', unitId: 'CB-TTPVHCC' });
      expect(res.status).toBe(201);
      return res.body as Detail;
    }

    async function complete(username: string, detail: Detail, elementId: string): Promise<Detail> {
      server.clock.advance(HOUR);
      const officer = await server.login(username);
      const step = detail.openSteps.find((s) => s.elementId === elementId);
      expect(step, `${elementId} open on ${detail.code}`).toBeDefined();
      const res = await officer.post(`/api/cases/${detail.id}/steps/${step!.stepKey}/complete`, { caseVersion: detail.caseVersion });
      expect(res.status, res.text).toBe(200);
      return res.body as Detail;
    }

    /** Three open cases on v1 (at Task_Receive, Task_Handle, Task_Approve), then v2 deployed. */
    async function threeCasesThenV2(): Promise<{ atReceive: Detail; atHandle: Detail; atApprove: Detail }> {
      expect((await designer.postXml('/api/procedures', V1)).body).toMatchObject({ version: 1 });
      const atReceive = await receive('Nguyễn Văn An');
      const atHandle = await complete('motcua', await receive('Trần Thị Bình'), 'Task_Receive');
      const atApprove = await complete('chuyenvien', await complete('motcua', await receive('Lê Văn Cường'), 'Task_Receive'), 'Task_Handle');
      expect((await designer.postXml('/api/procedures', V2)).body).toMatchObject({ version: 2, created: true });
      return { atReceive, atHandle, atApprove };
    }

    async function snapshotOfDb(): Promise<unknown> {
      const cases = await server.db.db.selectFrom('cases').select(['id', 'version', 'case_version', 'snapshot']).orderBy('id').execute();
      const audit = await server.db.db.selectFrom('audit_events').select(['case_id', 'seq']).orderBy('case_id').orderBy('seq').execute();
      return { cases, audit };
    }

    it('should report in a dry run which open cases can move and why the others cannot, changing nothing', async () => {
      const { atReceive, atHandle, atApprove } = await threeCasesThenV2();
      const before = await snapshotOfDb();

      const plan = await designer.get('/api/procedures/thin-slice/migrations/plan?from=1&to=2');

      expect(plan.status, plan.text).toBe(200);
      expect(plan.body).toMatchObject({ processId: 'thin-slice', fromVersion: 1, toVersion: 2, movable: 2, blocked: 1 });
      expect(plan.body.fromHash).not.toBe(plan.body.toHash);
      const byId = new Map(plan.body.cases.map((c: { caseId: string }) => [c.caseId, c]));
      expect(byId.get(atReceive.id)).toMatchObject({ movable: true, active: ['Task_Receive'], blockers: [] });
      expect(byId.get(atApprove.id)).toMatchObject({ movable: true, active: ['Task_Approve'] });
      expect(byId.get(atHandle.id)).toMatchObject({ movable: false, active: ['Task_Handle'], blockers: [{ code: 'ELEMENT_MISSING', elementIds: ['Task_Handle'] }] });
      expect(await snapshotOfDb()).toEqual(before);

      // a chosen list: unknown ids are reported, not guessed
      const chosen = await designer.post('/api/procedures/thin-slice/migrations/plan', { from: 1, to: 2, caseIds: [atHandle.id, 'no-such-case'] });
      expect(chosen.status, chosen.text).toBe(200);
      expect(chosen.body.cases.map((c: { caseId: string }) => c.caseId)).toEqual([atHandle.id]);
      expect(chosen.body.skipped).toEqual([{ caseId: 'no-such-case', reason: 'NOT_FOUND' }]);
    });

    it('should move only the movable cases, audit each move so the chain verifies, and follow v2 afterwards', async () => {
      const { atReceive, atHandle, atApprove } = await threeCasesThenV2();

      const applied = await designer.post('/api/procedures/thin-slice/migrations', { fromVersion: 1, toVersion: 2 });

      expect(applied.status, applied.text).toBe(200);
      expect(applied.body.migrated.map((m: { caseId: string }) => m.caseId).sort()).toEqual([atReceive.id, atApprove.id].sort());
      expect(applied.body.blocked).toEqual([expect.objectContaining({ caseId: atHandle.id, blockers: [expect.objectContaining({ code: 'ELEMENT_MISSING' })] })]);
      expect(applied.body.stale).toEqual([]);

      const moved = (await desk.get(`/api/cases/${atReceive.id}`)).body as Detail;
      expect(moved.version).toBe(2);
      expect(moved.caseVersion).toBe(atReceive.caseVersion + 1);
      const event = moved.history.find((e) => e.type === 'case.migrated');
      expect(event).toMatchObject({ actor: 'thietke', data: { fromVersion: 1, toVersion: 2, fromHash: applied.body.fromHash, toHash: applied.body.toHash } });
      const untouched = (await desk.get(`/api/cases/${atHandle.id}`)).body as Detail;
      expect(untouched).toMatchObject({ version: 1, caseVersion: atHandle.caseVersion });
      expect(untouched.history.some((e) => e.type === 'case.migrated')).toBe(false);

      const reviewer = await server.login('kiemsoat');
      const verified = await reviewer.get('/api/audit/verify');
      expect(verified.status).toBe(200);
      expect(verified.body.ok).toBe(true);

      // the moved case takes v2's new step after the one it was at, and ends
      const afterReceive = await complete('motcua', moved, 'Task_Receive');
      expect(afterReceive.openSteps.map((s) => s.elementId)).toEqual(['Task_Review']);
      const ended = await complete('giamdoc', await complete('chuyenvien', afterReceive, 'Task_Review'), 'Task_Approve');
      expect(ended.endedAt).not.toBeNull();
      // the blocked case still runs on v1's path
      expect((await complete('chuyenvien', untouched, 'Task_Handle')).openSteps.map((s) => s.elementId)).toEqual(['Task_Approve']);
      expect((await reviewer.get('/api/audit/verify')).body.ok).toBe(true);

      // once past the removed step, the blocked case can move too
      const again = await designer.post('/api/procedures/thin-slice/migrations', { fromVersion: 1, toVersion: 2 });
      expect(again.body.migrated.map((m: { caseId: string }) => m.caseId)).toEqual([atHandle.id]);
      expect(again.body.blocked).toEqual([]);
    });

    it('should refuse a case that changed since the plan was read and leave it untouched', async () => {
      const { atReceive, atApprove } = await threeCasesThenV2();
      const plan = await designer.get('/api/procedures/thin-slice/migrations/plan?from=1&to=2');
      const seen: Record<string, number> = Object.fromEntries(plan.body.cases.map((c: { caseId: string; caseVersion: number }) => [c.caseId, c.caseVersion]));
      const changed = await complete('motcua', atReceive, 'Task_Receive');

      const applied = await designer.post('/api/procedures/thin-slice/migrations', { fromVersion: 1, toVersion: 2, caseIds: [atReceive.id, atApprove.id], expectedCaseVersions: seen });

      expect(applied.status, applied.text).toBe(200);
      expect(applied.body.stale).toEqual([{ caseId: atReceive.id, code: atReceive.code, currentVersion: changed.caseVersion }]);
      expect(applied.body.migrated.map((m: { caseId: string }) => m.caseId)).toEqual([atApprove.id]);
      expect((await desk.get(`/api/cases/${atReceive.id}`)).body).toMatchObject({ version: 1, caseVersion: changed.caseVersion });
    });

    it('should describe the migration routes in the OpenAPI document', async () => {
      const doc = (await (await server.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
      expect(Object.keys(doc.paths['/procedures/{processId}/migrations/plan'] ?? {})).toEqual(['get', 'post']);
      expect(Object.keys(doc.paths['/procedures/{processId}/migrations'] ?? {})).toEqual(['post']);
    });

    it('should refuse officers and invalid requests without changing anything', async () => {
      await threeCasesThenV2();
      const before = await snapshotOfDb();

      expect((await desk.get('/api/procedures/thin-slice/migrations/plan?from=1&to=2')).status).toBe(403);
      const officer = await desk.post('/api/procedures/thin-slice/migrations', { fromVersion: 1, toVersion: 2 });
      expect(officer.status).toBe(403);
      expect(officer.body.code).toBe('FORBIDDEN');
      const backwards = await designer.post('/api/procedures/thin-slice/migrations', { fromVersion: 2, toVersion: 1 });
      expect(backwards.status).toBe(400);
      const missing = await designer.post('/api/procedures/thin-slice/migrations', { fromVersion: 1, toVersion: 3 });
      expect(missing.status).toBe(404);
      expect((await designer.post('/api/procedures/thin-slice/migrations', { fromVersion: 1 })).status).toBe(400);
      expect((await designer.post('/api/procedures/thin-slice/versions/2/retire')).status).toBe(204);
      const retired = await designer.post('/api/procedures/thin-slice/migrations', { fromVersion: 1, toVersion: 2 });
      expect(retired.status).toBe(409);
      expect(retired.body.code).toBe('NOT_ALLOWED');

      expect(await snapshotOfDb()).toEqual(before);
    });
  });
}

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlowNode, ProcessModel, SequenceFlow, TaskNode } from '../../../engine/bpmn/model.ts';
import { parseBpmn } from '../../../engine/index.ts';
import { createCalendar } from '../../../engine/calendar/calendar.ts';
import { VN_CIVIL_SERVICE } from '../../../engine/calendar/data/vietnam.ts';
import type { Norm } from '../../../engine/calendar/norm.ts';
import { planProcedure } from '../../../engine/calendar/plan.ts';

const calendar = createCalendar(VN_CIVIL_SERVICE);
const iso = (s: string) => `${s}:00.000+07:00`;
const wd = (amount: number): Norm => ({ amount, unit: 'workingDays' });
const wh = (amount: number): Norm => ({ amount, unit: 'workingHours' });

type StepRow = readonly [id: string, norm: Norm | undefined, outsideClock?: boolean];

function task(id: string, norm: Norm | undefined, outsideClock = false, extra: Partial<TaskNode> = {}): TaskNode {
  return { id, name: id, kind: 'UserTask', laneIds: [], incoming: [], outgoing: [], step: { ...(norm ? { norm } : {}), outcomes: [], outsideClock }, ...extra };
}

/** A process from nodes and [source, target] edges; incoming/outgoing are filled in. */
function processOf(nodes: FlowNode[], edges: readonly (readonly [string, string])[], deadline?: Norm): ProcessModel {
  const flows: SequenceFlow[] = edges.map(([sourceId, targetId], i) => ({ id: `f${i}`, sourceId, targetId }));
  const wired = nodes.map((n) => ({ ...n, incoming: flows.filter((f) => f.targetId === n.id).map((f) => f.id), outgoing: flows.filter((f) => f.sourceId === n.id).map((f) => f.id) })) as FlowNode[];
  return {
    id: 'p',
    isExecutable: true,
    procedure: { ...(deadline ? { deadline } : {}), cutoffs: { desk: '15:00', online: '17:00', post: undefined }, supplementMode: 'restart' },
    graph: { nodes: wired, flows },
    lanes: [],
  };
}

const start: FlowNode = { id: 'start', kind: 'StartEvent', laneIds: [], incoming: [], outgoing: [], trigger: { kind: 'none' }, interrupting: true };
const end: FlowNode = { id: 'end', kind: 'EndEvent', laneIds: [], incoming: [], outgoing: [], trigger: { kind: 'none' } };
const gateway = (id: string, kind: 'ParallelGateway' | 'ExclusiveGateway'): FlowNode => ({ id, kind, laneIds: [], incoming: [], outgoing: [] });

function sequence(rows: readonly StepRow[], deadline?: Norm): ProcessModel {
  const ids = ['start', ...rows.map((r) => r[0]), 'end'];
  return processOf([start, ...rows.map(([id, norm, outside]) => task(id, norm, outside)), end], ids.slice(1).map((id, i) => [ids[i]!, id] as const), deadline);
}

const dues = (model: ProcessModel, receivedAt: string) => planProcedure(model, receivedAt, calendar).steps.map((s) => [s.elementId, s.dueAt.toISO()]);

// domain.md §4.A: Cao Bằng 2022/QĐ-UBND, Quy trình số 01, 10 working days.
const CAO_BANG: StepRow[] = [
  ['B1', wd(0.5)],
  ['B2', wd(0.5)],
  ['B3', wd(7)],
  ['B4', wd(0.5)],
  ['B5', wd(1)],
  ['B6', wd(0.5)],
  ['B7', undefined, true],
];

// domain.md §4.B: Nghệ An 3854/QĐ-UBND, 96 working hours (commune 40 h, province 56 h).
const NGHE_AN: StepRow[] = [
  ['B1', wh(4)], ['B2', wh(4)], ['B3', wh(20)], ['B4', wh(4)], ['B5', wh(4)], ['B6', wh(4)],
  ['B7', wh(4)], ['B8', wh(4)], ['B9', wh(12)], ['B10', wh(16)], ['B11', wh(8)], ['B12', wh(4)], ['B13', wh(4)], ['B14', wh(4)],
  ['B15', undefined, true],
];

describe('procedure plan', () => {
  it('should plan the Cao Bằng step table from a Monday-morning receipt', () => {
    const model = sequence(CAO_BANG, wd(10));
    // 4 h, 4 h, 56 h, 4 h, 8 h, 4 h from Mon 02/03/2026 07:30; step 7 (return) is outside the clock.
    expect(dues(model, '2026-03-02T07:30')).toEqual([
      ['B1', iso('2026-03-02T11:30')],
      ['B2', iso('2026-03-02T17:00')],
      ['B3', iso('2026-03-11T17:00')],
      ['B4', iso('2026-03-12T11:30')],
      ['B5', iso('2026-03-13T11:30')],
      ['B6', iso('2026-03-13T17:00')],
    ]);
    expect(planProcedure(model, '2026-03-02T07:30', calendar).appointment.toISO()).toBe(iso('2026-03-13T17:00'));
  });

  it('should plan the Cao Bằng step table across Tết for a receipt after the cut-off', () => {
    const plan = planProcedure(sequence(CAO_BANG, wd(10)), '2026-02-12T15:30', calendar);
    expect(plan.effectiveStart.toISO()).toBe(iso('2026-02-13T07:30'));
    expect(plan.steps.map((s) => [s.elementId, s.startAt.toISO(), s.dueAt.toISO()])).toEqual([
      ['B1', iso('2026-02-13T07:30'), iso('2026-02-13T11:30')],
      ['B2', iso('2026-02-13T11:30'), iso('2026-02-13T17:00')],
      // Tết 16–20/02: seven working days are 23, 24, 25, 26, 27/02, 02 and 03/03.
      ['B3', iso('2026-02-13T17:00'), iso('2026-03-03T17:00')],
      ['B4', iso('2026-03-03T17:00'), iso('2026-03-04T11:30')],
      ['B5', iso('2026-03-04T11:30'), iso('2026-03-05T11:30')],
      ['B6', iso('2026-03-05T11:30'), iso('2026-03-05T17:00')],
    ]);
    expect(plan.appointment.toISO()).toBe(iso('2026-03-05T17:00'));
    expect(plan.deadlineDueAt?.toISO()).toBe(plan.pathEnd.toISO());
  });

  it('should plan the Nghệ An step table across the worked Saturday and the Quốc khánh break of 2026', () => {
    const model = sequence(NGHE_AN, wh(96));
    expect(dues(model, '2026-08-17T09:00')).toEqual([
      ['B1', iso('2026-08-17T14:30')],
      ['B2', iso('2026-08-18T09:00')],
      ['B3', iso('2026-08-20T14:30')],
      ['B4', iso('2026-08-21T09:00')],
      ['B5', iso('2026-08-21T14:30')],
      // Commune total 40 h ends on Saturday 22/08, a worked day (9441/TB-BNV).
      ['B6', iso('2026-08-22T09:00')],
      ['B7', iso('2026-08-22T14:30')],
      ['B8', iso('2026-08-24T09:00')],
      ['B9', iso('2026-08-25T14:30')],
      ['B10', iso('2026-08-27T14:30')],
      ['B11', iso('2026-08-28T14:30')],
      // 29–30/08 weekend, 31/08 swapped off, 01–02/09 Quốc khánh.
      ['B12', iso('2026-09-03T09:00')],
      ['B13', iso('2026-09-03T14:30')],
      ['B14', iso('2026-09-04T09:00')],
    ]);
    expect(planProcedure(model, '2026-08-17T09:00', calendar).appointment.toISO()).toBe(iso('2026-09-04T09:00'));
  });

  it('should wait for the latest branch of a parallel split and take the longest exclusive branch', () => {
    const nodes = [start, gateway('split', 'ParallelGateway'), task('short', wh(4)), task('long', wd(2)), gateway('join', 'ParallelGateway'), gateway('choice', 'ExclusiveGateway'), task('quick', wh(1)), task('slow', wh(12)), gateway('merge', 'ExclusiveGateway'), task('sign', wh(4)), end];
    const edges = [
      ['start', 'split'], ['split', 'short'], ['split', 'long'], ['short', 'join'], ['long', 'join'], ['join', 'choice'],
      ['choice', 'quick'], ['choice', 'slow'], ['quick', 'merge'], ['slow', 'merge'], ['merge', 'sign'], ['sign', 'end'],
    ] as const;
    const plan = planProcedure(processOf(nodes, edges), '2026-03-02T07:30', calendar);
    const byId = new Map(plan.steps.map((s) => [s.elementId, s]));
    expect(byId.get('short')?.dueAt.toISO()).toBe(iso('2026-03-02T11:30'));
    expect(byId.get('long')?.dueAt.toISO()).toBe(iso('2026-03-03T17:00'));
    expect(byId.get('slow')?.dueAt.toISO()).toBe(iso('2026-03-05T11:30'));
    expect(byId.get('sign')?.startAt.toISO()).toBe(iso('2026-03-05T11:30'));
    expect(plan.appointment.toISO()).toBe(iso('2026-03-05T17:00'));
  });

  it('should run a sequential multi-instance step once per instance and a parallel one once', () => {
    const review = (sequential: boolean, cardinality: string) => task('review', wh(4), false, { multiInstance: { sequential, cardinality } });
    const plan = (node: FlowNode) => planProcedure(processOf([start, node, end], [['start', 'review'], ['review', 'end']]), '2026-03-02T07:30', calendar).appointment.toISO();
    expect(plan(review(true, '3'))).toBe(iso('2026-03-03T11:30'));
    expect(plan(review(false, '3'))).toBe(iso('2026-03-02T11:30'));
    expect(plan(review(true, 'count(units)'))).toBe(iso('2026-03-02T11:30'));
  });

  it('should delay the steps after a timer by its duration in elapsed time', () => {
    const timer = (expression: string, stopsClock = false): FlowNode => ({ id: 'wait', kind: 'IntermediateCatchEvent', laneIds: [], incoming: [], outgoing: [], trigger: { kind: 'timer', timer: { kind: 'duration', expression } }, stopsClock });
    const model = (node: FlowNode) => processOf([start, task('a', wh(4)), node, task('b', wh(4)), end], [['start', 'a'], ['a', 'wait'], ['wait', 'b'], ['b', 'end']]);
    // a ends Mon 02/03 11:30; P2D → Wed 04/03 11:30, then b 4 h in the afternoon → 17:00.
    expect(planProcedure(model(timer('P2D')), '2026-03-02T07:30', calendar).appointment.toISO()).toBe(iso('2026-03-04T17:00'));
    // PT1H → 12:30 (lunch), b from 13:00 → 17:00.
    expect(planProcedure(model(timer('PT1H')), '2026-03-02T07:30', calendar).appointment.toISO()).toBe(iso('2026-03-02T17:00'));
    // While the applicant's clock is stopped the wait takes no time in the plan.
    expect(planProcedure(model(timer('P2D', true)), '2026-03-02T07:30', calendar).appointment.toISO()).toBe(iso('2026-03-02T17:00'));
  });

  it('should ignore the loop back of a return-for-rework path', () => {
    const nodes = [start, task('handle', wd(1)), task('review', wh(4)), gateway('ok', 'ExclusiveGateway'), end];
    const edges = [['start', 'handle'], ['handle', 'review'], ['review', 'ok'], ['ok', 'handle'], ['ok', 'end']] as const;
    const plan = planProcedure(processOf(nodes, edges), '2026-03-02T07:30', calendar);
    expect(plan.steps.map((s) => [s.elementId, s.dueAt.toISO()])).toEqual([
      ['handle', iso('2026-03-02T17:00')],
      ['review', iso('2026-03-03T11:30')],
    ]);
  });

  it('should give no time to a step without norm or to a wait on which the clock stops, and apply the channel cut-off', () => {
    const wait = task('waitSupplement', undefined, false, { kind: 'ReceiveTask', stopsClock: true, messageName: 'supplement' });
    const model = processOf([start, task('check', undefined), wait, task('handle', wh(8)), end], [['start', 'check'], ['check', 'waitSupplement'], ['waitSupplement', 'handle'], ['handle', 'end']]);
    const desk = planProcedure(model, '2026-03-02T16:00', calendar);
    expect(desk.steps.map((s) => [s.elementId, s.norm, s.dueAt.toISO()])).toEqual([
      ['check', undefined, iso('2026-03-03T07:30')],
      ['handle', wh(8), iso('2026-03-03T17:00')],
    ]);
    const online = planProcedure(model, '2026-03-02T16:00', calendar, { channel: 'online' });
    expect(online.cutoff).toBe('17:00');
    expect(online.effectiveStart.toISO()).toBe(iso('2026-03-02T16:00'));
  });

  it('should plan the steps of an embedded sub-process and use its own norm when it has one', () => {
    const inner = processOf([{ ...start, id: 'innerStart' }, task('a', wh(4)), task('b', wh(4)), { ...end, id: 'innerEnd' }], [['innerStart', 'a'], ['a', 'b'], ['b', 'innerEnd']]).graph;
    const sub = (norm?: Norm): FlowNode => ({ id: 'sub', kind: 'SubProcess', laneIds: [], incoming: [], outgoing: [], triggeredByEvent: false, step: { ...(norm ? { norm } : {}), outcomes: [], outsideClock: false }, graph: inner });
    const withoutNorm = planProcedure(processOf([start, sub(), task('after', wh(1)), end], [['start', 'sub'], ['sub', 'after'], ['after', 'end']]), '2026-03-02T07:30', calendar);
    expect(withoutNorm.steps.map((s) => [s.elementId, s.scopeId, s.dueAt.toISO()])).toEqual([
      ['a', 'sub', iso('2026-03-02T11:30')],
      ['b', 'sub', iso('2026-03-02T17:00')],
      ['sub', undefined, iso('2026-03-02T17:00')],
      ['after', undefined, iso('2026-03-03T08:30')],
    ]);
    const withNorm = planProcedure(processOf([start, sub(wd(2)), end], [['start', 'sub'], ['sub', 'end']]), '2026-03-02T07:30', calendar);
    expect(withNorm.steps.find((s) => s.elementId === 'sub')?.dueAt.toISO()).toBe(iso('2026-03-03T17:00'));
  });
});

describe('procedure plan: call activities', () => {
  const call = (calledElement: string): FlowNode => ({ id: 'call', name: 'call', kind: 'CallActivity', calledElement, laneIds: [], incoming: [], outgoing: [], step: { outcomes: [], outsideClock: false } });
  const parent = processOf([start, call('child'), task('after', wh(1)), end], [['start', 'call'], ['call', 'after'], ['after', 'end']]);

  it('should give a call activity without norm the longest path of the called procedure', () => {
    const child = { ...sequence([['c1', wh(4)], ['c2', wh(4)]]), id: 'child' };
    const plan = planProcedure(parent, '2026-03-02T07:30', calendar, { resolveCalled: (id) => (id === 'child' ? child : undefined) });
    expect(plan.steps.map((s) => [s.elementId, s.dueAt.toISO()])).toEqual([
      ['call', iso('2026-03-02T17:00')],
      ['after', iso('2026-03-03T08:30')],
    ]);
  });

  it('should prefer the called procedure\'s published deadline, and stop at a procedure calling itself', () => {
    const child = { ...sequence([['c1', wh(4)]], wd(2)), id: 'child' };
    const withDeadline = planProcedure(parent, '2026-03-02T07:30', calendar, { resolveCalled: () => child });
    expect(withDeadline.steps[0]?.dueAt.toISO()).toBe(iso('2026-03-03T17:00'));
    const selfCalling = { ...parent, id: 'child' };
    const loop = planProcedure(selfCalling, '2026-03-02T07:30', calendar, { resolveCalled: () => selfCalling });
    expect(loop.steps[0]?.dueAt.toISO()).toBe(iso('2026-03-02T07:30'));
  });
});

describe('procedure plan on processes/', () => {
  const read = async (file: string) => (await parseBpmn(readFileSync(join(import.meta.dirname, '../../../processes', file), 'utf8'))).definitions.processes;

  it('should plan the Cao Bằng 1.001806 diagram like its published table', async () => {
    const [model] = await read('cao-bang-1.001806/cao-bang-1.001806.bpmn');
    const plan = planProcedure(model!, '2026-03-02T07:30', calendar);
    expect(plan.steps.map((s) => s.dueAt.toISO())).toEqual(dues(sequence(CAO_BANG), '2026-03-02T07:30').map(([, due]) => due));
    expect(plan.appointment.toISO()).toBe(iso('2026-03-13T17:00'));
  });

  it('should plan the Nghệ An commune diagram with the province as a 56-hour call activity', async () => {
    const [model] = await read('nghe-an-2.002755/nghe-an-2.002755.bpmn');
    const plan = planProcedure(model!, '2026-08-17T09:00', calendar);
    expect(plan.steps.slice(0, 6).map((s) => s.dueAt.toISO())).toEqual(dues(sequence(NGHE_AN), '2026-08-17T09:00').slice(0, 6).map(([, due]) => due));
    expect(plan.steps.at(-1)?.kind).toBe('CallActivity');
    expect(plan.appointment.toISO()).toBe(iso('2026-09-04T09:00'));
  });

  it('should fit the step norms of every shipped procedure within its published deadline', async () => {
    const files = readdirSync(join(import.meta.dirname, '../../../processes'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.bpmn'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      for (const model of await read(file)) {
        if (!model.isExecutable || !model.procedure.deadline) continue;
        // Received on a Monday morning before Tết 2026, so the plan crosses the longest break.
        const plan = planProcedure(model, '2026-02-09T07:30', calendar);
        expect({ file, process: model.id, pathEnd: plan.pathEnd.toISO(), fits: plan.pathEnd <= plan.deadlineDueAt! }).toMatchObject({ fits: true });
      }
    }
  });
});

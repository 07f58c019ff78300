/**
 * Element behaviours that the one-file fixtures do not reach: multi-instance services and call
 * activities, error start event sub-processes, implicit starts, non-interrupting event
 * sub-processes repeating, and the effects each emits.
 */
import { describe, it, expect } from 'vitest';
import { compileProcess } from '../../../engine/compile/compile.ts';
import { advanceCase, startCase } from '../../../engine/runtime/step.ts';
import type { CompiledProcess } from '../../../engine/compile/types.ts';
import type { DefinitionsModel } from '../../../engine/bpmn/model.ts';
import { definitions, start, user, end, service, callActivity, subProcess, message, boundary } from '../compile/ir.ts';
import { dryRun } from '../../../engine/runtime/dry-run.ts';

const NOW = '2026-03-02T09:00:00+07:00';

function compile(defs: DefinitionsModel): CompiledProcess {
  const { compiled, diagnostics } = compileProcess(defs);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return compiled!;
}

describe('multi-instance call activity', () => {
  it('should request one child case per item with the item under the element variable', () => {
    const call = { ...callActivity('Ask', 'Opinion'), multiInstance: { sequential: false, collection: 'units', elementVariable: 'unit' } };
    const compiled = compile(definitions([start('S'), call, end('E')], [['S', 'Ask'], ['Ask', 'E']]));
    const started = startCase(compiled, { data: { units: ['Công an', 'Thuế'] }, now: NOW });
    const requests = started.effects.filter((e) => e.type === 'childCaseRequested');
    expect(requests).toEqual([
      { type: 'childCaseRequested', stepKey: 'Ask#1', elementId: 'Ask', calledElement: 'Opinion', data: { units: ['Công an', 'Thuế'], unit: 'Công an' } },
      { type: 'childCaseRequested', stepKey: 'Ask#2', elementId: 'Ask', calledElement: 'Opinion', data: { units: ['Công an', 'Thuế'], unit: 'Thuế' } },
    ]);
    const one = advanceCase(compiled, started.snapshot, { type: 'CHILD_ENDED', stepKey: 'Ask#2', endEventId: 'Done' }, NOW);
    expect(one.waiting?.children.map((c) => c.stepKey)).toEqual(['Ask#1']);
    expect(() => advanceCase(compiled, one.snapshot, { type: 'CHILD_ENDED', stepKey: 'Ask#2', endEventId: 'Done' }, NOW)).toThrow(/not allowed/);
    const both = advanceCase(compiled, one.snapshot, { type: 'CHILD_ENDED', stepKey: 'Ask#1', endEventId: 'Done' }, NOW);
    expect(both.ended?.endEventId).toBe('E');
  });
});

describe('sequential multi-instance service task', () => {
  it('should request the handler once per item, one after another', () => {
    const svc = { ...service('Notify', 'notifyUnit'), multiInstance: { sequential: true, cardinality: '2' } };
    const compiled = compile(definitions([start('S'), svc, end('E')], [['S', 'Notify'], ['Notify', 'E']]));
    const started = startCase(compiled, { data: {}, now: NOW });
    expect(started.effects.filter((e) => e.type === 'serviceRequested')).toEqual([{ type: 'serviceRequested', stepKey: 'Notify#1', elementId: 'Notify', kind: 'ServiceTask', handler: 'notifyUnit' }]);
    const second = advanceCase(compiled, started.snapshot, { type: 'SERVICE_DONE', stepKey: 'Notify#1' }, NOW);
    expect(second.effects.filter((e) => e.type === 'serviceRequested').map((e) => 'stepKey' in e && e.stepKey)).toEqual(['Notify#2']);
    expect(advanceCase(compiled, second.snapshot, { type: 'SERVICE_DONE', stepKey: 'Notify#2' }, NOW).ended?.endEventId).toBe('E');
  });
});

describe('error start event sub-process', () => {
  it('should catch a service error in its scope and end the case through it', () => {
    const handler = subProcess('OnError', [{ ...start('ErrStart', { kind: 'error', errorCode: 'DOWN' }) }, user('Manual'), end('ErrEnd')], [['ErrStart', 'Manual'], ['Manual', 'ErrEnd']], true);
    const compiled = compile(definitions([start('S'), service('Call', 'callRegistry'), end('E'), handler], [['S', 'Call'], ['Call', 'E']]));
    const started = startCase(compiled, { data: {}, now: NOW });
    const failed = advanceCase(compiled, started.snapshot, { type: 'SERVICE_DONE', stepKey: 'Call', errorCode: 'DOWN' }, NOW);
    expect(failed.active).toEqual(['OnError', 'Manual']);
    expect(advanceCase(compiled, failed.snapshot, { type: 'COMPLETE', stepKey: 'Manual' }, NOW).ended?.endEventId).toBe('ErrEnd');
    const ok = advanceCase(compiled, started.snapshot, { type: 'SERVICE_DONE', stepKey: 'Call' }, NOW);
    expect(ok.ended?.endEventId).toBe('E');
  });
});

describe('implicit start', () => {
  it('should start a process without start event at its one element without incoming flow', () => {
    const compiled = compile(definitions([user('Only')], []));
    const started = startCase(compiled, { data: {}, now: NOW });
    expect(started.active).toEqual(['Only']);
    const done = advanceCase(compiled, started.snapshot, { type: 'COMPLETE', stepKey: 'Only' }, NOW);
    expect(done.ended).toEqual({ endEventId: 'Process_1', result: 'completed' });
  });
});

describe('non-interrupting message event sub-process', () => {
  it('should run again for each message while the main flow goes on', () => {
    const remind = subProcess('OnQuery', [start('QStart', message('query'), false), user('Answer'), end('QEnd')], [['QStart', 'Answer'], ['Answer', 'QEnd']], true);
    const compiled = compile(definitions([start('S'), user('Main'), end('E'), remind], [['S', 'Main'], ['Main', 'E']]));
    let state = startCase(compiled, { data: {}, now: NOW });
    expect(state.effects).toContainEqual({ type: 'messageAwaited', name: 'query', elementId: 'QStart', stopsClock: false });
    state = advanceCase(compiled, state.snapshot, { type: 'MESSAGE', name: 'query' }, NOW);
    expect([...state.active].sort()).toEqual(['Answer', 'Main', 'OnQuery']);
    expect(() => advanceCase(compiled, state.snapshot, { type: 'MESSAGE', name: 'query' }, NOW)).toThrow(/not allowed/);
    state = advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: 'Answer' }, NOW);
    state = advanceCase(compiled, state.snapshot, { type: 'MESSAGE', name: 'query' }, NOW);
    expect(state.openSteps.map((s) => s.stepKey).sort()).toEqual(['Answer@2', 'Main']);
    state = advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: 'Answer@2' }, NOW);
    state = advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: 'Main' }, NOW);
    expect(state.ended?.endEventId).toBe('E');
  });
});

describe('lanes', () => {
  it('should take the role from the innermost lane and the unit from the nearest lane naming one', () => {
    const defs = definitions([start('S'), { ...user('A'), laneIds: ['Dept', 'Desk'] }, end('E')], [['S', 'A'], ['A', 'E']], {
      lanes: [
        { id: 'Dept', name: 'Sở Tư pháp', unit: 'STP', childLaneIds: ['Desk'] },
        { id: 'Desk', name: 'Bộ phận một cửa', role: 'officer', childLaneIds: [] },
      ],
    });
    const step = startCase(compile(defs), { data: {}, now: NOW }).openSteps[0];
    expect(step).toMatchObject({ role: 'officer', unit: 'STP' });
  });
});


describe('call activity ending in an error', () => {
  it('should take the error boundary of the call activity when the child case ended with that error', () => {
    const defs = definitions(
      [start('S'), callActivity('Call', 'Child'), boundary('Failed', 'Call', { kind: 'error', errorCode: 'REFUSED' }), end('E'), end('ERefused')],
      [['S', 'Call'], ['Call', 'E'], ['Failed', 'ERefused']]);
    const compiled = compile(defs);
    const started = startCase(compiled, { data: {}, now: NOW });
    expect(advanceCase(compiled, started.snapshot, { type: 'CHILD_ENDED', stepKey: 'Call', endEventId: 'ChildRefused', errorCode: 'REFUSED' }, NOW).ended?.endEventId).toBe('ERefused');
    expect(advanceCase(compiled, started.snapshot, { type: 'CHILD_ENDED', stepKey: 'Call', endEventId: 'ChildDone' }, NOW).ended?.endEventId).toBe('E');
    // The dry-run passes a child's error end on to the parent.
    const child = definitions([start('CS'), end('CE', { kind: 'error', errorCode: 'REFUSED' })], [['CS', 'CE']], { id: 'Child' });
    expect(dryRun(defs, { extraDefinitions: [child] }).endEvent).toBe('ERefused');
  });
});

describe('non-interrupting cycle timer', () => {
  it('should fire again after its path has run, while the host stays open', () => {
    const cycle = { kind: 'timer' as const, timer: { kind: 'cycle' as const, expression: 'R/P1D' } };
    const defs = definitions([start('S'), user('Handle'), boundary('Daily', 'Handle', cycle, false), user('Remind'), end('E'), end('Reminded')],
      [['S', 'Handle'], ['Handle', 'E'], ['Daily', 'Remind'], ['Remind', 'Reminded']]);
    const compiled = compile(defs);
    let state = startCase(compiled, { data: {}, now: NOW });
    for (let round = 1; round <= 2; round++) {
      expect(state.waiting?.timers.map((t) => t.timerKey)).toEqual(['Daily']);
      state = advanceCase(compiled, state.snapshot, { type: 'TIMER', timerKey: 'Daily' }, NOW);
      expect(state.waiting?.timers).toEqual([]);
      state = advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: round === 1 ? 'Remind' : 'Remind@2' }, NOW);
      expect(state.effects).toContainEqual({ type: 'timerScheduled', timerKey: 'Daily', elementId: 'Daily', timer: cycle.timer });
    }
    state = advanceCase(compiled, state.snapshot, { type: 'COMPLETE', stepKey: 'Handle' }, NOW);
    expect(state.ended?.endEventId).toBe('E');
  });
});

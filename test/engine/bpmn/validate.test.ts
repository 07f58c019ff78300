import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProcedure } from '../../../engine/bpmn/read.ts';
import { validateDefinitions } from '../../../engine/bpmn/validate.ts';
import type { DefinitionsModel } from '../../../engine/bpmn/model.ts';
import type { Diagnostic } from '../../../engine/diagnostics.ts';

const ERROR_FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'bpmn', 'error');

function definitions(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:qt="https://quytrinh.dev/schema/bpmn/1.0" id="Definitions_1">${body}</bpmn:definitions>`;
}

function process(body: string, executable = true): string {
  return definitions(`<bpmn:process id="Process_1" isExecutable="${executable}" qt:deadline="10" qt:deadlineUnit="workingDays">${body}</bpmn:process>`);
}

/** A start → body → end chain: `body` must contain elements "A" (entered) and "Z" (left). */
function chain(body: string): string {
  return process(`<bpmn:startEvent id="Start" /><bpmn:sequenceFlow id="F_in" sourceRef="Start" targetRef="A" />${body}<bpmn:sequenceFlow id="F_out" sourceRef="Z" targetRef="End" /><bpmn:endEvent id="End" />`);
}

const STEP = (id: string) => `<bpmn:userTask id="${id}" qt:norm="4" qt:normUnit="workingHours" qt:role="chuyen-vien" />`;

async function codes(xml: string): Promise<Array<[string, string, string | undefined]>> {
  const { diagnostics } = await readProcedure(xml);
  return diagnostics.map((d) => [d.severity, d.code, d.elementId]);
}

describe('validateDefinitions', () => {
  it('should find nothing to report in a sound procedure with norms and owners', async () => {
    const xml = chain(`${STEP('A')}<bpmn:sequenceFlow id="F1" sourceRef="A" targetRef="G" />
      <bpmn:exclusiveGateway id="G" default="F_return" />
      <bpmn:sequenceFlow id="F_ok" sourceRef="G" targetRef="Z"><bpmn:conditionExpression>outcome = "approve"</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="F_return" sourceRef="G" targetRef="A" />
      ${STEP('Z')}`);
    expect(await codes(xml)).toEqual([]);
  });

  it.each([
    ['duplicate-ids.bpmn', 'DUPLICATE_ID', 'Task_1'],
    ['missing-start-event.bpmn', 'MISSING_START', 'Process_1'],
    ['unreachable-end.bpmn', 'UNREACHABLE', 'End_Orphan'],
    ['dead-end-task.bpmn', 'DEAD_END', 'Task_1'],
    ['boundary-without-host.bpmn', 'BOUNDARY_WITHOUT_HOST', 'Boundary_1'],
    ['dangling-message-flow.bpmn', 'MESSAGE_FLOW_DANGLING', 'MessageFlow_1'],
    ['gateway-without-condition.bpmn', 'GATEWAY_FLOW_WITHOUT_CONDITION', 'Flow_Yes'],
    ['unsupported-expression.bpmn', 'UNSUPPORTED_EXPRESSION', 'Flow_Method'],
    ['empty-timer.bpmn', 'EMPTY_TIMER', 'Wait'],
    ['complex-gateway.bpmn', 'UNSUPPORTED_ELEMENT', 'Complex_1'],
    ['flow-crosses-scope.bpmn', 'FLOW_CROSSES_SCOPE', 'Flow_In'],
    ['event-gateway-to-task.bpmn', 'EVENT_GATEWAY_TARGET', 'Task_1'],
    ['overlapping-conditions.bpmn', 'OVERLAPPING_CONDITIONS', 'Gateway_1'],
    ['no-executable-process.bpmn', 'NO_EXECUTABLE_PROCESS', 'Definitions_1'],
    ['norm-without-unit.bpmn', 'NORM_UNIT_MISSING', 'Task_1'],
  ])('error fixture %s: should report %s on %s', async (file, code, elementId) => {
    const { diagnostics } = await readProcedure(readFileSync(join(ERROR_FIXTURES, file), 'utf8'));
    expect(diagnostics).toContainEqual(expect.objectContaining({ code, elementId, severity: 'error' }));
  });

  it('should report a second plain start event', async () => {
    const xml = process(`<bpmn:startEvent id="S1" /><bpmn:startEvent id="S2" /><bpmn:endEvent id="E" />
      <bpmn:sequenceFlow id="F1" sourceRef="S1" targetRef="E" /><bpmn:sequenceFlow id="F2" sourceRef="S2" targetRef="E" />`);
    expect(await codes(xml)).toEqual([['error', 'MULTIPLE_NONE_START', 'S2']]);
  });

  it('should report a loop with no way out, and no more than that', async () => {
    const xml = chain(`${STEP('A')}<bpmn:sequenceFlow id="F1" sourceRef="A" targetRef="B" />${STEP('B')}<bpmn:sequenceFlow id="F2" sourceRef="B" targetRef="A" />${STEP('Z')}`);
    expect(await codes(xml)).toEqual([
      ['error', 'UNREACHABLE', 'Z'],
      ['error', 'UNREACHABLE', 'End'],
      ['error', 'CANNOT_REACH_END', 'Start'],
      ['error', 'CANNOT_REACH_END', 'A'],
      ['error', 'CANNOT_REACH_END', 'B'],
    ]);
  });

  it('should report overlapping numeric ranges as a warning and disjoint ones not at all', async () => {
    const gateway = (a: string, b: string) => chain(`<bpmn:exclusiveGateway id="A" default="F_d" />
      <bpmn:sequenceFlow id="F_a" sourceRef="A" targetRef="Z"><bpmn:conditionExpression>${a}</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="F_b" sourceRef="A" targetRef="Z"><bpmn:conditionExpression>${b}</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="F_d" sourceRef="A" targetRef="Z" />${STEP('Z')}`);
    expect(await codes(gateway('pages &gt; 5', 'pages &gt;= 10'))).toEqual([['warning', 'OVERLAPPING_CONDITIONS', 'A']]);
    expect(await codes(gateway('pages &lt;= 5', 'pages &gt; 5'))).toEqual([]);
    expect(await codes(gateway('outcome = "approve"', 'outcome = "refuse"'))).toEqual([]);
    expect(await codes(gateway('approved', '${!approved}'))).toEqual([]);
    expect(await codes(gateway('approved', '${approved == true}'))).toEqual([['warning', 'OVERLAPPING_CONDITIONS', 'A']]);
  });

  it('should warn when a decision gateway has conditions on every flow but no default', async () => {
    const xml = chain(`<bpmn:exclusiveGateway id="A" />
      <bpmn:sequenceFlow id="F_a" sourceRef="A" targetRef="Z"><bpmn:conditionExpression>ok</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="F_b" sourceRef="A" targetRef="Z"><bpmn:conditionExpression>not(ok)</bpmn:conditionExpression></bpmn:sequenceFlow>${STEP('Z')}`);
    expect(await codes(xml)).toEqual([['warning', 'GATEWAY_NO_DEFAULT', 'A']]);
  });

  it('should flag conditions that would be ignored or never evaluated', async () => {
    const xml = chain(`<bpmn:parallelGateway id="A" />
      <bpmn:sequenceFlow id="F_p" sourceRef="A" targetRef="T"><bpmn:conditionExpression>x</bpmn:conditionExpression></bpmn:sequenceFlow>
      ${STEP('T')}<bpmn:sequenceFlow id="F_t" sourceRef="T" targetRef="Z"><bpmn:conditionExpression>y</bpmn:conditionExpression></bpmn:sequenceFlow>
      ${STEP('Z')}`);
    expect(await codes(xml)).toEqual([['warning', 'CONDITION_IGNORED', 'F_p'], ['error', 'CONDITIONAL_FLOW_UNSUPPORTED', 'F_t']]);
  });

  it('should warn about steps without norm or owner', async () => {
    const xml = chain('<bpmn:userTask id="A" /><bpmn:sequenceFlow id="F" sourceRef="A" targetRef="Z" /><bpmn:manualTask id="Z" qt:norm="1" qt:normUnit="workingDays" />');
    expect(await codes(xml)).toEqual([['warning', 'STEP_NO_NORM', 'A'], ['warning', 'STEP_NO_OWNER', 'A'], ['warning', 'STEP_NO_OWNER', 'Z']]);
  });

  it('should check boundary events: host, trigger, incoming flows', async () => {
    const xml = chain(`${STEP('A')}<bpmn:sequenceFlow id="F" sourceRef="A" targetRef="Z" />${STEP('Z')}
      <bpmn:boundaryEvent id="NoTrigger" attachedToRef="A" /><bpmn:sequenceFlow id="F_b1" sourceRef="NoTrigger" targetRef="End" />
      <bpmn:boundaryEvent id="OnGateway" attachedToRef="G"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
      <bpmn:sequenceFlow id="F_b2" sourceRef="OnGateway" targetRef="End" />
      <bpmn:exclusiveGateway id="G" /><bpmn:sequenceFlow id="F_g" sourceRef="A" targetRef="G" /><bpmn:sequenceFlow id="F_g2" sourceRef="G" targetRef="End" />
      <bpmn:boundaryEvent id="ErrorNonInterrupting" attachedToRef="Z" cancelActivity="false"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>
      <bpmn:sequenceFlow id="F_b3" sourceRef="ErrorNonInterrupting" targetRef="End" />`);
    const found = await codes(xml);
    expect(found).toContainEqual(['error', 'BOUNDARY_TRIGGER_INVALID', 'NoTrigger']);
    expect(found).toContainEqual(['error', 'BOUNDARY_HOST_INVALID', 'OnGateway']);
    expect(found).toContainEqual(['error', 'BOUNDARY_TRIGGER_INVALID', 'ErrorNonInterrupting']);
  });

  it('should check event sub-process starts, link pairs, call activities and multi-instance inputs', async () => {
    const xml = chain(`
      <bpmn:callActivity id="A" qt:norm="1" qt:normUnit="workingDays" qt:role="x" />
      <bpmn:sequenceFlow id="F1" sourceRef="A" targetRef="M" />
      <bpmn:userTask id="M" qt:norm="1" qt:normUnit="workingDays" qt:role="x"><bpmn:multiInstanceLoopCharacteristics /></bpmn:userTask>
      <bpmn:sequenceFlow id="F2" sourceRef="M" targetRef="Jump" />
      <bpmn:intermediateThrowEvent id="Jump"><bpmn:linkEventDefinition name="tiep" /></bpmn:intermediateThrowEvent>
      <bpmn:intermediateCatchEvent id="Land"><bpmn:linkEventDefinition name="tiep-theo" /></bpmn:intermediateCatchEvent>
      <bpmn:sequenceFlow id="F3" sourceRef="Land" targetRef="Z" />${STEP('Z')}
      <bpmn:subProcess id="Esp" triggeredByEvent="true"><bpmn:startEvent id="EspStart" /><bpmn:sequenceFlow id="F4" sourceRef="EspStart" targetRef="EspEnd" /><bpmn:endEvent id="EspEnd" /></bpmn:subProcess>`);
    const found = await codes(xml);
    expect(found).toContainEqual(['error', 'CALLED_ELEMENT_MISSING', 'A']);
    expect(found).toContainEqual(['error', 'MULTI_INSTANCE_INPUT_MISSING', 'M']);
    expect(found).toContainEqual(['error', 'LINK_UNMATCHED', 'Jump']);
    expect(found).toContainEqual(['error', 'EVENT_SUBPROCESS_START_TRIGGER', 'EspStart']);
  });

  it('should follow link events when checking reachability', async () => {
    const xml = chain(`${STEP('A')}<bpmn:sequenceFlow id="F1" sourceRef="A" targetRef="Jump" />
      <bpmn:intermediateThrowEvent id="Jump"><bpmn:linkEventDefinition name="tiep" /></bpmn:intermediateThrowEvent>
      <bpmn:intermediateCatchEvent id="Land"><bpmn:linkEventDefinition name="tiep" /></bpmn:intermediateCatchEvent>
      <bpmn:sequenceFlow id="F2" sourceRef="Land" targetRef="Z" />${STEP('Z')}`);
    expect(await codes(xml)).toEqual([]);
  });

  it('should refuse signal events and warn about non-ISO timers', async () => {
    const xml = chain(`<bpmn:intermediateCatchEvent id="A"><bpmn:signalEventDefinition /></bpmn:intermediateCatchEvent>
      <bpmn:sequenceFlow id="F1" sourceRef="A" targetRef="Z" />
      <bpmn:intermediateCatchEvent id="Z"><bpmn:timerEventDefinition><bpmn:timeDuration>\${wait}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`);
    expect(await codes(xml)).toEqual([['error', 'UNSUPPORTED_ELEMENT', 'A'], ['warning', 'TIMER_NOT_ISO', 'Z']]);
  });

  it('should downgrade behavioural findings to warnings in non-executable processes but keep integrity errors', async () => {
    const xml = definitions(`
      <bpmn:collaboration id="C">
        <bpmn:participant id="P_Run" processRef="Run" /><bpmn:participant id="P_Doc" processRef="Doc" />
        <bpmn:messageFlow id="MF_Same" sourceRef="T1" targetRef="T2" />
      </bpmn:collaboration>
      <bpmn:process id="Run" isExecutable="true" qt:deadline="1" qt:deadlineUnit="workingDays"><bpmn:startEvent id="S" /><bpmn:sequenceFlow id="F" sourceRef="S" targetRef="E" /><bpmn:endEvent id="E" /></bpmn:process>
      <bpmn:process id="Doc" isExecutable="false"><bpmn:task id="T1" /><bpmn:task id="T2" /><bpmn:boundaryEvent id="B" /></bpmn:process>`);
    const { diagnostics } = await readProcedure(xml);
    const pick = (d: Diagnostic) => [d.severity, d.code, d.elementId, d.processId];
    expect(diagnostics.map(pick)).toEqual([
      ['warning', 'MISSING_START', 'Doc', 'Doc'],
      ['error', 'BOUNDARY_WITHOUT_HOST', 'B', 'Doc'],
      ['error', 'BOUNDARY_TRIGGER_INVALID', 'B', 'Doc'],
      ['error', 'MESSAGE_FLOW_SAME_POOL', 'MF_Same', undefined],
    ]);
  });

  it('should report a file without processes', async () => {
    expect(await codes(definitions(''))).toEqual([['error', 'NO_PROCESS', 'Definitions_1']]);
  });

  it('should find duplicate and reserved ids in a model built by hand', () => {
    // given a model not produced by the parser (e.g. by the editor)
    const model: DefinitionsModel = {
      processes: [{
        id: 'P', isExecutable: true, lanes: [],
        procedure: { cutoffs: { desk: '15:00', online: undefined, post: undefined }, supplementMode: 'restart', deadline: { amount: 1, unit: 'workingDays' } },
        graph: {
          nodes: [
            { kind: 'StartEvent', id: 'S', laneIds: [], incoming: [], outgoing: ['S'], trigger: { kind: 'none' }, interrupting: true },
            { kind: 'EndEvent', id: '__proto__', laneIds: [], incoming: ['S'], outgoing: [], trigger: { kind: 'none' } },
          ],
          flows: [{ id: 'S', sourceId: 'S', targetId: '__proto__' }],
        },
      }],
      participants: [],
      messageFlows: [],
    };
    // when
    const diagnostics = validateDefinitions(model);
    // then
    expect(diagnostics.map((d) => [d.code, d.elementId])).toEqual([['RESERVED_ID', '__proto__'], ['DUPLICATE_ID', 'S']]);
  });

  it('should say how to fix every finding', async () => {
    const files = ['missing-start-event.bpmn', 'unreachable-end.bpmn', 'gateway-without-condition.bpmn', 'boundary-without-host.bpmn'];
    for (const file of files) {
      const { diagnostics } = await readProcedure(readFileSync(join(ERROR_FIXTURES, file), 'utf8'));
      for (const diagnostic of diagnostics) expect(diagnostic.message).toMatch(/\b(Add|Connect|Set|Put|Attach|Mark|Make|Remove|Give|Use|Rename|Write|Define|Fix|Delete|Keep|Name|Choose|Prefer|Rewrite|Register|Check)\b/);
    }
  });
});

describe('readProcedure', () => {
  it('should report an unreadable condition once, not again as a missing condition', async () => {
    const { diagnostics } = await readProcedure(readFileSync(join(ERROR_FIXTURES, 'unsupported-expression.bpmn'), 'utf8'));
    expect(diagnostics.filter((d) => d.elementId === 'Flow_Method').map((d) => d.code)).toEqual(['UNSUPPORTED_EXPRESSION']);
  });
});

describe('validateDefinitions: steps outside the clock', () => {
  it('should not ask for a norm on a step outside the clock', async () => {
    const xml = chain(`${STEP('A')}<bpmn:sequenceFlow id="F" sourceRef="A" targetRef="Z" /><bpmn:userTask id="Z" qt:outsideClock="true" qt:role="mot-cua" />`);
    expect(await codes(xml)).toEqual([]);
  });
});

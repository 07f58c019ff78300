import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../../engine/bpmn/parse.ts';
import type { FlowNode, ProcessModel } from '../../../engine/bpmn/model.ts';
import { BpmnParseError, isEngineError } from '../../../engine/errors.ts';

const NAMESPACES = [
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"',
  'xmlns:qt="https://quytrinh.dev/schema/bpmn/1.0"',
  'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
  'xmlns:flowable="http://flowable.org/bpmn"',
  'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"',
].join(' ');

function definitions(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions ${NAMESPACES} id="Definitions_1" targetNamespace="https://quytrinh.dev/test">${body}</bpmn:definitions>`;
}

function process(body: string, attributes = ''): string {
  return definitions(`<bpmn:process id="Process_1" isExecutable="true" ${attributes}>${body}</bpmn:process>`);
}

async function onlyProcess(xml: string): Promise<{ process: ProcessModel; diagnostics: readonly { code: string; elementId?: string }[] }> {
  const { definitions: model, diagnostics } = await parseBpmn(xml);
  const first = model.processes[0];
  if (!first) throw new Error('no process');
  return { process: first, diagnostics };
}

function node(process: ProcessModel, id: string): FlowNode {
  const search = (nodes: readonly FlowNode[]): FlowNode | undefined => {
    for (const candidate of nodes) {
      if (candidate.id === id) return candidate;
      if (candidate.kind === 'SubProcess') {
        const inner = search(candidate.graph.nodes);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  const found = search(process.graph.nodes);
  if (!found) throw new Error(`no node ${id}`);
  return found;
}

describe('parseBpmn', () => {
  it('should map a three-step procedure with Vietnamese names and connections', async () => {
    // given
    const xml = process(`
      <bpmn:startEvent id="Start" name="Nhận hồ sơ" />
      <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Receive" />
      <bpmn:userTask id="Receive" name="Tiếp nhận hồ sơ" qt:norm="4" qt:normUnit="workingHours" qt:role="mot-cua" />
      <bpmn:sequenceFlow id="F2" sourceRef="Receive" targetRef="End" />
      <bpmn:endEvent id="End" name="Trả kết quả" />`);
    // when
    const { process: model, diagnostics } = await onlyProcess(xml);
    // then
    expect(diagnostics).toEqual([]);
    expect(model.isExecutable).toBe(true);
    expect(model.graph.nodes.map((n) => [n.kind, n.id, n.name])).toEqual([
      ['StartEvent', 'Start', 'Nhận hồ sơ'],
      ['UserTask', 'Receive', 'Tiếp nhận hồ sơ'],
      ['EndEvent', 'End', 'Trả kết quả'],
    ]);
    const receive = node(model, 'Receive');
    expect(receive.incoming).toEqual(['F1']);
    expect(receive.outgoing).toEqual(['F2']);
    expect(receive.kind === 'UserTask' && receive.step).toEqual({ norm: { amount: 4, unit: 'workingHours' }, role: 'mot-cua', outcomes: [], outsideClock: false });
    expect(model.graph.flows).toEqual([
      { id: 'F1', sourceId: 'Start', targetId: 'Receive' },
      { id: 'F2', sourceId: 'Receive', targetId: 'End' },
    ]);
  });

  it('should return a deeply frozen model', async () => {
    const { process: model } = await onlyProcess(process('<bpmn:startEvent id="Start" />'));
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model.graph.nodes[0])).toBe(true);
  });

  it('Process#qt attributes: should read the procedure spec with defaults', async () => {
    const plain = await onlyProcess(process('<bpmn:startEvent id="Start" />'));
    expect(plain.process.procedure).toEqual({ cutoffs: { desk: '15:00', online: undefined, post: undefined }, supplementMode: 'restart' });

    const full = await onlyProcess(process('<bpmn:startEvent id="Start" />',
      'qt:procedureCode="1.001234" qt:deadline="10" qt:deadlineUnit="workingDays" qt:cutoffDesk="16:30" qt:cutoffOnline="23:59" qt:supplementMode="pause" qt:abandonAfter="30" qt:abandonAfterUnit="calendarDays" qt:calendar="vn-one-stop" qt:source="2022/QĐ-UBND"'));
    expect(full.process.procedure).toEqual({
      code: '1.001234',
      deadline: { amount: 10, unit: 'workingDays' },
      cutoffs: { desk: '16:30', online: '23:59', post: undefined },
      supplementMode: 'pause',
      abandonAfter: { amount: 30, unit: 'calendarDays' },
      calendar: 'vn-one-stop',
      source: '2022/QĐ-UBND',
    });
  });

  it('Process#qt attributes: should report a bad cut-off and supplement mode', async () => {
    const { process: model, diagnostics } = await onlyProcess(process('<bpmn:startEvent id="Start" />', 'qt:cutoffDesk="3pm" qt:supplementMode="extend"'));
    expect(diagnostics.map((d) => [d.code, d.elementId]).sort()).toEqual([['CUTOFF_INVALID', 'Process_1'], ['SUPPLEMENT_MODE_INVALID', 'Process_1']]);
    expect(model.procedure.cutoffs.desk).toBe('15:00');
    expect(model.procedure.supplementMode).toBe('restart');
  });

  it('Activity#qt:norm: should require a known unit', async () => {
    const { process: model, diagnostics } = await onlyProcess(process(`
      <bpmn:userTask id="NoUnit" qt:norm="8" />
      <bpmn:userTask id="BadUnit" qt:norm="8" qt:normUnit="hours" />
      <bpmn:userTask id="Negative" qt:norm="-1" qt:normUnit="workingHours" />
      <bpmn:userTask id="Days" qt:norm="1.5" qt:normUnit="workingDays" />`));
    expect(diagnostics.map((d) => [d.code, d.elementId])).toEqual([
      ['NORM_UNIT_MISSING', 'NoUnit'],
      ['NORM_UNIT_INVALID', 'BadUnit'],
      ['NORM_INVALID', 'Negative'],
    ]);
    const days = node(model, 'Days');
    expect(days.kind === 'UserTask' && days.step.norm).toEqual({ amount: 1.5, unit: 'workingDays' });
  });

  it('Activity#qt:outcomes: should split the comma list and flag duplicates', async () => {
    const { process: model, diagnostics } = await onlyProcess(process('<bpmn:userTask id="Approve" qt:outcomes=" approve, return ,refuse,approve" qt:outsideClock="true" />'));
    const approve = node(model, 'Approve');
    expect(approve.kind === 'UserTask' && approve.step.outcomes).toEqual(['approve', 'return', 'refuse']);
    expect(approve.kind === 'UserTask' && approve.step.outsideClock).toBe(true);
    expect(diagnostics.map((d) => d.code)).toEqual(['OUTCOME_DUPLICATE']);
  });

  it('Lane#childLaneSet: should give nodes their lane path and default owner from the lanes', async () => {
    // given a unit lane holding a role lane, and a lane without qt attributes
    const xml = process(`
      <bpmn:laneSet id="LaneSet_1">
        <bpmn:lane id="Lane_Unit" name="Phòng Tư pháp" qt:unit="phong-tu-phap">
          <bpmn:flowNodeRef>Review</bpmn:flowNodeRef>
          <bpmn:flowNodeRef>Sign</bpmn:flowNodeRef>
          <bpmn:childLaneSet id="LaneSet_2">
            <bpmn:lane id="Lane_Officer" name="Chuyên viên" qt:role="chuyen-vien">
              <bpmn:flowNodeRef>Review</bpmn:flowNodeRef>
            </bpmn:lane>
            <bpmn:lane id="Lane_Head" name="Trưởng phòng">
              <bpmn:flowNodeRef>Sign</bpmn:flowNodeRef>
            </bpmn:lane>
          </bpmn:childLaneSet>
        </bpmn:lane>
        <bpmn:lane id="Lane_Desk" name="Bộ phận một cửa">
          <bpmn:flowNodeRef>Receive</bpmn:flowNodeRef>
          <bpmn:flowNodeRef>Sub</bpmn:flowNodeRef>
        </bpmn:lane>
      </bpmn:laneSet>
      <bpmn:userTask id="Receive" />
      <bpmn:userTask id="Review" />
      <bpmn:userTask id="Sign" qt:role="lanh-dao" qt:unit="ubnd" />
      <bpmn:subProcess id="Sub"><bpmn:userTask id="Inner" /></bpmn:subProcess>`);
    // when
    const { process: model } = await onlyProcess(xml);
    // then
    const stepOf = (id: string) => {
      const n = node(model, id);
      return [n.laneIds, 'step' in n ? { role: n.step.role, unit: n.step.unit } : undefined];
    };
    expect(stepOf('Review')).toEqual([['Lane_Unit', 'Lane_Officer'], { role: 'chuyen-vien', unit: 'phong-tu-phap' }]);
    expect(stepOf('Sign')).toEqual([['Lane_Unit', 'Lane_Head'], { role: 'lanh-dao', unit: 'ubnd' }]);
    expect(stepOf('Receive')).toEqual([['Lane_Desk'], { role: 'Bộ phận một cửa', unit: undefined }]);
    expect(stepOf('Inner')).toEqual([['Lane_Desk'], { role: 'Bộ phận một cửa', unit: undefined }]);
    expect(model.lanes.map((lane) => [lane.id, lane.role, lane.unit, lane.childLaneIds])).toEqual([
      ['Lane_Unit', undefined, 'phong-tu-phap', ['Lane_Officer', 'Lane_Head']],
      ['Lane_Officer', 'chuyen-vien', undefined, []],
      ['Lane_Head', undefined, undefined, []],
      ['Lane_Desk', undefined, undefined, []],
    ]);
  });

  it('UserTask#camunda:candidateGroups: should be the owner role when qt:role is absent', async () => {
    const { process: model } = await onlyProcess(process(`
      <bpmn:userTask id="C7" camunda:candidateGroups="management" />
      <bpmn:userTask id="Flowable" flowable:candidateGroups="sales" />
      <bpmn:userTask id="C8"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="legal" /></bpmn:extensionElements></bpmn:userTask>`));
    const roleOf = (id: string) => { const n = node(model, id); return 'step' in n ? n.step.role : undefined; };
    expect([roleOf('C7'), roleOf('Flowable'), roleOf('C8')]).toEqual(['management', 'sales', 'legal']);
  });

  it('ServiceTask: should name its handler from qt:handler or the vendor attribute, never run code', async () => {
    const { process: model, diagnostics } = await onlyProcess(process(`
      <bpmn:serviceTask id="Qt" qt:handler="send-sms" camunda:class="org.Ignored" />
      <bpmn:serviceTask id="Topic" camunda:type="external" camunda:topic="archive" />
      <bpmn:serviceTask id="Zeebe"><bpmn:extensionElements><zeebe:taskDefinition type="notify" /></bpmn:extensionElements></bpmn:serviceTask>
      <bpmn:scriptTask id="Script" scriptFormat="javascript"><bpmn:script>next()</bpmn:script></bpmn:scriptTask>`));
    const handlerOf = (id: string) => { const n = node(model, id); return 'handler' in n ? n.handler : undefined; };
    expect([handlerOf('Qt'), handlerOf('Topic'), handlerOf('Zeebe'), handlerOf('Script')]).toEqual(['send-sms', 'archive', 'notify', undefined]);
    expect(diagnostics.map((d) => [d.code, d.elementId])).toEqual([['SCRIPT_IGNORED', 'Script']]);
  });

  it('TimerEventDefinition#timeDuration/timeDate/timeCycle: should keep the kind and expression', async () => {
    const timer = (id: string, inner: string) => `<bpmn:intermediateCatchEvent id="${id}"><bpmn:timerEventDefinition>${inner}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`;
    const { process: model } = await onlyProcess(process([
      timer('Duration', '<bpmn:timeDuration> P3D </bpmn:timeDuration>'),
      timer('Date', '<bpmn:timeDate>2026-01-05T08:00:00+07:00</bpmn:timeDate>'),
      timer('Cycle', '<bpmn:timeCycle>R3/PT10H</bpmn:timeCycle>'),
      timer('Empty', ''),
    ].join('')));
    const triggerOf = (id: string) => { const n = node(model, id); return 'trigger' in n ? n.trigger : undefined; };
    expect(triggerOf('Duration')).toEqual({ kind: 'timer', timer: { kind: 'duration', expression: 'P3D' } });
    expect(triggerOf('Date')).toEqual({ kind: 'timer', timer: { kind: 'date', expression: '2026-01-05T08:00:00+07:00' } });
    expect(triggerOf('Cycle')).toEqual({ kind: 'timer', timer: { kind: 'cycle', expression: 'R3/PT10H' } });
    expect(triggerOf('Empty')).toEqual({ kind: 'timer', timer: { kind: 'duration', expression: '' } });
  });

  it('MessageEventDefinition#messageRef: should use the message name, falling back to its id', async () => {
    const { definitions: model, diagnostics } = await parseBpmn(definitions(`
      <bpmn:message id="Msg_Supplement" name="bo-sung-ho-so" />
      <bpmn:message id="Msg_NoName" />
      <bpmn:process id="Process_1" isExecutable="true">
        <bpmn:intermediateCatchEvent id="WaitSupplement" qt:stopsClock="true"><bpmn:messageEventDefinition messageRef="Msg_Supplement" /></bpmn:intermediateCatchEvent>
        <bpmn:receiveTask id="Receive" messageRef="Msg_NoName" qt:stopsClock="true" />
        <bpmn:intermediateCatchEvent id="Unnamed"><bpmn:messageEventDefinition /></bpmn:intermediateCatchEvent>
      </bpmn:process>`));
    const p = model.processes[0]!;
    expect(node(p, 'WaitSupplement')).toMatchObject({ kind: 'IntermediateCatchEvent', trigger: { kind: 'message', messageName: 'bo-sung-ho-so' }, stopsClock: true });
    expect(node(p, 'Receive')).toMatchObject({ kind: 'ReceiveTask', messageName: 'Msg_NoName', stopsClock: true });
    expect(node(p, 'Unnamed')).toMatchObject({ trigger: { kind: 'message', messageName: 'Unnamed' } });
    expect(diagnostics.map((d) => [d.code, d.elementId])).toEqual([['MESSAGE_UNNAMED', 'Unnamed']]);
  });

  it('ErrorEventDefinition/EscalationEventDefinition: should carry the codes; BoundaryEvent the host and interruption', async () => {
    const { definitions: model } = await parseBpmn(definitions(`
      <bpmn:error id="Err_1" errorCode="HO_SO_GIA" />
      <bpmn:escalation id="Esc_1" escalationCode="QUA_HAN" />
      <bpmn:process id="Process_1" isExecutable="true">
        <bpmn:userTask id="Task" />
        <bpmn:boundaryEvent id="OnError" attachedToRef="Task"><bpmn:errorEventDefinition errorRef="Err_1" /></bpmn:boundaryEvent>
        <bpmn:boundaryEvent id="OnEscalation" attachedToRef="Task" cancelActivity="false"><bpmn:escalationEventDefinition escalationRef="Esc_1" /></bpmn:boundaryEvent>
        <bpmn:endEvent id="ErrorEnd"><bpmn:errorEventDefinition errorRef="Err_1" /></bpmn:endEvent>
        <bpmn:endEvent id="Terminate"><bpmn:terminateEventDefinition /></bpmn:endEvent>
      </bpmn:process>`));
    const p = model.processes[0]!;
    expect(node(p, 'OnError')).toMatchObject({ kind: 'BoundaryEvent', attachedToId: 'Task', interrupting: true, trigger: { kind: 'error', errorCode: 'HO_SO_GIA' } });
    expect(node(p, 'OnEscalation')).toMatchObject({ attachedToId: 'Task', interrupting: false, trigger: { kind: 'escalation', escalationCode: 'QUA_HAN' } });
    expect(node(p, 'ErrorEnd')).toMatchObject({ kind: 'EndEvent', trigger: { kind: 'error', errorCode: 'HO_SO_GIA' } });
    expect(node(p, 'Terminate')).toMatchObject({ kind: 'EndEvent', trigger: { kind: 'terminate' } });
  });

  it('MultiInstanceLoopCharacteristics: should read collection, element variable and conditions from each dialect', async () => {
    const { process: model, diagnostics } = await onlyProcess(process(`
      <bpmn:userTask id="C7"><bpmn:multiInstanceLoopCharacteristics camunda:collection="\${units}" camunda:elementVariable="unit"><bpmn:completionCondition>\${nrOfCompletedInstances >= 2}</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
      <bpmn:userTask id="Seq"><bpmn:multiInstanceLoopCharacteristics isSequential="true"><bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
      <bpmn:userTask id="C8"><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=reviewers" inputElement="reviewer" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
      <bpmn:userTask id="Flowable"><bpmn:multiInstanceLoopCharacteristics flowable:collection="departments" flowable:elementVariable="department" /></bpmn:userTask>
      <bpmn:userTask id="Bad"><bpmn:multiInstanceLoopCharacteristics camunda:collection="\${svc.list()}" /></bpmn:userTask>`));
    const miOf = (id: string) => { const n = node(model, id); return 'multiInstance' in n ? n.multiInstance : undefined; };
    expect(miOf('C7')).toEqual({ sequential: false, collection: 'units', elementVariable: 'unit', completionCondition: 'nrOfCompletedInstances >= 2' });
    expect(miOf('Seq')).toEqual({ sequential: true, cardinality: '3' });
    expect(miOf('C8')).toEqual({ sequential: false, collection: 'reviewers', elementVariable: 'reviewer' });
    expect(miOf('Flowable')).toEqual({ sequential: false, collection: 'departments', elementVariable: 'department' });
    expect(miOf('Bad')).toEqual({ sequential: false });
    expect(diagnostics.map((d) => [d.code, d.elementId])).toEqual([['UNSUPPORTED_EXPRESSION', 'Bad']]);
  });

  it('SubProcess#triggeredByEvent: should nest the graph and mark event sub-processes', async () => {
    const { process: model } = await onlyProcess(process(`
      <bpmn:subProcess id="Handle">
        <bpmn:startEvent id="HStart" /><bpmn:sequenceFlow id="HF" sourceRef="HStart" targetRef="HEnd" /><bpmn:endEvent id="HEnd" />
      </bpmn:subProcess>
      <bpmn:subProcess id="Reminder" triggeredByEvent="true">
        <bpmn:startEvent id="RStart" isInterrupting="false"><bpmn:timerEventDefinition><bpmn:timeDuration>P2D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>
      </bpmn:subProcess>`));
    const handle = node(model, 'Handle');
    expect(handle.kind === 'SubProcess' && [handle.triggeredByEvent, handle.graph.nodes.map((n) => n.id), handle.graph.flows.map((f) => f.id)]).toEqual([false, ['HStart', 'HEnd'], ['HF']]);
    expect(node(model, 'Reminder')).toMatchObject({ kind: 'SubProcess', triggeredByEvent: true });
    expect(node(model, 'RStart')).toMatchObject({ kind: 'StartEvent', interrupting: false, trigger: { kind: 'timer' } });
  });

  it('CallActivity#calledElement: should name the called procedure (Camunda 7 and 8)', async () => {
    const { process: model } = await onlyProcess(process(`
      <bpmn:callActivity id="ToProvince" calledElement="tinh-tham-dinh" qt:norm="56" qt:normUnit="workingHours" />
      <bpmn:callActivity id="Zeebe"><bpmn:extensionElements><zeebe:calledElement processId="xa-xac-nhan" /></bpmn:extensionElements></bpmn:callActivity>`));
    expect(node(model, 'ToProvince')).toMatchObject({ kind: 'CallActivity', calledElement: 'tinh-tham-dinh', step: { norm: { amount: 56, unit: 'workingHours' } } });
    expect(node(model, 'Zeebe')).toMatchObject({ kind: 'CallActivity', calledElement: 'xa-xac-nhan' });
  });

  it('Collaboration: should list participants and message flows with message names', async () => {
    const { definitions: model } = await parseBpmn(definitions(`
      <bpmn:message id="Msg_1" name="chuyen-ho-so" />
      <bpmn:collaboration id="Collab">
        <bpmn:participant id="P_Commune" name="UBND xã" processRef="Commune" />
        <bpmn:participant id="P_Province" name="Sở Tư pháp" processRef="Province" />
        <bpmn:messageFlow id="MF_1" sourceRef="Send" targetRef="P_Province" messageRef="Msg_1" />
      </bpmn:collaboration>
      <bpmn:process id="Commune" isExecutable="true"><bpmn:sendTask id="Send" messageRef="Msg_1" /></bpmn:process>
      <bpmn:process id="Province" isExecutable="false" />`));
    expect(model.participants).toEqual([
      { id: 'P_Commune', name: 'UBND xã', processId: 'Commune' },
      { id: 'P_Province', name: 'Sở Tư pháp', processId: 'Province' },
    ]);
    expect(model.messageFlows).toEqual([{ id: 'MF_1', sourceRef: 'Send', targetRef: 'P_Province', messageName: 'chuyen-ho-so' }]);
    expect(model.processes.map((p) => [p.id, p.isExecutable])).toEqual([['Commune', true], ['Province', false]]);
  });

  it('SequenceFlow#conditionExpression: should translate FEEL, Camunda 8 and JUEL to FEEL', async () => {
    const { process: model, diagnostics } = await onlyProcess(process(`
      <bpmn:exclusiveGateway id="G" default="Otherwise" />
      <bpmn:endEvent id="E" />
      <bpmn:sequenceFlow id="Feel" sourceRef="G" targetRef="E"><bpmn:conditionExpression>outcome = "approve"</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="Zeebe" sourceRef="G" targetRef="E"><bpmn:conditionExpression>=amount &gt; 5</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="Juel" sourceRef="G" targetRef="E"><bpmn:conditionExpression language="juel">\${!approved &amp;&amp; n &gt;= 5}</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="Script" sourceRef="G" targetRef="E"><bpmn:conditionExpression language="groovy">approved == true</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="Otherwise" sourceRef="G" targetRef="E" />`));
    const conditionOf = (id: string) => model.graph.flows.find((flow) => flow.id === id)?.condition;
    expect(conditionOf('Feel')).toEqual({ language: 'feel', source: 'outcome = "approve"', feel: 'outcome = "approve"' });
    expect(conditionOf('Zeebe')).toEqual({ language: 'camunda8', source: '=amount > 5', feel: 'amount > 5' });
    expect(conditionOf('Juel')).toEqual({ language: 'juel', source: '${!approved && n >= 5}', feel: 'not(approved) and (n >= 5)' });
    expect(conditionOf('Script')).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.elementId])).toEqual([['UNSUPPORTED_EXPRESSION', 'Script']]);
    expect(node(model, 'G')).toMatchObject({ kind: 'ExclusiveGateway', defaultFlowId: 'Otherwise' });
  });

  it.each([
    ['complexGateway', '<bpmn:complexGateway id="X" />'],
    ['transaction', '<bpmn:transaction id="X" />'],
    ['adHocSubProcess', '<bpmn:adHocSubProcess id="X" />'],
    ['standard loop', '<bpmn:task id="X"><bpmn:standardLoopCharacteristics /></bpmn:task>'],
    ['conditional event', '<bpmn:intermediateCatchEvent id="X"><bpmn:conditionalEventDefinition /></bpmn:intermediateCatchEvent>'],
    ['compensation boundary', '<bpmn:task id="T" /><bpmn:boundaryEvent id="X" attachedToRef="T"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>'],
    ['cancel end', '<bpmn:endEvent id="X"><bpmn:cancelEventDefinition /></bpmn:endEvent>'],
    ['multiple triggers', '<bpmn:startEvent id="X"><bpmn:messageEventDefinition /><bpmn:timerEventDefinition /></bpmn:startEvent>'],
    ['compensation task', '<bpmn:task id="X" isForCompensation="true" />'],
  ])('should refuse %s as UNSUPPORTED_ELEMENT naming it and drop its flows', async (_label, element) => {
    // given the element between a start and an end event
    const xml = process(`<bpmn:startEvent id="S" />${element}<bpmn:endEvent id="E" /><bpmn:sequenceFlow id="In" sourceRef="S" targetRef="X" /><bpmn:sequenceFlow id="Out" sourceRef="X" targetRef="E" />`);
    // when
    const { process: model, diagnostics } = await onlyProcess(xml);
    // then
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: 'UNSUPPORTED_ELEMENT', severity: 'error', elementId: 'X', processId: 'Process_1' }));
    expect(model.graph.nodes.map((n) => n.id)).not.toContain('X');
    expect(model.graph.flows).toEqual([]);
  });

  it('should ignore data objects and artifacts without diagnostics', async () => {
    const { process: model, diagnostics } = await onlyProcess(process(`
      <bpmn:dataObject id="DO" /><bpmn:dataObjectReference id="DOR" dataObjectRef="DO" />
      <bpmn:textAnnotation id="Note"><bpmn:text>Ghi chú</bpmn:text></bpmn:textAnnotation>
      <bpmn:startEvent id="S" />`));
    expect(diagnostics).toEqual([]);
    expect(model.graph.nodes.map((n) => n.id)).toEqual(['S']);
  });

  it('should report duplicate ids and lanes referencing non-flow nodes', async () => {
    const { diagnostics } = await parseBpmn(process(`
      <bpmn:laneSet id="LS"><bpmn:lane id="L" name="Lane"><bpmn:flowNodeRef>Note</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
      <bpmn:task id="T" /><bpmn:task id="T" /><bpmn:textAnnotation id="Note" />`));
    expect(diagnostics.map((d) => [d.code, d.elementId])).toEqual([['DUPLICATE_ID', 'T'], ['LANE_INVALID_REFERENCE', 'L']]);
  });

  it('should warn about misspelt qt attributes', async () => {
    const { diagnostics } = await parseBpmn(process('<bpmn:userTask id="T" qt:normunit="workingHours" />'));
    expect(diagnostics.map((d) => [d.code, d.elementId])).toEqual([['UNKNOWN_ATTRIBUTE', 'T']]);
  });

  it('should ignore vendor elements outside extensionElements with a warning, but refuse unknown BPMN elements', async () => {
    const vendor = await parseBpmn(process('<bpmn:userTask id="T"><flowable:formProperty id="x" /></bpmn:userTask>'));
    expect(vendor.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'FOREIGN_ELEMENT_IGNORED']]);
    const unknown = await parseBpmn(process('<bpmn:userTask id="T"><bpmn:approvalRule /></bpmn:userTask>'));
    expect(unknown.diagnostics.map((d) => [d.severity, d.code])).toEqual([['error', 'UNREADABLE_ELEMENT']]);
    expect(unknown.diagnostics[0]?.message).toContain('<bpmn:approvalRule> at line 2');
  });

  it('should throw BpmnParseError with diagnostics when the XML is broken', async () => {
    const error = await parseBpmn(process('<bpmn:startEvent id="S">')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BpmnParseError);
    expect(isEngineError(error) && error.diagnostics.map((d) => d.code)).toEqual(['XML_UNREADABLE']);
  });
});

import { describe, expect, it } from 'vitest';
import { advanceCase, compileProcess, readProcedure, startCase } from '../../../engine/index.ts';

const diagram = (caseStatus: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:qt="https://quytrinh.dev/schema/bpmn/1.0" id="D" targetNamespace="t">
  <bpmn:process id="P" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Check" />
    <bpmn:userTask id="Task_Check" qt:norm="4" qt:normUnit="workingHours" qt:role="officer" qt:unit="DESK" qt:outcomes="accept,refuse" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Check" targetRef="Gateway" />
    <bpmn:exclusiveGateway id="Gateway" default="F_Accept" />
    <bpmn:sequenceFlow id="F_Accept" sourceRef="Gateway" targetRef="End_Done" />
    <bpmn:sequenceFlow id="F_Refuse" sourceRef="Gateway" targetRef="End_Refused"><bpmn:conditionExpression>outcome = "refuse"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="End_Done" />
    <bpmn:endEvent id="End_Refused" ${caseStatus} />
  </bpmn:process>
</bpmn:definitions>`;

async function endOf(outcome: string) {
  const { definitions } = await readProcedure(diagram('qt:caseStatus="refused"'));
  const { compiled } = compileProcess(definitions);
  const now = '2026-03-02T08:00:00+07:00';
  const started = startCase(compiled!, { data: {}, now });
  const result = advanceCase(compiled!, JSON.parse(JSON.stringify(started.snapshot)), { type: 'COMPLETE', stepKey: 'Task_Check', outcome }, now);
  return result.effects.find((e) => e.type === 'caseEnded');
}

describe('EndEvent#caseStatus', () => {
  it('should report the refused status when the case ends on the refusal path', async () => {
    expect(await endOf('refuse')).toMatchObject({ type: 'caseEnded', endEventId: 'End_Refused', caseStatus: 'refused' });
  });

  it('should report no status (processed) on an ordinary end', async () => {
    const ended = await endOf('accept');
    expect(ended).toMatchObject({ type: 'caseEnded', endEventId: 'End_Done' });
    expect(ended).not.toHaveProperty('caseStatus');
  });

  it('should refuse an unknown case status naming the end event', async () => {
    const { diagnostics } = await readProcedure(diagram('qt:caseStatus="lost"'));
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: 'CASE_STATUS_INVALID', severity: 'error', elementId: 'End_Refused' }));
  });
});

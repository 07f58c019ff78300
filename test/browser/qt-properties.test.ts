import { describe, expect, it } from 'vitest';
import { qtModdleDescriptor } from '../../engine/index.ts';
import { qtFieldsFor } from '../../editor/modules/qt-fields.ts';

/** A stand-in for a bpmn-moddle object: `$instanceOf` over the types it is an instance of. */
const bo = (types: readonly string[], extra: { processRef?: unknown } = {}) => ({ $instanceOf: (type: string) => types.includes(type), ...extra });
const names = (types: readonly string[], extra: { processRef?: unknown } = {}): string[] => qtFieldsFor(bo(types, extra)).map((f) => f.field.name);

/** Attribute names the descriptor declares for types extending `bpmnType`. */
function declared(bpmnType: string): string[] {
  return qtModdleDescriptor.types.filter((t) => t.extends.includes(bpmnType)).flatMap((t) => t.properties.map((p) => p.name));
}

describe('qt properties fields', () => {
  it('should offer the norm, owner, outcomes and clock flag on a user task', () => {
    expect(names(['bpmn:UserTask', 'bpmn:Activity'])).toEqual(['norm', 'normUnit', 'role', 'unit', 'outcomes', 'outsideClock']);
  });

  it('should add the handler on service tasks and the clock stop on receive tasks', () => {
    expect(names(['bpmn:ServiceTask', 'bpmn:Activity'])).toContain('handler');
    expect(names(['bpmn:ReceiveTask', 'bpmn:Activity'])).toContain('stopsClock');
    expect(names(['bpmn:UserTask', 'bpmn:Activity'])).not.toContain('handler');
  });

  it('should edit the procedure settings of a pool on its process', () => {
    const fields = qtFieldsFor(bo(['bpmn:Participant'], { processRef: {} }));
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.every((f) => f.onProcess)).toBe(true);
    expect(qtFieldsFor(bo(['bpmn:Participant']))).toEqual([]);
    expect(qtFieldsFor(bo(['bpmn:ExclusiveGateway']))).toEqual([]);
  });

  it('should offer exactly the attributes the shared moddle descriptor declares', () => {
    expect(new Set(names(['bpmn:Process']))).toEqual(new Set(declared('bpmn:Process')));
    expect(new Set(names(['bpmn:Lane']))).toEqual(new Set(declared('bpmn:Lane')));
    expect(new Set(names(['bpmn:IntermediateCatchEvent']))).toEqual(new Set(declared('bpmn:IntermediateCatchEvent')));
    expect(new Set(names(['bpmn:ServiceTask', 'bpmn:Activity']))).toEqual(new Set(declared('bpmn:Activity')));
    expect(new Set(names(['bpmn:EndEvent']))).toEqual(new Set(declared('bpmn:EndEvent')));
  });
});

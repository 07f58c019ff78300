/**
 * Maps the bpmn-moddle tree to the procedure model (IR). Elements the IR cannot express become
 * UNSUPPORTED_ELEMENT diagnostics naming the element and are left out of the graph, together with
 * the sequence flows touching them, so the remaining graph stays consistent. Vendor dialects
 * (Camunda 7/8, Flowable, Activiti) are read for the few attributes that have a meaning here.
 */
import type { ModdleObject } from 'bpmn-moddle';
import { DiagnosticCollector } from '../diagnostics.ts';
import { NORM_UNITS } from '../calendar/norm.ts';
import type { Norm, NormUnit } from '../calendar/norm.ts';
import { translateExpression } from './expression.ts';
import { END_CASE_STATUSES } from './model.ts';
import type {
  Condition, DefinitionsModel, EndCaseStatus, EventTrigger, FlowGraph, FlowNode, Lane, MessageFlow, MultiInstanceSpec,
  Participant, ProcedureSpec, ProcessModel, SequenceFlow, StepSpec, TaskKind, TimerSpec,
} from './model.ts';

type El = ModdleObject;

const TASK_KINDS: ReadonlyMap<string, TaskKind> = new Map([
  ['bpmn:UserTask', 'UserTask'], ['bpmn:ManualTask', 'ManualTask'], ['bpmn:Task', 'Task'],
  ['bpmn:ReceiveTask', 'ReceiveTask'], ['bpmn:SendTask', 'SendTask'], ['bpmn:ServiceTask', 'ServiceTask'],
  ['bpmn:ScriptTask', 'ScriptTask'], ['bpmn:BusinessRuleTask', 'BusinessRuleTask'],
]);

const GATEWAY_KINDS = new Map([
  ['bpmn:ExclusiveGateway', 'ExclusiveGateway'], ['bpmn:InclusiveGateway', 'InclusiveGateway'],
  ['bpmn:ParallelGateway', 'ParallelGateway'], ['bpmn:EventBasedGateway', 'EventBasedGateway'],
] as const);

/** Flow elements without behaviour: data is case variables here, so they are ignored. */
const IGNORED_FLOW_ELEMENTS = new Set(['bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference']);

/** Why an element type is refused, phrased as the fix. */
const REFUSED_TYPES: ReadonlyMap<string, string> = new Map([
  ['bpmn:ComplexGateway', 'use exclusive, inclusive or parallel gateways'],
  ['bpmn:Transaction', 'use an embedded sub-process with an error boundary event (there is no compensation)'],
  ['bpmn:AdHocSubProcess', 'model the order of the steps with gateways'],
  ['bpmn:ChoreographyTask', 'model each participant as a process with message flows'],
  ['bpmn:SubChoreography', 'model each participant as a process with message flows'],
  ['bpmn:CallChoreography', 'model each participant as a process with message flows'],
  ['bpmn:ImplicitThrowEvent', 'use an intermediate throw event'],
]);

const REFUSED_EVENT_DEFINITIONS: ReadonlyMap<string, string> = new Map([
  ['bpmn:ConditionalEventDefinition', 'conditional events are not supported; use an exclusive gateway after a message or timer'],
  ['bpmn:CompensateEventDefinition', 'compensation is not supported; model the undo steps explicitly'],
  ['bpmn:CancelEventDefinition', 'cancel events belong to transactions, which are not supported; use an error event'],
]);

// --- moddle accessors ------------------------------------------------------------------------------

function text(el: El | undefined, prop: string): string | undefined {
  const value = el?.[prop];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function refOf(el: El | undefined, prop: string): El | undefined {
  const value = el?.[prop];
  return value && typeof value === 'object' && !Array.isArray(value) && typeof (value as El).$type === 'string' ? (value as El) : undefined;
}

function listOf(el: El | undefined, prop: string): El[] {
  const value = el?.[prop];
  return Array.isArray(value) ? (value as El[]) : [];
}

function qtValue(el: El, name: string): unknown {
  return el.get(`qt:${name}`);
}

function qtText(el: El, name: string): string | undefined {
  const value = qtValue(el, name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * A vendor attribute by local name: Camunda 7 attributes are properties (its descriptor is
 * loaded); Flowable, Activiti and other prefixes stay in `$attrs` under their prefixed name.
 */
function vendorAttr(el: El | undefined, local: string): string | undefined {
  if (!el) return undefined;
  const camunda = el.get(`camunda:${local}`);
  if (typeof camunda === 'string' && camunda.trim() !== '') return camunda.trim();
  const attrs = el.$attrs;
  if (!attrs) return undefined;
  for (const key of Object.keys(attrs)) {
    if (key.endsWith(`:${local}`) && !key.startsWith('xmlns:') && !key.startsWith('qt:')) {
      const value = attrs[key];
      if (value !== undefined && value.trim() !== '') return value.trim();
    }
  }
  return undefined;
}

/** A Camunda 8 (zeebe) extension element such as `zeebe:taskDefinition`. */
function zeebeExtension(el: El | undefined, localType: string): El | undefined {
  const extensions = refOf(el, 'extensionElements');
  return listOf(extensions, 'values').find((value) => value.$type.toLowerCase().endsWith(`:${localType.toLowerCase()}`) && value.$type.startsWith('zeebe:'));
}

function shortType(el: El): string {
  return el.$type.replace(/^bpmn:/, '');
}

// --- the mapping ------------------------------------------------------------------------------------

interface LaneContext {
  /** Lane path (outermost → innermost) per flow node id. */
  readonly pathOf: Map<string, readonly string[]>;
  readonly lanes: Map<string, Lane>;
}

class ModelBuilder {
  private processId: string | undefined;
  private laneContext: LaneContext = { pathOf: new Map(), lanes: new Map() };

  constructor(private readonly diagnostics: DiagnosticCollector) {}

  definitions(root: El): DefinitionsModel {
    const rootElements = listOf(root, 'rootElements');
    const processes: ProcessModel[] = [];
    const participants: Participant[] = [];
    const messageFlows: MessageFlow[] = [];
    for (const element of rootElements) {
      if (element.$type === 'bpmn:Process') processes.push(this.process(element));
      if (element.$type === 'bpmn:Collaboration') {
        this.processId = undefined;
        for (const participant of listOf(element, 'participants')) participants.push(this.participant(participant));
        for (const flow of listOf(element, 'messageFlows')) messageFlows.push(this.messageFlow(flow));
      }
    }
    const id = text(root, 'id');
    return { ...(id ? { id } : {}), processes, participants, messageFlows };
  }

  private endCaseStatus(el: El): EndCaseStatus | undefined {
    const value = qtText(el, 'caseStatus');
    if (value === undefined) return undefined;
    if ((END_CASE_STATUSES as readonly string[]).includes(value)) return value as EndCaseStatus;
    this.diagnostics.error('CASE_STATUS_INVALID', `qt:caseStatus="${value}" is not known. Use "refused" for a refusal path or "stopped" for a stop; leave it out when the dossier was processed.`, this.where(el));
    return undefined;
  }

  private where(el: El): { elementId?: string; elementName?: string; processId?: string } {
    const id = text(el, 'id');
    const name = text(el, 'name');
    return { ...(id ? { elementId: id } : {}), ...(name ? { elementName: name } : {}), ...(this.processId ? { processId: this.processId } : {}) };
  }

  private participant(el: El): Participant {
    const name = text(el, 'name');
    const processId = text(refOf(el, 'processRef'), 'id');
    return { id: text(el, 'id') ?? '', ...(name ? { name } : {}), ...(processId ? { processId } : {}) };
  }

  private messageFlow(el: El): MessageFlow {
    const message = refOf(el, 'messageRef');
    const messageName = text(message, 'name') ?? text(message, 'id');
    return {
      id: text(el, 'id') ?? '',
      sourceRef: text(refOf(el, 'sourceRef'), 'id') ?? '',
      targetRef: text(refOf(el, 'targetRef'), 'id') ?? '',
      ...(messageName ? { messageName } : {}),
    };
  }

  private process(el: El): ProcessModel {
    const id = text(el, 'id') ?? '';
    this.processId = id;
    this.laneContext = this.lanes(el);
    const name = text(el, 'name');
    const graph = this.graph(el, []);
    return {
      id,
      ...(name ? { name } : {}),
      // Absent means executable: hand-written files often omit it; modelers write it explicitly.
      isExecutable: el['isExecutable'] !== false,
      procedure: this.procedure(el),
      graph,
      lanes: [...this.laneContext.lanes.values()],
    };
  }

  private lanes(processEl: El): LaneContext {
    const pathOf = new Map<string, readonly string[]>();
    const lanes = new Map<string, Lane>();
    const visit = (laneSet: El | undefined, parentPath: readonly string[]): void => {
      for (const lane of listOf(laneSet, 'lanes')) {
        const id = text(lane, 'id') ?? '';
        const path = [...parentPath, id];
        const childLaneSet = refOf(lane, 'childLaneSet');
        const name = text(lane, 'name');
        const role = qtText(lane, 'role');
        const unit = qtText(lane, 'unit');
        lanes.set(id, {
          id,
          ...(name ? { name } : {}),
          ...(role ? { role } : {}),
          ...(unit ? { unit } : {}),
          childLaneIds: listOf(childLaneSet, 'lanes').map((child) => text(child, 'id') ?? ''),
        });
        for (const node of listOf(lane, 'flowNodeRef')) {
          const nodeId = text(node, 'id');
          if (!nodeId) continue;
          if (!node.$type.startsWith('bpmn:') || !isFlowNodeType(node)) {
            this.diagnostics.error('LANE_INVALID_REFERENCE', `Lane "${name ?? id}" lists ${shortType(node)} "${nodeId}", which is not a flow node. Remove it from the lane's flowNodeRef list.`, { elementId: id, ...(name ? { elementName: name } : {}), ...(this.processId ? { processId: this.processId } : {}) });
            continue;
          }
          const known = pathOf.get(nodeId);
          if (!known || known.length < path.length) pathOf.set(nodeId, path);
        }
        visit(childLaneSet, path);
      }
    };
    for (const laneSet of listOf(processEl, 'laneSets')) visit(laneSet, []);
    const legacyLaneSet = refOf(processEl, 'laneSet');
    if (legacyLaneSet) visit(legacyLaneSet, []);
    return { pathOf, lanes };
  }

  private procedure(el: El): ProcedureSpec {
    const where = this.where(el);
    const code = qtText(el, 'procedureCode');
    const deadline = this.norm(el, 'deadline', 'deadlineUnit', where);
    const abandonAfter = this.norm(el, 'abandonAfter', 'abandonAfterUnit', where);
    const calendar = qtText(el, 'calendar');
    const source = qtText(el, 'source');
    const cutoff = (attribute: string, fallback: string | undefined): string | undefined => {
      const value = qtText(el, attribute) ?? fallback;
      if (value !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) {
        this.diagnostics.error('CUTOFF_INVALID', `qt:${attribute}="${value}" is not a time of day. Write it as HH:mm, e.g. "15:00".`, where);
        return fallback;
      }
      return value;
    };
    const mode = qtText(el, 'supplementMode');
    if (mode !== undefined && mode !== 'restart' && mode !== 'pause') {
      this.diagnostics.error('SUPPLEMENT_MODE_INVALID', `qt:supplementMode="${mode}" is not known. Use "restart" (the default, Decree 61 Art. 19(4)) or "pause".`, where);
    }
    return {
      ...(code ? { code } : {}),
      ...(deadline ? { deadline } : {}),
      cutoffs: { desk: cutoff('cutoffDesk', '15:00'), online: cutoff('cutoffOnline', undefined), post: cutoff('cutoffPost', undefined) },
      supplementMode: mode === 'pause' ? 'pause' : 'restart',
      ...(abandonAfter ? { abandonAfter } : {}),
      ...(calendar ? { calendar } : {}),
      ...(source ? { source } : {}),
    };
  }

  /** Reads an amount attribute with its unit attribute; a missing or unknown unit is an error. */
  private norm(el: El, amountAttribute: string, unitAttribute: string, where: ReturnType<ModelBuilder['where']>): Norm | undefined {
    const amount = qtValue(el, amountAttribute);
    const unit = qtText(el, unitAttribute);
    if (amount === undefined || amount === null) {
      if (unit !== undefined) this.diagnostics.warning('NORM_AMOUNT_MISSING', `qt:${unitAttribute}="${unit}" is given without qt:${amountAttribute}. Add the amount, e.g. qt:${amountAttribute}="8".`, where);
      return undefined;
    }
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
      this.diagnostics.error('NORM_INVALID', `qt:${amountAttribute}="${String(amount)}" is not a positive number. Write the amount as a number, e.g. qt:${amountAttribute}="8".`, where);
      return undefined;
    }
    if (unit === undefined) {
      this.diagnostics.error('NORM_UNIT_MISSING', `qt:${amountAttribute}="${amount}" has no unit. Add qt:${unitAttribute}="workingHours", "workingDays" or "calendarDays".`, where);
      return undefined;
    }
    if (!(NORM_UNITS as readonly string[]).includes(unit)) {
      this.diagnostics.error('NORM_UNIT_INVALID', `qt:${unitAttribute}="${unit}" is not a unit. Use "workingHours", "workingDays" or "calendarDays".`, where);
      return undefined;
    }
    return { amount, unit: unit as NormUnit };
  }

  private graph(container: El, inheritedLanes: readonly string[]): FlowGraph {
    const elements = listOf(container, 'flowElements');
    const nodes: FlowNode[] = [];
    const refused = new Set<string>();
    const flowEls: El[] = [];
    for (const element of elements) {
      if (element.$type === 'bpmn:SequenceFlow') {
        flowEls.push(element);
        continue;
      }
      if (IGNORED_FLOW_ELEMENTS.has(element.$type)) continue;
      const node = this.node(element, inheritedLanes);
      if (node) nodes.push(node);
      else refused.add(text(element, 'id') ?? '');
    }
    const flows: SequenceFlow[] = [];
    for (const flowEl of flowEls) {
      const flow = this.sequenceFlow(flowEl);
      if (refused.has(flow.sourceId) || refused.has(flow.targetId)) continue;
      flows.push(flow);
    }
    return { nodes: withConnections(nodes, flows), flows };
  }

  private sequenceFlow(el: El): SequenceFlow {
    const id = text(el, 'id') ?? '';
    const name = text(el, 'name');
    const expression = refOf(el, 'conditionExpression');
    let condition: Condition | undefined;
    if (expression) {
      const body = text(expression, 'body');
      if (body === undefined) {
        this.diagnostics.warning('CONDITION_EMPTY', `Sequence flow "${name ?? id}" has an empty condition; it is treated as unconditional. Write a FEEL condition or remove the condition element.`, this.where(el));
      } else {
        // Without xsi:type="tFormalExpression" moddle reads a plain Expression, leaving `language` in $attrs.
        const language = text(expression, 'language') ?? expression.$attrs?.['language'];
        const translated = translateExpression(body, language);
        if (translated.ok) condition = translated.condition;
        else this.diagnostics.error(translated.code, `The condition of sequence flow "${name ?? id}" cannot be used: ${translated.reason}. Rewrite it in FEEL, e.g. amount > 5 and approved = true.`, this.where(el));
      }
    }
    return {
      id,
      ...(name ? { name } : {}),
      sourceId: text(refOf(el, 'sourceRef'), 'id') ?? '',
      targetId: text(refOf(el, 'targetRef'), 'id') ?? '',
      ...(condition ? { condition } : {}),
    };
  }

  private refuse(el: El, why: string): undefined {
    this.diagnostics.error('UNSUPPORTED_ELEMENT', `${shortType(el)} "${text(el, 'name') ?? text(el, 'id') ?? '?'}" is not supported: ${why}.`, this.where(el));
    return undefined;
  }

  private node(el: El, inheritedLanes: readonly string[]): FlowNode | undefined {
    const refusal = REFUSED_TYPES.get(el.$type);
    if (refusal) return this.refuse(el, refusal);
    if (el['isForCompensation'] === true) return this.refuse(el, 'compensation activities are not supported; model the undo steps explicitly');
    const loop = refOf(el, 'loopCharacteristics');
    if (loop && loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics') {
      return this.refuse(el, 'loops (standard loop characteristics) are not supported; use a gateway that flows back, or multi-instance');
    }

    const id = text(el, 'id') ?? '';
    const name = text(el, 'name');
    const laneIds = this.laneContext.pathOf.get(id) ?? inheritedLanes;
    const base = { id, ...(name ? { name } : {}), laneIds, incoming: [] as string[], outgoing: [] as string[] };

    const taskKind = TASK_KINDS.get(el.$type);
    if (taskKind) {
      const messageName = taskKind === 'ReceiveTask' || taskKind === 'SendTask' ? this.messageName(el, refOf(el, 'messageRef')) : undefined;
      const handler = this.handler(el, taskKind);
      const multiInstance = this.multiInstance(el);
      return {
        ...base,
        kind: taskKind,
        step: this.step(el, laneIds),
        ...(multiInstance ? { multiInstance } : {}),
        ...(messageName !== undefined ? { messageName } : {}),
        ...(taskKind === 'ReceiveTask' ? { stopsClock: qtValue(el, 'stopsClock') === true } : {}),
        ...(handler ? { handler } : {}),
      };
    }

    const gatewayKind = GATEWAY_KINDS.get(el.$type as never);
    if (gatewayKind) {
      const defaultFlowId = text(refOf(el, 'default'), 'id');
      return { ...base, kind: gatewayKind, ...(defaultFlowId ? { defaultFlowId } : {}) };
    }

    switch (el.$type) {
      case 'bpmn:SubProcess': {
        const multiInstance = this.multiInstance(el);
        const triggeredByEvent = el['triggeredByEvent'] === true;
        const graph = this.graph(el, laneIds);
        return { ...base, kind: 'SubProcess', triggeredByEvent, step: this.step(el, laneIds), ...(multiInstance ? { multiInstance } : {}), graph };
      }
      case 'bpmn:CallActivity': {
        const multiInstance = this.multiInstance(el);
        const calledElement = text(el, 'calledElement')?.trim() ?? text(zeebeExtension(el, 'calledElement'), 'processId') ?? '';
        return { ...base, kind: 'CallActivity', calledElement, step: this.step(el, laneIds), ...(multiInstance ? { multiInstance } : {}) };
      }
      case 'bpmn:StartEvent': {
        const trigger = this.trigger(el);
        return trigger && { ...base, kind: 'StartEvent', trigger, interrupting: el['isInterrupting'] !== false };
      }
      case 'bpmn:EndEvent': {
        const trigger = this.trigger(el);
        const caseStatus = this.endCaseStatus(el);
        return trigger && { ...base, kind: 'EndEvent', trigger, ...(caseStatus ? { caseStatus } : {}) };
      }
      case 'bpmn:IntermediateCatchEvent': {
        const trigger = this.trigger(el);
        return trigger && { ...base, kind: 'IntermediateCatchEvent', trigger, stopsClock: qtValue(el, 'stopsClock') === true };
      }
      case 'bpmn:IntermediateThrowEvent': {
        const trigger = this.trigger(el);
        return trigger && { ...base, kind: 'IntermediateThrowEvent', trigger };
      }
      case 'bpmn:BoundaryEvent': {
        const trigger = this.trigger(el);
        const attachedToId = text(refOf(el, 'attachedToRef'), 'id') ?? '';
        return trigger && { ...base, kind: 'BoundaryEvent', attachedToId, trigger, interrupting: el['cancelActivity'] !== false };
      }
      default:
        return this.refuse(el, 'this element type has no meaning in a procedure; remove it');
    }
  }

  private step(el: El, laneIds: readonly string[]): StepSpec {
    const where = this.where(el);
    const norm = this.norm(el, 'norm', 'normUnit', where);
    const lanes = laneIds.map((laneId) => this.laneContext.lanes.get(laneId)).filter((lane): lane is Lane => lane !== undefined);
    const innermost = lanes[lanes.length - 1];
    const vendorRole = vendorAttr(el, 'candidateGroups') ?? text(zeebeExtension(el, 'assignmentDefinition'), 'candidateGroups');
    const role = qtText(el, 'role') ?? vendorRole ?? innermost?.role ?? innermost?.name;
    const unit = qtText(el, 'unit') ?? [...lanes].reverse().find((lane) => lane.unit !== undefined)?.unit;
    const outcomes = new Set<string>();
    for (const outcome of (qtText(el, 'outcomes') ?? '').split(',').map((o) => o.trim()).filter((o) => o !== '')) {
      if (outcomes.has(outcome)) this.diagnostics.warning('OUTCOME_DUPLICATE', `Outcome "${outcome}" is listed twice in qt:outcomes. Remove the duplicate.`, where);
      else outcomes.add(outcome);
    }
    return {
      ...(norm ? { norm } : {}),
      ...(role ? { role } : {}),
      ...(unit ? { unit } : {}),
      outcomes: [...outcomes],
      outsideClock: qtValue(el, 'outsideClock') === true,
    };
  }

  /** The server-side handler a service/script/send/business-rule task names; code in the diagram is never run. */
  private handler(el: El, kind: TaskKind): string | undefined {
    if (kind === 'UserTask' || kind === 'ManualTask' || kind === 'Task' || kind === 'ReceiveTask') return undefined;
    const handler = qtText(el, 'handler')
      ?? vendorAttr(el, 'topic')
      ?? vendorAttr(el, 'delegateExpression')
      ?? vendorAttr(el, 'class')
      ?? vendorAttr(el, 'expression')
      ?? text(zeebeExtension(el, 'taskDefinition'), 'type');
    if (kind === 'ScriptTask' && text(el, 'script') !== undefined) {
      this.diagnostics.warning('SCRIPT_IGNORED', `Script task "${text(el, 'name') ?? text(el, 'id')}" contains a script, which is never run. Register a server-side handler and name it with qt:handler.`, this.where(el));
    }
    return handler;
  }

  private messageName(el: El, message: El | undefined): string {
    const name = text(message, 'name') ?? text(message, 'id');
    if (name !== undefined) return name;
    const id = text(el, 'id') ?? '';
    this.diagnostics.warning('MESSAGE_UNNAMED', `"${text(el, 'name') ?? id}" refers to no message; it uses the message name "${id}". Define a bpmn:message and reference it with messageRef.`, this.where(el));
    return id;
  }

  private trigger(el: El): EventTrigger | undefined {
    const definitions = [...listOf(el, 'eventDefinitions'), ...listOf(el, 'eventDefinitionRefs')];
    if (definitions.length > 1) return this.refuse(el, 'events with several triggers (multiple / parallel multiple) are not supported; use an event-based gateway');
    const definition = definitions[0];
    if (!definition) return { kind: 'none' };
    const refusal = REFUSED_EVENT_DEFINITIONS.get(definition.$type);
    if (refusal) return this.refuse(el, refusal);
    switch (definition.$type) {
      case 'bpmn:MessageEventDefinition':
        return { kind: 'message', messageName: this.messageName(el, refOf(definition, 'messageRef')) };
      case 'bpmn:TimerEventDefinition':
        return { kind: 'timer', timer: this.timer(definition) };
      case 'bpmn:ErrorEventDefinition': {
        const error = refOf(definition, 'errorRef');
        const errorCode = text(error, 'errorCode') ?? text(error, 'name');
        return { kind: 'error', ...(errorCode ? { errorCode } : {}) };
      }
      case 'bpmn:EscalationEventDefinition': {
        const escalation = refOf(definition, 'escalationRef');
        const escalationCode = text(escalation, 'escalationCode') ?? text(escalation, 'name');
        return { kind: 'escalation', ...(escalationCode ? { escalationCode } : {}) };
      }
      case 'bpmn:TerminateEventDefinition':
        return { kind: 'terminate' };
      case 'bpmn:SignalEventDefinition': {
        const signal = refOf(definition, 'signalRef');
        return { kind: 'signal', signalName: text(signal, 'name') ?? text(signal, 'id') ?? '' };
      }
      case 'bpmn:LinkEventDefinition':
        return { kind: 'link', linkName: text(definition, 'name') ?? '' };
      default:
        return this.refuse(el, `${definition.$type.replace(/^bpmn:/, '')} triggers are not supported`);
    }
  }

  /** An empty expression is kept (and reported by validation as EMPTY_TIMER). */
  private timer(definition: El): TimerSpec {
    const body = (prop: string): string | undefined => text(refOf(definition, prop), 'body')?.trim();
    const duration = body('timeDuration');
    if (duration !== undefined) return { kind: 'duration', expression: duration };
    const date = body('timeDate');
    if (date !== undefined) return { kind: 'date', expression: date };
    const cycle = body('timeCycle');
    if (cycle !== undefined) return { kind: 'cycle', expression: cycle };
    const kind = refOf(definition, 'timeDate') ? 'date' : refOf(definition, 'timeCycle') ? 'cycle' : 'duration';
    return { kind, expression: '' };
  }

  private multiInstance(el: El): MultiInstanceSpec | undefined {
    const loop = refOf(el, 'loopCharacteristics');
    if (!loop || loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics') return undefined;
    const zeebe = zeebeExtension(loop, 'loopCharacteristics');
    const feel = (source: string | undefined, what: string): string | undefined => {
      if (source === undefined) return undefined;
      const translated = translateExpression(source);
      if (translated.ok) return translated.condition.feel;
      this.diagnostics.error(translated.code, `The multi-instance ${what} of "${text(el, 'name') ?? text(el, 'id')}" cannot be used: ${translated.reason}. Write it in FEEL.`, this.where(el));
      return undefined;
    };
    const inputRef = refOf(loop, 'loopDataInputRef');
    const collection = feel(vendorAttr(loop, 'collection') ?? text(zeebe, 'inputCollection') ?? text(inputRef, 'name') ?? text(inputRef, 'id'), 'collection');
    const elementVariable = vendorAttr(loop, 'elementVariable') ?? text(zeebe, 'inputElement') ?? text(refOf(loop, 'inputDataItem'), 'name');
    const cardinality = feel(text(refOf(loop, 'loopCardinality'), 'body'), 'cardinality');
    const completionCondition = feel(text(refOf(loop, 'completionCondition'), 'body'), 'completion condition');
    return {
      sequential: loop['isSequential'] === true,
      ...(collection ? { collection } : {}),
      ...(elementVariable ? { elementVariable } : {}),
      ...(cardinality ? { cardinality } : {}),
      ...(completionCondition ? { completionCondition } : {}),
    };
  }
}

function isFlowNodeType(el: El): boolean {
  return !['bpmn:TextAnnotation', 'bpmn:Association', 'bpmn:Group', 'bpmn:SequenceFlow', 'bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference'].includes(el.$type);
}

/** Incoming/outgoing are derived from the scope's flows, not from the optional XML lists. */
function withConnections(nodes: readonly FlowNode[], flows: readonly SequenceFlow[]): FlowNode[] {
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  const push = (map: Map<string, string[]>, key: string, flowId: string): void => {
    const list = map.get(key);
    if (list) list.push(flowId);
    else map.set(key, [flowId]);
  };
  for (const flow of flows) {
    push(incoming, flow.targetId, flow.id);
    push(outgoing, flow.sourceId, flow.id);
  }
  return nodes.map((node) => ({ ...node, incoming: incoming.get(node.id) ?? [], outgoing: outgoing.get(node.id) ?? [] }));
}

/**
 * Maps a parsed `bpmn:Definitions` element to the procedure model, adding diagnostics for
 * every element it cannot express.
 */
export function toModel(root: El, diagnostics: DiagnosticCollector): DefinitionsModel {
  return new ModelBuilder(diagnostics).definitions(root);
}

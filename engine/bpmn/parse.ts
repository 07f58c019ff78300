/**
 * BPMN XML → procedure model. A thin wrapper over bpmn-moddle's `fromXML`: hostile input is
 * refused before parsing (guard.ts), moddle's warnings become diagnostics, and the tree is mapped
 * to the frozen IR (to-model.ts). Pure: runs in Node and in the browser editor.
 */
import { BpmnModdle } from 'bpmn-moddle';
import type { ModdleWarning } from 'bpmn-moddle';
import camundaDescriptor from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import qtDescriptor from './qt.json' with { type: 'json' };
import { DiagnosticCollector } from '../diagnostics.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { BpmnParseError } from '../errors.ts';
import { deepFreeze } from './model.ts';
import type { DefinitionsModel } from './model.ts';
import { precheckXml } from './guard.ts';
import { toModel } from './to-model.ts';

/**
 * The `qt` moddle extension (procedure, step, lane and clock attributes), shared with the editor.
 * @example new BpmnModeler({ moddleExtensions: { qt: qtModdleDescriptor } })
 */
export const qtModdleDescriptor = qtDescriptor;

/** What parsing produced: the model and everything noticed on the way. */
export interface ParseResult {
  readonly definitions: DefinitionsModel;
  readonly diagnostics: readonly Diagnostic[];
}

let moddle: BpmnModdle | undefined;

function getModdle(): BpmnModdle {
  // Camunda 7's descriptor lets camunda:* attributes (candidateGroups, collection, …) be read as properties.
  moddle ??= new BpmnModdle({ camunda: camundaDescriptor, qt: qtDescriptor });
  return moddle;
}

function idOf(warning: ModdleWarning): { elementId?: string } {
  const id = warning.element?.['id'];
  return typeof id === 'string' ? { elementId: id } : {};
}

function collectWarning(warning: ModdleWarning, diagnostics: DiagnosticCollector): void {
  const message = warning.message;
  const duplicate = /duplicate ID <([^>]*)>/.exec(message);
  if (duplicate) {
    diagnostics.error('DUPLICATE_ID', `Two elements have the id "${duplicate[1]}"; the second one was dropped. Give every element a unique id.`, { elementId: duplicate[1] ?? '' });
    return;
  }
  const unresolved = /unresolved reference <([^>]*)>/.exec(message);
  if (unresolved) {
    // Diagram-interchange references (shapes, label styles) do not affect what runs.
    if (/^(bpmndi|di|dc):/.test(warning.property ?? '')) return;
    diagnostics.warning('UNRESOLVED_REFERENCE', `A reference${warning.property ? ` (${warning.property})` : ''} points to "${unresolved[1]}", which is not defined in this file. Fix the reference or define the element.`, idOf(warning));
    return;
  }
  const unknownAttribute = /unknown attribute <([^>]*)>/.exec(message);
  if (unknownAttribute) {
    const attribute = unknownAttribute[1] ?? '';
    if (attribute.startsWith('qt:')) {
      diagnostics.warning('UNKNOWN_ATTRIBUTE', `The attribute ${attribute} is not a quytrinh attribute and is ignored. Check its spelling (e.g. qt:normUnit, qt:outcomes).`, idOf(warning));
    }
    return;
  }
  if (/unsupported document encoding/.test(message)) return;
  const unparsable = /unparsable content <([^>]*)> detected[\s\S]*?line: (\d+)[\s\S]*?nested error: (.*)/.exec(message);
  if (unparsable) {
    const [, element, line, reason = ''] = unparsable;
    // moddle counts lines from 0.
    const where = `<${(element ?? '').replace(/\s*\/$/, '')}> at line ${Number(line) + 1}`;
    if (reason.startsWith('unrecognized element')) {
      // An element of a namespace no descriptor knows (a vendor's): it carries no BPMN meaning.
      diagnostics.warning('FOREIGN_ELEMENT_IGNORED', `${where} belongs to an unknown namespace and is ignored. Move vendor data into <bpmn:extensionElements> or remove it.`, idOf(warning));
    } else {
      diagnostics.error('UNREADABLE_ELEMENT', `${where} could not be read (${reason}) and was dropped. Correct the element or export the diagram again.`, idOf(warning));
    }
    return;
  }
  diagnostics.warning('XML_WARNING', `${message.split('\n')[0]}. Check the element in a modeler.`, idOf(warning));
}

/**
 * Reads BPMN 2.0 XML into the procedure model. Diagnostics report unsupported elements, vendor
 * expressions that cannot be evaluated and malformed parts; structural checks are in
 * `validateDefinitions`. Throws `BpmnParseError` (with diagnostics) only when the document is
 * refused outright (hostile, not XML, not BPMN).
 * @example const { definitions, diagnostics } = await parseBpmn(xml);
 */
export async function parseBpmn(xml: string): Promise<ParseResult> {
  const refusals = precheckXml(xml);
  const first = refusals[0];
  if (first) throw new BpmnParseError(first.message, { diagnostics: refusals });

  const diagnostics = new DiagnosticCollector();
  let parsed: Awaited<ReturnType<BpmnModdle['fromXML']>>;
  try {
    parsed = await getModdle().fromXML(xml, 'bpmn:Definitions');
  } catch (cause) {
    const warnings = (cause as { warnings?: readonly ModdleWarning[] }).warnings ?? [];
    const detail = (warnings[0]?.message ?? (cause instanceof Error ? cause.message : String(cause))).split('\n').map((line) => line.trim()).join(' ');
    const diagnostic: Diagnostic = { code: 'XML_UNREADABLE', severity: 'error', message: `The document cannot be read as BPMN 2.0: ${detail}. Export the diagram again as BPMN 2.0 XML.` };
    throw new BpmnParseError(diagnostic.message, { cause, diagnostics: [diagnostic] });
  }
  for (const warning of parsed.warnings) collectWarning(warning, diagnostics);
  const definitions = deepFreeze(toModel(parsed.rootElement, diagnostics));
  return { definitions, diagnostics: diagnostics.items };
}

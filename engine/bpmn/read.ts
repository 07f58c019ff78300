/**
 * One call for the server and the CLI: parse, then validate, with the diagnostics of both.
 */
import type { Diagnostic } from '../diagnostics.ts';
import type { DefinitionsModel } from './model.ts';
import { parseBpmn } from './parse.ts';
import { validateDefinitions } from './validate.ts';

/**
 * Parses and validates a procedure. Throws `BpmnParseError` when the document is refused outright
 * (its `diagnostics` say why); otherwise the procedure can be deployed when `hasErrors(diagnostics)`
 * is false.
 * @example const { definitions, diagnostics } = await readProcedure(xml); if (hasErrors(diagnostics)) …
 */
export async function readProcedure(xml: string): Promise<{ definitions: DefinitionsModel; diagnostics: Diagnostic[] }> {
  const parsed = await parseBpmn(xml);
  // A flow whose condition could not be read is already reported; "has no condition" would be noise.
  const unreadableConditions = new Set(parsed.diagnostics.filter((d) => EXPRESSION_CODES.has(d.code)).map((d) => d.elementId));
  const validation = validateDefinitions(parsed.definitions).filter((d) => !(d.code === 'GATEWAY_FLOW_WITHOUT_CONDITION' && unreadableConditions.has(d.elementId)));
  return { definitions: parsed.definitions, diagnostics: [...parsed.diagnostics, ...validation] };
}

const EXPRESSION_CODES = new Set(['UNSUPPORTED_EXPRESSION', 'INVALID_EXPRESSION']);

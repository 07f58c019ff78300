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
  return { definitions: parsed.definitions, diagnostics: [...parsed.diagnostics, ...validateDefinitions(parsed.definitions)] };
}

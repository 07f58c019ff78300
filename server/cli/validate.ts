/**
 * `quytrinh validate <file.bpmn> [--json]`: parses and validates one procedure file and prints
 * its diagnostics. Exit 0 when it can run (warnings allowed), 1 when it is refused, 2 when the
 * file cannot be read or the arguments are wrong.
 */
import { readFile } from 'node:fs/promises';
import { hasErrors, isEngineError, readProcedure } from '../../engine/index.ts';
import type { Diagnostic } from '../../engine/index.ts';
import { EXIT } from './index.ts';

const USAGE = 'Usage: quytrinh validate <file.bpmn> [--json]\n';

function formatText(file: string, diagnostics: readonly Diagnostic[]): string {
  const lines = diagnostics.map((d) => `${d.severity} ${d.code} ${d.elementId ?? '(document)'}: ${d.message}`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const verdict = errors > 0 ? `invalid: ${errors} error(s), ${warnings} warning(s)` : `valid${warnings > 0 ? ` with ${warnings} warning(s)` : ''}`;
  return `${lines.join('\n')}${lines.length > 0 ? '\n' : ''}${file}: ${verdict}\n`;
}

/** Reads, parses and validates; a refused document yields its diagnostics rather than throwing. */
async function diagnose(xml: string): Promise<readonly Diagnostic[]> {
  try {
    return (await readProcedure(xml)).diagnostics;
  } catch (cause) {
    if (isEngineError(cause) && cause.diagnostics.length > 0) return cause.diagnostics;
    throw cause;
  }
}

export async function run(args: string[]): Promise<number> {
  const json = args.includes('--json');
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const unknown = args.filter((arg) => arg.startsWith('-') && arg !== '--json');
  const files = args.filter((arg) => !arg.startsWith('-'));
  const file = files[0];
  if (unknown.length > 0 || files.length !== 1 || file === undefined) {
    process.stderr.write(`quytrinh validate: ${unknown.length > 0 ? `unknown option ${unknown.join(' ')}` : 'give exactly one file'}\n${USAGE}`);
    return EXIT.usage;
  }
  let xml: string;
  try {
    xml = await readFile(file, 'utf8');
  } catch (cause) {
    process.stderr.write(`quytrinh validate: cannot read ${file}: ${(cause as Error).message}\n`);
    return EXIT.usage;
  }
  const diagnostics = await diagnose(xml);
  const valid = !hasErrors(diagnostics);
  process.stdout.write(json ? `${JSON.stringify({ file, valid, diagnostics }, null, 2)}\n` : formatText(file, diagnostics));
  return valid ? EXIT.ok : EXIT.refused;
}

/**
 * The dossier code (mã hồ sơ) given at receipt. The default follows Circular 03/2025/TT-VPCP
 * Art. 13(3) as added by Circular 04/2025/TT-VPCP Art. 23: `<agency e-ID>-YYMMDD-AAXXXX`, where AA
 * are two digits of the e-ID code of the agency owning the central system and XXXX the sequence
 * number within the receipt day (at least 4 digits). Agencies with another rule set a template.
 */

/** Placeholders of a template: `{agency}`, `{yymmdd}` (local receipt date), `{system}` (AA) and `{seq}`. */
export const DEFAULT_CASE_CODE_TEMPLATE = '{agency}-{yymmdd}-{system}{seq}';

const PLACEHOLDER = /\{(\w+)\}/g;
const KNOWN = new Set(['agency', 'yymmdd', 'system', 'seq']);

export interface CaseCodeFormat {
  readonly template: string;
  readonly agency: string;
  readonly system: string;
}

/**
 * Checks a template and its values; the message of the error names what to fix.
 *
 * @example caseCodeFormat('{agency}-{yymmdd}-{system}{seq}', '000.00.12.H10', '12')
 */
export function caseCodeFormat(template: string, agency: string, system: string): CaseCodeFormat {
  const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const unknown = names.filter((n) => !KNOWN.has(n));
  if (unknown.length > 0) throw new Error(`The case code template "${template}" has unknown placeholders {${unknown.join('}, {')}}; use {agency}, {yymmdd}, {system} and {seq}.`);
  // Without the sequence number two dossiers of one day would get the same code.
  if (names.filter((n) => n === 'seq').length !== 1) throw new Error(`The case code template "${template}" must contain {seq} exactly once.`);
  if (!/^[\w.]{1,40}$/.test(agency)) throw new Error(`The agency code "${agency}" must be 1–40 letters, digits, dots or underscores (the agency's e-ID code).`);
  if (!/^\d{2}$/.test(system)) throw new Error(`The system code "${system}" must be two digits (from the e-ID code of the agency owning the central system).`);
  return { template, agency, system };
}

/** The format configured by the environment: AGENCY_CODE (default `QT`), CASE_CODE_SYSTEM (`00`), CASE_CODE_TEMPLATE. */
export function caseCodeFromEnv(env: NodeJS.ProcessEnv = process.env): CaseCodeFormat {
  return caseCodeFormat(env.CASE_CODE_TEMPLATE ?? DEFAULT_CASE_CODE_TEMPLATE, env.AGENCY_CODE ?? 'QT', env.CASE_CODE_SYSTEM ?? '00');
}

/**
 * The code of a dossier received at `receivedAt` without its sequence number: the key its day's
 * counter is kept under, and the function that completes it.
 */
export function caseCodeOfDay(format: CaseCodeFormat, receivedAt: string): { readonly counterKey: string; withSequence(seq: number): string } {
  const local = new Date(Date.parse(receivedAt) + 7 * 3_600_000).toISOString();
  const values: Record<string, string> = { agency: format.agency, system: format.system, yymmdd: `${local.slice(2, 4)}${local.slice(5, 7)}${local.slice(8, 10)}` };
  const counterKey = format.template.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
  return { counterKey, withSequence: (seq) => counterKey.replace('{seq}', String(seq).padStart(4, '0')) };
}

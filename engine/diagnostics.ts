/**
 * Diagnostics are data: parse, validate and compile return them beside their result so the
 * editor, the CLI and the server show the same list. Only when no result can be produced is an
 * error thrown, and then it carries the diagnostics collected so far.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  /** Says what is wrong and how to fix it. */
  readonly message: string;
  readonly elementId?: string;
  readonly elementName?: string;
  readonly processId?: string;
  /** For soundness findings: the element ids of a path that reaches the problem. */
  readonly path?: readonly string[];
}

/** @example hasErrors([{ code: 'X', severity: 'error', message: 'm' }]) // true */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Collects diagnostics in the order they are found. */
export class DiagnosticCollector {
  readonly items: Diagnostic[] = [];
  add(diagnostic: Diagnostic): void {
    this.items.push(diagnostic);
  }
  error(code: string, message: string, where: Omit<Diagnostic, 'code' | 'severity' | 'message'> = {}): void {
    this.add({ code, severity: 'error', message, ...where });
  }
  warning(code: string, message: string, where: Omit<Diagnostic, 'code' | 'severity' | 'message'> = {}): void {
    this.add({ code, severity: 'warning', message, ...where });
  }
}

import type { Diagnostic } from './diagnostics.ts';

/** Stable error codes: the server maps each to an HTTP status in exactly one place. */
export type EngineErrorCode =
  | 'BPMN_PARSE'
  | 'BPMN_INVALID'
  | 'UNSUPPORTED_ELEMENT'
  | 'INVALID_TRANSITION'
  | 'DEADLINE_CALENDAR'
  | 'DEFINITION_MISMATCH';

export class EngineError extends Error {
  override name = 'EngineError';
  readonly code: EngineErrorCode;
  readonly diagnostics: readonly Diagnostic[];
  constructor(code: EngineErrorCode, message: string, options: { cause?: unknown; diagnostics?: readonly Diagnostic[] } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.diagnostics = options.diagnostics ?? [];
  }
}

/** The XML could not be read as BPMN at all. */
export class BpmnParseError extends EngineError {
  override name = 'BpmnParseError';
  constructor(message: string, options: { cause?: unknown; diagnostics?: readonly Diagnostic[] } = {}) {
    super('BPMN_PARSE', message, options);
  }
}

/** The diagram was read but cannot run; the diagnostics name the elements. */
export class BpmnInvalidError extends EngineError {
  override name = 'BpmnInvalidError';
  constructor(message: string, diagnostics: readonly Diagnostic[]) {
    super('BPMN_INVALID', message, { diagnostics });
  }
}

export class UnsupportedElementError extends EngineError {
  override name = 'UnsupportedElementError';
  constructor(readonly elementId: string, readonly elementType: string) {
    super('UNSUPPORTED_ELEMENT', `${elementType} "${elementId}" is not supported. Try replacing it with a supported element.`);
  }
}

/** An event that the case cannot take in its current state (e.g. completing a step that is not open). */
export class InvalidTransitionError extends EngineError {
  override name = 'InvalidTransitionError';
  constructor(readonly caseId: string, readonly event: string, readonly state: readonly string[]) {
    super('INVALID_TRANSITION', `Event ${event} is not allowed now; active steps: ${state.join(', ') || 'none'}. Try one of the actions the case offers.`);
  }
}

export class DeadlineCalendarError extends EngineError {
  override name = 'DeadlineCalendarError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('DEADLINE_CALENDAR', message, options);
  }
}

/** Checks name and code rather than only `instanceof`, so errors survive module duplication. */
export function isEngineError(e: unknown): e is EngineError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && /Error$/.test(e.name) && 'diagnostics' in e;
}

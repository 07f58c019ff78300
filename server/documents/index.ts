/** Printable forms of a case (BM.01–BM.05) as print-ready HTML. */
import { notFound } from '../errors.ts';
import type { DbOrTx } from '../storage/db.ts';
import { loadDocumentContext, type DocumentOptions } from './load.ts';
import { FORMS, RENDERERS, type DocumentContext, type FormName } from './templates.ts';

export { FORMS, type FormName, type DocumentContext } from './templates.ts';
export { loadDocumentContext, caseAuditEvents, type DocumentOptions } from './load.ts';

export function isFormName(value: string): value is FormName {
  return (FORMS as readonly string[]).includes(value);
}

const REQUIRES: Partial<Record<FormName, { key: keyof DocumentContext; what: string }>> = {
  supplement: { key: 'supplement', what: 'no supplement request was made for this case' },
  refusal: { key: 'refusal', what: 'this case was not refused' },
  apology: { key: 'apology', what: 'no apology letter was issued for this case' },
};

/**
 * Renders one form of one case. Forms that record an act (supplement request, refusal, apology)
 * exist only once the act is in the audit log.
 *
 * @example const html = await renderCaseDocument(db, caseId, 'control-slip', { now: clock.now() });
 */
export async function renderCaseDocument(db: DbOrTx, caseId: string, form: FormName, options: DocumentOptions): Promise<string> {
  const ctx = await loadDocumentContext(db, caseId, options);
  const need = REQUIRES[form];
  if (need && ctx[need.key] === undefined) throw notFound(`The ${form} form (${need.what})`);
  return RENDERERS[form](ctx);
}

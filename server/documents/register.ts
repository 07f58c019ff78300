/** The dossier register (BM.06) of a receiving unit for a period, read from the cases table. */
import { notFound } from '../errors.ts';
import type { DbOrTx } from '../storage/db.ts';
import { registerHtml, type Applicant, type RegisterRow } from './templates.ts';

/** Status code 10: the result was returned (domain.md status vocabulary). */
const RESULT_RETURNED = 10;

/**
 * Renders the register of the dossiers `unitId` received between two instants, in receipt order.
 *
 * @example await renderRegister(db, 'CB-TTPVHCC', '2026-02-28T17:00:00Z', '2026-03-31T16:59:59Z', clock.now())
 */
export async function renderRegister(db: DbOrTx, unitId: string, from: string, to: string, now: string): Promise<string> {
  const units = await db.selectFrom('units').select(['id', 'name', 'parent_id']).execute();
  const byId = new Map(units.map((u) => [u.id, u]));
  const unit = byId.get(unitId);
  if (!unit) throw notFound(`Unit "${unitId}"`);
  const top = (id: string): string => {
    const seen = new Set<string>();
    let current = id;
    while (byId.get(current)?.parent_id && !seen.has(current)) {
      seen.add(current);
      current = byId.get(current)!.parent_id!;
    }
    return current;
  };
  const cases = await db
    .selectFrom('cases')
    .leftJoin('procedures', 'procedures.process_id', 'cases.process_id')
    .select(['cases.id', 'cases.code', 'cases.process_id', 'procedures.name', 'cases.applicant', 'cases.channel', 'cases.received_at', 'cases.appointment_at', 'cases.ended_at', 'cases.status_code'])
    .where('cases.unit_id', '=', unitId)
    .where('cases.received_at', '>=', new Date(from).toISOString())
    .where('cases.received_at', '<=', new Date(to).toISOString())
    .orderBy('cases.received_at')
    .orderBy('cases.code')
    .execute();
  // The lead agency: the top unit of the first step outside the receiving desk.
  const steps = cases.length
    ? await db.selectFrom('case_steps').select(['case_id', 'unit_id', 'opened_at']).where('case_id', 'in', cases.map((c) => c.id)).orderBy('opened_at').execute()
    : [];
  const lead = new Map<string, string>();
  for (const s of steps) if (s.unit_id && s.unit_id !== unitId && !lead.has(s.case_id)) lead.set(s.case_id, top(s.unit_id));
  const rows: RegisterRow[] = cases.map((c) => {
    const leadId = lead.get(c.id);
    return {
      code: c.code,
      procedureName: c.name ?? c.process_id,
      applicant: JSON.parse(c.applicant) as Applicant,
      ...(leadId !== undefined && { handlingUnitName: byId.get(leadId)?.name ?? leadId }),
      receivedAt: c.received_at,
      appointmentAt: c.appointment_at,
      returnedAt: c.status_code === RESULT_RETURNED ? c.ended_at : null,
      channel: c.channel,
    };
  });
  return registerHtml({ unitName: unit.name, agencyName: byId.get(top(unitId))?.name ?? unit.name, from, to, printedAt: now, rows });
}

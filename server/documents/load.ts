/**
 * Reads what a printed form needs from the database: the case row, its procedure version, the
 * units and users named, and the case's audit log (the control slip is a reduction of it).
 */
import { controlSlipRows, type AuditEvent, type AuditEventData, type AuditEventType, type WorkingTime } from '../../engine/index.ts';
import { notFound } from '../errors.ts';
import type { DbOrTx } from '../storage/db.ts';
import type { Applicant, DocumentContext, SlipRowView } from './templates.ts';

/** Where the working-time figures come from; without one, results rely on recorded due instants. */
export interface DocumentOptions {
  readonly workingTime?: WorkingTime;
  readonly now: string;
  /** Place name printed before the date (e.g. "Cao Bằng"). */
  readonly place?: string;
}

const NO_WORKING_TIME: WorkingTime = { workingMinutesBetween: () => 0 };

function parse<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function asStrings(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

/** The case's audit log in the engine's vocabulary, in append order. */
export async function caseAuditEvents(db: DbOrTx, caseId: string): Promise<AuditEvent[]> {
  const rows = await db.selectFrom('audit_events').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
  return rows.map((r) => ({
    type: r.type as AuditEventType,
    at: r.at,
    caseId: r.case_id,
    ...(r.actor !== null && { actor: r.actor }),
    ...(r.unit_id !== null && { unit: r.unit_id }),
    ...(r.element_id !== null && { elementId: r.element_id }),
    ...(r.step_key !== null && { stepKey: r.step_key }),
    data: parse<Record<string, unknown>>(r.data, {}),
  }));
}

/** Builds the form context of one case; 404 when the case does not exist. */
export async function loadDocumentContext(db: DbOrTx, caseId: string, options: DocumentOptions): Promise<DocumentContext> {
  const row = await db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  if (!row) throw notFound(`Case "${caseId}"`);
  const [procedure, version, units, events, steps, apology] = await Promise.all([
    db.selectFrom('procedures').select(['name', 'code']).where('process_id', '=', row.process_id).executeTakeFirst(),
    db.selectFrom('procedure_versions').select(['procedure']).where('process_id', '=', row.process_id).where('version', '=', row.version).executeTakeFirst(),
    db.selectFrom('units').select(['id', 'name', 'parent_id']).execute(),
    caseAuditEvents(db, caseId),
    db.selectFrom('case_steps').select(['step_key', 'timeliness', 'claimed_by', 'closed_by']).where('case_id', '=', caseId).execute(),
    db.selectFrom('apology_letters').selectAll().where('case_id', '=', caseId).executeTakeFirst(),
  ]);
  const unitById = new Map(units.map((u) => [u.id, u]));
  const unitName = (id: string | null | undefined) => (id ? (unitById.get(id)?.name ?? id) : undefined);
  const topUnit = (id: string): string => {
    const seen = new Set<string>();
    let current = id;
    for (;;) {
      const parent = unitById.get(current)?.parent_id;
      if (!parent || seen.has(current)) return current;
      seen.add(current);
      current = parent;
    }
  };

  // Audit actors are usernames; forms print people's names.
  const usernames = [...new Set([...events.map((e) => e.actor), ...steps.flatMap((s) => [s.claimed_by, s.closed_by])].filter((a): a is string => !!a))];
  const users = usernames.length ? await db.selectFrom('users').select(['id', 'username', 'display_name']).where((eb) => eb.or([eb('username', 'in', usernames), eb('id', 'in', usernames)])).execute() : [];
  const person = (who: string | undefined | null) => {
    if (!who) return undefined;
    const u = users.find((x) => x.username === who || x.id === who);
    return u ? u.display_name : who;
  };

  const spec = parse<{ deadline?: { amount: number; unit: string }; code?: string }>(version?.procedure, {});
  const data = parse<Record<string, unknown>>(row.data, {});
  const applicant = parse<Applicant>(row.applicant, {});
  const received = events.find((e) => e.type === 'case.received');
  const lastOf = (type: AuditEventType) => [...events].reverse().find((e) => e.type === type);
  const supplement = lastOf('supplement.requested');
  const refusal = lastOf('case.refused');
  const apologyEvent = lastOf('apology.issued');

  // Step results: the server's recorded classification wins over the reduction's.
  const recorded = new Map(steps.map((s) => [s.step_key, s.timeliness]));
  const slip = controlSlipRows(events, { workingTime: options.workingTime ?? NO_WORKING_TIME, now: options.now });
  const receivingUnitName = unitName(row.unit_id) ?? row.unit_id;
  const slipRows: SlipRowView[] = slip.map((r) => {
    const result = (r.fromStepKey ? recorded.get(r.fromStepKey) : undefined) ?? r.result;
    const giverPerson = person(r.giverActor);
    const receiverPerson = person(r.receiverActor);
    const note = [r.fromStepName && `Chuyển từ: ${r.fromStepName}`, r.toStepName && `Bước: ${r.toStepName}`].filter(Boolean).join('. ');
    return {
      giver: unitName(r.giverUnit) ?? receivingUnitName,
      receiver: unitName(r.receiverUnit) ?? r.receiverRole ?? '',
      handedAt: r.handedAt,
      ...(result && { result }),
      ...(note && { note }),
      ...(giverPerson !== undefined && { giverPerson }),
      ...(receiverPerson !== undefined && { receiverPerson }),
    };
  });

  // The handling agency is the top unit of the first step outside the receiving desk; any
  // other top units the dossier passed through coordinated.
  const deskTop = topUnit(row.unit_id);
  const stepTops = [...new Set(slip.map((r) => r.receiverUnit).filter((u): u is string => !!u && u !== row.unit_id).map(topUnit))];
  const handling = stepTops[0] ?? deskTop;
  const supplementData = (supplement?.data ?? {}) as AuditEventData['supplement.requested'];
  const apologyData = (apologyEvent?.data ?? {}) as AuditEventData['apology.issued'];
  const documents = asStrings(data.documents);
  const copies = typeof data.copies === 'number' ? data.copies : undefined;
  const delegate = typeof data.delegate === 'string' ? data.delegate : undefined;
  const receiver = person(received?.actor);
  const newAppointment = apology?.new_appointment ?? apologyData.newAppointmentAt;
  const procedureCode = spec.code ?? procedure?.code ?? undefined;

  return {
    caseId,
    code: row.code,
    procedureName: procedure?.name ?? row.process_id,
    ...(procedureCode ? { procedureCode } : {}),
    ...(spec.deadline && { deadline: spec.deadline }),
    channel: row.channel,
    applicant,
    agencyName: unitName(deskTop) ?? receivingUnitName,
    receivingUnitName,
    receivedAt: row.received_at,
    appointmentAt: row.appointment_at,
    ...(receiver !== undefined && { receiver }),
    ...(documents && { documents }),
    ...(copies !== undefined && { copies }),
    ...(delegate !== undefined && { delegate }),
    registerNumber: row.code.split('-').at(-1) ?? row.code,
    ...(supplement && {
      supplement: {
        at: supplement.at,
        ...(supplementData.reason !== undefined && { reason: supplementData.reason }),
        ...(asStrings(supplementData.items) && { items: asStrings(supplementData.items)! }),
        ...(person(supplement.actor) !== undefined && { officer: person(supplement.actor)! }),
      },
    }),
    ...(refusal && {
      refusal: {
        at: refusal.at,
        ...(typeof refusal.data?.reason === 'string' && { reason: refusal.data.reason }),
        ...(person(refusal.actor) !== undefined && { officer: person(refusal.actor)! }),
      },
    }),
    ...(newAppointment && {
      apology: {
        issuedAt: apology?.issued_at ?? apologyEvent?.at ?? options.now,
        reason: apology?.reason ?? apologyData.reason ?? '',
        previousAppointment: apology?.previous_appointment ?? apologyData.previousAppointmentAt ?? null,
        newAppointment,
        signedBy: apology?.signed_by ?? apologyData.signedBy ?? '',
      },
    }),
    handlingUnitName: unitName(handling) ?? handling,
    coordinatingUnitNames: stepTops.slice(1).map((u) => unitName(u) ?? u),
    slipRows,
    printedAt: options.now,
    ...(options.place !== undefined && { place: options.place }),
  };
}

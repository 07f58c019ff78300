/**
 * `quytrinh simulate`: a realistic case history for demos and benchmarks, produced by driving the
 * real HTTP API in process (`app.request` with API tokens: routes, access checks, services,
 * transactions, audit chains and the timer scheduler all run as in production) under a simulated
 * clock. Deterministic for a seed: arrivals, channels, step durations, outcomes, supplement rounds,
 * refusals and apology letters come from one seeded generator, and events run in time order.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readProcedure } from '../../engine/index.ts';
import type { ProcessModel } from '../../engine/index.ts';
import { createApp, serviceDeps } from '../app.ts';
import type { Role } from '../auth/principal.ts';
import { createApiToken, createUser, ensureUnits, findUserByUsername, revokeApiToken } from '../auth/store.ts';
import { testClock } from '../clock.ts';
import { createScheduler } from '../scheduler/scheduler.ts';
import type { WorkingCalendar } from '../services/ports.ts';
import { DEFAULT_DB_URL, createDb } from '../storage/db.ts';
import type { DbHandle } from '../storage/db.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { bpmnFiles } from './files.ts';
import { EXIT } from './index.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DAY_MS = 86_400_000;
const WORKING_DAY_MINUTES = 8 * 60;
/** Everything the simulator creates says so, so demo data is never mistaken for real dossiers. */
export const SIMULATION_LABEL = '[Mô phỏng]';

export interface SimulationProgress {
  readonly received: number;
  readonly total: number;
  readonly ended: number;
  /** The simulated instant (ISO, UTC). */
  readonly at: string;
}

export interface SimulationOptions {
  readonly db: DbHandle;
  /** Number of dossiers received between `from` and `to`. */
  readonly cases: number;
  /** Start of the arrival period: an ISO instant, or a date (local midnight, UTC+7). */
  readonly from: string;
  /** End of the arrival period (exclusive), same forms as `from`. */
  readonly to: string;
  readonly seed: number;
  /** Process ids that receive dossiers; default every deployed procedure that no other procedure calls (callers included: their liên thông runs as child cases), except `thin-slice`. */
  readonly procedures?: readonly string[];
  /** Folder of `*.bpmn` deployed first (default processes/). */
  readonly processesDir?: string;
  /** Stop working at this instant: later events stay undone and their cases stay open (default: run until every case ends). */
  readonly until?: string;
  /** The procedure that gets a simplified second version half-way (default `cao-bang-1-001806`); `null` for none. */
  readonly secondVersionOf?: string | null;
  readonly onProgress?: (progress: SimulationProgress) => void;
}

export interface SimulationSummary {
  /** Dossiers received from applicants (child cases of liên thông not included). */
  readonly received: number;
  /** Child cases started by call activities (liên thông to another agency). */
  readonly childCases: number;
  readonly ended: number;
  readonly open: number;
  /** Cases per status code (the 10-code vocabulary). */
  readonly byStatus: Readonly<Record<number, number>>;
  /** Cases with a result (status 9/10) finished early or on time, over all cases with a result. */
  readonly onTimeRate: number;
  readonly apologies: number;
  readonly supplementRounds: number;
  /** Cases refused: ended at a refusal end event (`End_Refused…`) or closed as refused (status 3). */
  readonly refusals: number;
  /** `processId vN` of every version deployed during the run. */
  readonly deployed: readonly string[];
  /** Requests sent to the API. */
  readonly requests: number;
}

/** Simulation parameters: how officers and applicants behave. Probabilities per occasion. */
const BEHAVIOUR = {
  channels: [['desk', 0.6], ['online', 0.35], ['post', 0.05]] as const,
  refuseAtReceipt: 0.04,
  supplementOutcome: 0.1,
  returnForRework: 0.08,
  /** A case-level supplement request (Decree 61 Art. 19(4)) during the first working days. */
  supplementRequest: 0.03,
  /** The applicant never completes the dossier and withdraws. */
  neverResubmits: 0.05,
  /** When a step will end less than a working day before the appointment, the agency apologises. */
  apologiseWhenLate: 0.75,
  /** Step duration as a share of its norm: mostly early, some around the norm, a few late. */
  durations: [[0.82, 0.2, 0.95], [0.12, 0.95, 1.05], [0.06, 1.1, 2.2]] as const,
} as const;

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Thu', 'Quốc', 'Ngọc', 'Đức', 'Thanh'];
const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Hà', 'Hải', 'Hương', 'Lan', 'Long', 'Mai', 'Nam', 'Phúc', 'Quân', 'Tâm', 'Trang', 'Tuấn'];

/** mulberry32: a small, fast, seedable generator (deterministic across platforms). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A date `YYYY-MM-DD` is local midnight in Vietnam; anything else must be an ISO instant. */
function toInstant(text: string): string {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00+07:00` : text;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`"${text}" is neither a date (YYYY-MM-DD) nor an ISO instant`);
  return new Date(ms).toISOString();
}


interface Catalogued {
  readonly xml: string;
  readonly process: ProcessModel;
  /** The unit of the lane holding the start event: where dossiers are received. */
  readonly deskUnit: string;
  /** Call activities: element id → the called process id. */
  readonly calls: ReadonlyMap<string, string>;
}

async function catalogue(dir: string): Promise<Map<string, Catalogued>> {
  const byId = new Map<string, Catalogued>();
  for (const file of bpmnFiles(dir)) {
    const xml = readFileSync(file, 'utf8');
    const { definitions } = await readProcedure(xml);
    if (!definitions) continue;
    for (const process of definitions.processes.filter((p) => p.isExecutable)) {
      const start = process.graph.nodes.find((n) => n.kind === 'StartEvent');
      const laneId = start?.laneIds.at(-1);
      const deskUnit = process.lanes.find((l) => l.id === laneId)?.unit ?? process.lanes.find((l) => l.unit)?.unit;
      if (!deskUnit) continue;
      const calls = new Map<string, string>();
      for (const node of process.graph.nodes) if (node.kind === 'CallActivity') calls.set(node.id, node.calledElement);
      byId.set(process.id, { xml, process, deskUnit, calls });
    }
  }
  return byId;
}

/**
 * The simplified version a 1085 review might adopt: the published total cut by 20 % (rounded to
 * half days), taken from the step with the longest norm. Returns undefined when nothing can be cut.
 */
export function simplifiedVersion(xml: string): string | undefined {
  const deadline = /qt:deadline="([\d.]+)"/.exec(xml);
  const norms = [...xml.matchAll(/<bpmn:userTask id="([^"]+)"[^>]*?qt:norm="([\d.]+)"/g)];
  if (!deadline || norms.length === 0) return undefined;
  const total = Number(deadline[1]);
  const cut = total - Math.round(total * 0.8 * 2) / 2;
  const longest = norms.reduce((a, b) => (Number(b[2]) > Number(a[2]) ? b : a));
  const norm = Number(longest[2]);
  if (cut <= 0 || norm - cut <= 0) return undefined;
  const [tag] = longest;
  return xml
    .replace(`qt:deadline="${deadline[1]}"`, `qt:deadline="${total - cut}"`)
    .replace(tag, tag.replace(`qt:norm="${longest[2]}"`, `qt:norm="${norm - cut}"`))
    .replace(/(<bpmn:process [^>]*name=")([^"]*)"/, '$1$2 (phương án đơn giản hóa)"');
}

interface OpenStep {
  stepKey: string;
  elementId: string;
  role: string | null;
  unitId: string | null;
  openedAt: string;
  dueAt: string | null;
  outcomes: string[];
}

interface CaseView {
  id: string;
  code: string;
  processId: string;
  statusCode: number;
  unitId: string;
  appointmentAt: string | null;
  endedAt: string | null;
  apologyCount: number;
  parentCaseId: string | null;
  openSteps: OpenStep[];
  actions: { action: string }[];
  /** Active element ids of the diagram (call activities waiting for their child case are here, not in openSteps). */
  active: string[];
}

interface SimCase {
  readonly id: string;
  readonly processId: string;
  readonly parentId?: string;
  readonly scheduled: Set<string>;
  readonly reworked: Set<string>;
  supplements: number;
  resubmissionPlanned: boolean;
  apologyConsidered: boolean;
  ended: boolean;
}

type SimEvent =
  | { readonly kind: 'arrive'; readonly processId: string; readonly channel: string }
  | { readonly kind: 'work'; readonly caseId: string; readonly stepKey: string }
  | { readonly kind: 'resubmit'; readonly caseId: string }
  | { readonly kind: 'withdraw'; readonly caseId: string }
  | { readonly kind: 'deploy'; readonly processId: string };

/** A binary heap of events ordered by time, then by insertion (ties keep their order). */
class Agenda {
  private readonly items: { at: number; seq: number; event: SimEvent }[] = [];
  private seq = 0;
  get size(): number {
    return this.items.length;
  }
  push(at: number, event: SimEvent): void {
    const items = this.items;
    items.push({ at, seq: this.seq++, event });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }
  pop(): { at: number; event: SimEvent } | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top && last && items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(l, m)) m = l;
        if (r < items.length && this.less(r, m)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }
  private less(a: number, b: number): boolean {
    const x = this.items[a]!;
    const y = this.items[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
}

/**
 * Runs a simulation against a migrated database and returns what happened.
 *
 * @example const summary = await simulate({ db, cases: 200, from: '2026-01-05', to: '2026-03-31', seed: 42 });
 */
export async function simulate(options: SimulationOptions): Promise<SimulationSummary> {
  const { db } = options;
  const random = generator(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const from = toInstant(options.from);
  const to = toInstant(options.to);
  if (Date.parse(to) <= Date.parse(from)) throw new Error('--to must be after --from');
  const until = options.until ? Date.parse(toInstant(options.until)) : Number.POSITIVE_INFINITY;

  const clock = testClock(from);
  const deps = serviceDeps({ db, clock });
  const calendar: WorkingCalendar = deps.calendars(undefined);
  const app = createApp({ db, clock });
  const scheduler = createScheduler(deps, { workerId: `simulate-${options.seed}`, log: () => {} });

  // --- Procedures, units and the simulated officers (one API token per role in a unit) ---
  const procedures = await catalogue(resolve(options.processesDir ?? join(ROOT, 'processes')));
  const called = new Set([...procedures.values()].flatMap((p) => [...p.calls.values()]));
  const receiving = (options.procedures ?? [...procedures.keys()].filter((id) => !called.has(id) && id !== 'thin-slice'))
    .filter((id) => {
      if (procedures.has(id)) return true;
      throw new Error(`No procedure "${id}" under the processes folder. Known: ${[...procedures.keys()].join(', ')}`);
    });
  if (receiving.length === 0) throw new Error('No procedure to receive dossiers for.');

  const units = new Map<string, string>();
  const grants = new Map<string, { role: Role; unitId: string }>();
  for (const { process } of procedures.values()) {
    for (const lane of process.lanes) {
      if (!lane.unit) continue;
      if (!units.has(lane.unit)) units.set(lane.unit, lane.name ?? lane.unit);
      const role: Role = lane.role === 'unitHead' ? 'unitHead' : 'officer';
      grants.set(`${role}|${lane.unit}`, { role, unitId: lane.unit });
    }
  }
  await ensureUnits(db.db, [...units].map(([code, name]) => ({ code, name })));
  const firstUnit = [...units.keys()][0]!;
  grants.set(`designer|${firstUnit}`, { role: 'designer', unitId: firstUnit });
  grants.set(`reviewer|${firstUnit}`, { role: 'reviewer', unitId: firstUnit });

  const issued: { userId: string; tokenId: string }[] = [];
  // Password hashing is deliberately slow; hash the accounts side by side (the order of the rows does not matter).
  const tokens = new Map(
    await Promise.all(
      [...grants].map(async ([key, grant]) => {
        const username = `mophong.${grant.role}.${grant.unitId}`.toLowerCase();
        const user = (await findUserByUsername(db.db, username)) ?? (await createUser(db.db, { username, displayName: `${SIMULATION_LABEL} ${grant.role} @ ${grant.unitId}`, password: randomUUID(), roles: [grant] }, clock.now()));
        const token = await createApiToken(db.db, user.id, 'quytrinh simulate', clock.now());
        issued.push({ userId: user.id, tokenId: token.id });
        return [key, token.token] as const;
      }),
    ),
  );
  const tokenFor = (role: string | null, unitId: string | null): string => tokens.get(`${role === 'unitHead' ? 'unitHead' : 'officer'}|${unitId}`) ?? tokens.get(`officer|${unitId}`) ?? tokens.get(`reviewer|${firstUnit}`)!;
  const reviewer = tokens.get(`reviewer|${firstUnit}`)!;
  const designer = tokens.get(`designer|${firstUnit}`)!;

  let requests = 0;
  async function api<T>(method: string, path: string, token: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    requests += 1;
    const response = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'x-request-id': `simulate-${options.seed}-${requests}` },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 400)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const deployed: string[] = [];
  for (const id of new Set([...receiving, ...[...called].filter((c) => procedures.has(c))])) {
    const result = await api<{ processId: string; version: number; created: boolean }>('POST', '/api/procedures', designer, procedures.get(id)!.xml, 'text/xml');
    if (result.created) deployed.push(`${result.processId} v${result.version}`);
  }

  // --- The agenda: arrivals spread over working time, a second version half-way ---
  const agenda = new Agenda();
  const period = calendar.workingMinutesBetween(from, to);
  const offsets = Array.from({ length: options.cases }, () => Math.floor(random() * period)).sort((a, b) => a - b);
  for (const minutes of offsets) {
    const at = Date.parse(calendar.addNorm(from, { amount: minutes / 60, unit: 'workingHours' }));
    const channelDraw = random();
    let channel: string = BEHAVIOUR.channels[0][0];
    let acc = 0;
    for (const [name, share] of BEHAVIOUR.channels) {
      acc += share;
      if (channelDraw < acc) {
        channel = name;
        break;
      }
    }
    agenda.push(at, { kind: 'arrive', processId: pick(receiving), channel });
  }
  const secondVersionOf = options.secondVersionOf === undefined ? 'cao-bang-1-001806' : options.secondVersionOf;
  if (secondVersionOf && receiving.includes(secondVersionOf)) {
    agenda.push(Date.parse(calendar.addNorm(from, { amount: period / 2 / 60, unit: 'workingHours' })), { kind: 'deploy', processId: secondVersionOf });
  }

  const cases = new Map<string, SimCase>();
  let received = 0;
  let endedCount = 0;
  const now = (): string => clock.now();

  function durationShare(): number {
    const draw = random();
    let acc = 0;
    for (const [share, low, high] of BEHAVIOUR.durations) {
      acc += share;
      if (draw < acc) return low + random() * (high - low);
    }
    return 1;
  }

  async function findChild(parent: SimCase, calledElement: string): Promise<CaseView | undefined> {
    const around = Date.parse(now());
    const list = await api<{ items: { id: string }[] }>('GET', `/api/cases?processId=${encodeURIComponent(calledElement)}&from=${new Date(around - DAY_MS).toISOString()}&to=${new Date(around + 1000).toISOString()}&limit=500`, reviewer);
    for (const item of list.items) {
      if (cases.has(item.id)) continue;
      const detail = await api<CaseView>('GET', `/api/cases/${item.id}`, reviewer);
      if (detail.parentCaseId === parent.id) return detail;
    }
    return undefined;
  }

  /** Looks at a case after a change and puts its next work on the agenda. */
  async function sync(detail: CaseView): Promise<void> {
    const sim = cases.get(detail.id);
    if (!sim || sim.ended) return;
    if (detail.endedAt) {
      sim.ended = true;
      endedCount += 1;
      if (sim.parentId) await sync(await api<CaseView>('GET', `/api/cases/${sim.parentId}`, reviewer));
      return;
    }
    const waiting = detail.actions.some((a) => a.action === 'resubmission');
    if (waiting) {
      if (!sim.resubmissionPlanned) {
        sim.resubmissionPlanned = true;
        const days = 1 + random() * 7;
        const at = Date.parse(calendar.addNorm(now(), { amount: random() < BEHAVIOUR.neverResubmits ? 15 : days, unit: 'workingDays' }));
        agenda.push(at, random() < BEHAVIOUR.neverResubmits ? { kind: 'withdraw', caseId: sim.id } : { kind: 'resubmit', caseId: sim.id });
      }
      return;
    }
    const definition = procedures.get(sim.processId);
    // A call activity waits for a child case the server started (liên thông): follow the child.
    for (const elementId of detail.active ?? []) {
      const calledElement = definition?.calls.get(elementId);
      if (!calledElement || sim.scheduled.has(`call:${elementId}`)) continue;
      sim.scheduled.add(`call:${elementId}`);
      const child = await findChild(sim, calledElement);
      if (child) {
        cases.set(child.id, { id: child.id, processId: child.processId, parentId: sim.id, scheduled: new Set(), reworked: new Set(), supplements: 0, resubmissionPlanned: false, apologyConsidered: false, ended: false });
        await sync(child);
      }
    }
    let latest = 0;
    for (const step of detail.openSteps) {
      if (sim.scheduled.has(step.stepKey) || definition?.calls.has(step.elementId)) continue;
      sim.scheduled.add(step.stepKey);
      const start = step.openedAt > now() ? step.openedAt : now();
      const normMinutes = step.dueAt ? calendar.workingMinutesBetween(step.openedAt, step.dueAt) : 30 + random() * 210;
      const minutes = Math.max(5, Math.round(normMinutes * (step.dueAt ? durationShare() : 1)));
      const at = Date.parse(calendar.addNorm(start, { amount: minutes / 60, unit: 'workingHours' }));
      latest = Math.max(latest, at);
      agenda.push(at, { kind: 'work', caseId: sim.id, stepKey: step.stepKey });
    }
    // An officer who sees the case will miss its appointment apologises while the rules still allow it.
    if (latest > 0 && detail.appointmentAt && detail.apologyCount === 0 && !sim.apologyConsidered && !sim.parentId) {
      const left = calendar.workingMinutesBetween(new Date(latest).toISOString(), detail.appointmentAt);
      const allowed = calendar.workingMinutesBetween(now(), detail.appointmentAt) >= WORKING_DAY_MINUTES;
      if (left < WORKING_DAY_MINUTES && allowed) {
        sim.apologyConsidered = true;
        if (random() < BEHAVIOUR.apologiseWhenLate) {
          const extra = 2 + Math.floor(random() * 4);
          const updated = await api<CaseView>('POST', `/api/cases/${sim.id}/apology`, tokenFor('officer', detail.unitId), {
            reason: `${SIMULATION_LABEL} Hồ sơ cần thêm thời gian thẩm định, xác minh`,
            newAppointmentAt: calendar.addNorm(detail.appointmentAt, { amount: extra, unit: 'workingDays' }),
            signedBy: `${SIMULATION_LABEL} Thủ trưởng cơ quan`,
          });
          detail.apologyCount = updated.apologyCount;
        }
      }
    }
  }

  function chooseOutcome(sim: SimCase, step: OpenStep): string | undefined {
    const outcomes = step.outcomes;
    if (outcomes.length === 0) return undefined;
    const draw = random();
    if (outcomes.includes('refuse') && draw < BEHAVIOUR.refuseAtReceipt) return 'refuse';
    if (outcomes.includes('supplement') && sim.supplements < 2 && draw < BEHAVIOUR.supplementOutcome) {
      sim.supplements += 1;
      return 'supplement';
    }
    if (outcomes.includes('return') && !sim.reworked.has(step.elementId) && draw < BEHAVIOUR.returnForRework) {
      sim.reworked.add(step.elementId);
      return 'return';
    }
    return outcomes[0];
  }

  async function handle(event: SimEvent): Promise<void> {
    switch (event.kind) {
      case 'arrive': {
        const definition = procedures.get(event.processId)!;
        const name = `${SIMULATION_LABEL} ${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`;
        const detail = await api<CaseView>('POST', '/api/cases', tokenFor('officer', definition.deskUnit), {
          processId: event.processId,
          applicant: { name, idNumber: String(Math.floor(random() * 1e12)).padStart(12, '0') },
          channel: event.channel,
          unitId: definition.deskUnit,
          receivedAt: now(),
        });
        received += 1;
        cases.set(detail.id, { id: detail.id, processId: detail.processId, scheduled: new Set(), reworked: new Set(), supplements: 0, resubmissionPlanned: false, apologyConsidered: false, ended: false });
        await sync(detail);
        return;
      }
      case 'work': {
        const sim = cases.get(event.caseId);
        if (!sim || sim.ended) return;
        const detail = await api<CaseView>('GET', `/api/cases/${sim.id}`, reviewer);
        const step = detail.openSteps.find((s) => s.stepKey === event.stepKey);
        if (!step) return;
        const token = tokenFor(step.role, step.unitId);
        if (detail.actions.some((a) => a.action === 'resubmission')) {
          // The clock is stopped for a supplement: the step waits for the resubmission.
          sim.scheduled.delete(step.stepKey);
          return;
        }
        const receipt = step.outcomes.includes('refuse') || step.outcomes.includes('accept');
        if (!receipt && sim.supplements === 0 && detail.actions.some((a) => a.action === 'supplementRequest') && random() < BEHAVIOUR.supplementRequest) {
          sim.supplements += 1;
          sim.scheduled.delete(step.stepKey);
          await sync(await api<CaseView>('POST', `/api/cases/${sim.id}/supplement-request`, tokenFor('officer', detail.unitId), { reason: `${SIMULATION_LABEL} Thiếu giấy tờ chứng minh`, items: ['Bản sao giấy tờ chứng minh (có chứng thực)'] }));
          return;
        }
        const outcome = chooseOutcome(sim, step);
        sim.scheduled.delete(step.stepKey);
        await sync(await api<CaseView>('POST', `/api/cases/${sim.id}/steps/${encodeURIComponent(step.stepKey)}/complete`, token, { ...(outcome ? { outcome } : {}) }));
        return;
      }
      case 'resubmit': {
        const sim = cases.get(event.caseId);
        if (!sim || sim.ended) return;
        sim.resubmissionPlanned = false;
        const detail = await api<CaseView>('GET', `/api/cases/${sim.id}`, reviewer);
        await sync(await api<CaseView>('POST', `/api/cases/${sim.id}/resubmission`, tokenFor('officer', detail.unitId), { data: { supplemented: true } }));
        return;
      }
      case 'withdraw': {
        const sim = cases.get(event.caseId);
        if (!sim || sim.ended) return;
        const detail = await api<CaseView>('GET', `/api/cases/${sim.id}`, reviewer);
        await sync(await api<CaseView>('POST', `/api/cases/${sim.id}/withdraw`, tokenFor('officer', detail.unitId), { reason: `${SIMULATION_LABEL} Tổ chức, cá nhân không bổ sung hồ sơ, xin rút hồ sơ` }));
        return;
      }
      case 'deploy': {
        const xml = simplifiedVersion(procedures.get(event.processId)!.xml);
        if (!xml) return;
        const result = await api<{ processId: string; version: number; created: boolean }>('POST', '/api/procedures', designer, xml, 'text/xml');
        if (result.created) deployed.push(`${result.processId} v${result.version}`);
        return;
      }
    }
  }

  try {
    let reported = -1;
    for (let next = agenda.pop(); next; next = agenda.pop()) {
      if (next.at > until) break;
      if (next.at > Date.parse(now())) {
        clock.set(new Date(next.at).toISOString());
        await scheduler.tick();
      }
      await handle(next.event);
      const step = Math.floor((received / Math.max(1, options.cases)) * 50);
      if (options.onProgress && (step !== reported || agenda.size === 0)) {
        reported = step;
        options.onProgress({ received, total: options.cases, ended: endedCount, at: now() });
      }
    }
    if (Number.isFinite(until) && until > Date.parse(now())) {
      clock.set(new Date(until).toISOString());
      await scheduler.tick();
    }
  } finally {
    // The simulated officers' tokens end with the run: nothing can act as them afterwards.
    for (const t of issued) await revokeApiToken(db.db, t.userId, t.tokenId, clock.now());
  }

  // --- Summary, read back from the store ---
  const ids = [...cases.values()].filter((c) => !c.parentId).map((c) => c.id);
  const rows = ids.length ? await db.db.selectFrom('cases').select(['status_code', 'ended_at', 'timeliness', 'apology_count', 'supplement_rounds', 'end_event_id']).where('id', 'in', ids).execute() : [];
  const byStatus: Record<number, number> = {};
  for (const r of rows) byStatus[r.status_code] = (byStatus[r.status_code] ?? 0) + 1;
  const refused = (r: (typeof rows)[number]): boolean => r.status_code === 3 || /^End_Refus/.test(r.end_event_id ?? '');
  const withResult = rows.filter((r) => r.ended_at && (r.status_code === 9 || r.status_code === 10) && !refused(r));
  const onTime = withResult.filter((r) => r.timeliness === 'early' || r.timeliness === 'onTime').length;
  return {
    received: rows.length,
    childCases: cases.size - ids.length,
    ended: rows.filter((r) => r.ended_at).length,
    open: rows.filter((r) => !r.ended_at).length,
    byStatus,
    onTimeRate: withResult.length ? onTime / withResult.length : 1,
    apologies: rows.reduce((n, r) => n + r.apology_count, 0),
    supplementRounds: rows.reduce((n, r) => n + r.supplement_rounds, 0),
    refusals: rows.filter(refused).length,
    deployed,
    requests,
  };
}

/**
 * The small, clearly labelled demo history `npm start` can seed into an empty database, so the
 * reviewer's pages show real figures at once: 40 dossiers received over the five weeks before
 * `now`, worked until `now` (recent ones stay open). Returns undefined when cases already exist.
 *
 * @example if (await seedDemoHistory(handle, clock.now())) console.log('seeded a demo history (labelled [Mô phỏng])');
 */
export async function seedDemoHistory(db: DbHandle, now: string, options: Pick<SimulationOptions, 'processesDir' | 'onProgress'> = {}): Promise<SimulationSummary | undefined> {
  const existing = await db.db.selectFrom('cases').select('id').limit(1).execute();
  if (existing.length > 0) return undefined;
  const end = Date.parse(now);
  // No simulated redesign here: the procedures an agency starts with stay exactly the published ones.
  return simulate({ db, cases: 40, from: new Date(end - 35 * DAY_MS).toISOString(), to: new Date(end).toISOString(), until: new Date(end).toISOString(), seed: 2026, secondVersionOf: null, ...options });
}

const USAGE = `Usage: quytrinh simulate --cases N --from DATE --to DATE --seed S [--procedures ID,ID] [--until DATE] [--db URL] [--processes DIR]

  --cases       dossiers received between --from and --to (during working hours)
  --from, --to  the arrival period: YYYY-MM-DD (local midnight) or an ISO instant
  --seed        the same seed gives the same history
  --procedures  process ids that receive dossiers (default: every top-level procedure but thin-slice)
  --until       stop working at this instant; later work stays open (default: run until every case ends)
  --db          SQLite file or postgres:// URL (env DATABASE_URL; default ${DEFAULT_DB_URL})
  --processes   folder of *.bpmn procedures (default processes/)
`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args,
      options: {
        cases: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, seed: { type: 'string' }, procedures: { type: 'string' },
        until: { type: 'string' }, db: { type: 'string' }, processes: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const count = Number(values.cases);
  const seed = Number(values.seed ?? 1);
  if (!Number.isInteger(count) || count < 1 || !values.from || !values.to || !Number.isInteger(seed)) {
    process.stderr.write(`quytrinh simulate: --cases (a positive integer), --from and --to are required; --seed must be an integer\n\n${USAGE}`);
    return EXIT.usage;
  }
  const handle = createDb(values.db ?? process.env.DATABASE_URL ?? DEFAULT_DB_URL);
  try {
    await migrateToLatest(handle.db);
    const started = performance.now();
    const summary = await simulate({
      db: handle,
      cases: count,
      from: values.from,
      to: values.to,
      seed,
      ...(values.procedures ? { procedures: values.procedures.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      ...(values.until ? { until: values.until } : {}),
      ...(values.processes ? { processesDir: values.processes } : {}),
      onProgress: (p) => process.stderr.write(`\rsimulate: ${p.received}/${p.total} received, ${p.ended} ended — ${p.at.slice(0, 10)}   `),
    });
    process.stderr.write('\n');
    process.stdout.write(`${JSON.stringify({ ...summary, seconds: Math.round((performance.now() - started) / 100) / 10 }, null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`\nquytrinh simulate: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.refused;
  } finally {
    await handle.close();
  }
}

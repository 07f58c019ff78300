/**
 * Design-time deadline plan in the designer: for a receipt now, each step's latest due instant
 * along the longest path and the appointment date (ngày hẹn trả), computed by the engine in the
 * browser from the diagram being edited, and drawn as a small badge under each timed step.
 */
import { BUILTIN_CALENDARS, DEFAULT_CALENDAR_ID, createCalendar, planProcedure, type DefinitionsModel, type ProcessModel, type ProcedurePlan, type WorkingCalendar } from '../../engine/index.ts';
import type { Overlays } from '../bpmn.ts';
import { el, replace } from '../dom.ts';
import { NORM_UNIT_LABELS, formatDateTime } from '../labels.ts';

const OVERLAY_TYPE = 'qt-plan';
const calendars = new Map<string, WorkingCalendar>();

function calendarFor(id: string | undefined): WorkingCalendar {
  const key = id && BUILTIN_CALENDARS[id] ? id : DEFAULT_CALENDAR_ID;
  let calendar = calendars.get(key);
  if (!calendar) {
    calendar = createCalendar(BUILTIN_CALENDARS[key]!);
    calendars.set(key, calendar);
  }
  return calendar;
}

/** Plans every executable process with steps; a process the planner cannot handle is skipped. */
export function planAll(definitions: DefinitionsModel, receivedAt: Date): { process: ProcessModel; plan: ProcedurePlan }[] {
  const byId = new Map(definitions.processes.map((p) => [p.id, p]));
  return definitions.processes.filter((p) => p.isExecutable).flatMap((process) => {
    try {
      return [{ process, plan: planProcedure(process, receivedAt, calendarFor(process.procedure.calendar), { resolveCalled: (id) => byId.get(id) }) }];
    } catch {
      return [];
    }
  });
}

interface DiagramServices { get<T>(name: string): T }

/** Shows the plans in `host` and as due-date badges on the diagram; clears both when empty. */
export function drawPlans(diagram: DiagramServices, host: HTMLElement, plans: readonly { process: ProcessModel; plan: ProcedurePlan }[]): void {
  const overlays = diagram.get<Overlays>('overlays');
  overlays.remove({ type: OVERLAY_TYPE });
  if (plans.length === 0) {
    replace(host);
    return;
  }
  for (const { plan } of plans) {
    for (const step of plan.steps) {
      try {
        overlays.add(step.elementId, OVERLAY_TYPE, { position: { bottom: 14, left: 0 }, html: el('div', { class: 'qt-plan-badge', 'data-element-id': step.elementId }, `hạn ${formatDateTime(step.dueAt.toISO())}`) });
      } catch {
        // The step is inside a collapsed sub-process or another plane: listed below only.
      }
    }
  }
  replace(host,
    el('h2', {}, 'Dự kiến thời hạn (nếu tiếp nhận ngay bây giờ)'),
    plans.map(({ process, plan }) => el('div', { class: 'plan', 'data-process-id': process.id },
      el('p', {},
        el('strong', {}, process.name ?? process.id), ' — bắt đầu tính từ ', formatDateTime(plan.effectiveStart.toISO()),
        ' (giờ chốt ', plan.cutoff, '); ngày hẹn trả: ', el('strong', { class: 'appointment' }, formatDateTime(plan.appointment.toISO())),
        process.procedure.deadline ? ` — thời hạn ${process.procedure.deadline.amount} ${NORM_UNIT_LABELS[process.procedure.deadline.unit] ?? process.procedure.deadline.unit}` : ''),
      el('table', { class: 'grid plan-steps' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Bước'), el('th', {}, 'Định mức'), el('th', {}, 'Bắt đầu'), el('th', {}, 'Hạn'))),
        el('tbody', {}, plan.steps.map((s) => el('tr', { 'data-element-id': s.elementId },
          el('td', {}, s.name ?? s.elementId),
          el('td', {}, s.norm ? `${s.norm.amount} ${NORM_UNIT_LABELS[s.norm.unit] ?? s.norm.unit}` : '—'),
          el('td', {}, formatDateTime(s.startAt.toISO())),
          el('td', {}, formatDateTime(s.dueAt.toISO())))))))));
}

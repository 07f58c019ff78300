/**
 * The simplification review (rà soát, đơn giản hóa TTHC nội bộ, Decision 1085/QĐ-TTg): two
 * versions of a procedure side by side — which steps were removed, added or re-timed, the
 * planned time saved, the units involved and, where audit statistics exist, the time actually
 * saved. Steps are matched by element id, then by name.
 */
import type { FlowGraph, ProcessModel, StepSpec } from '../bpmn/model.ts';
import { normMinutes } from './intervals.ts';
import type { StepStatistics } from './statistics.ts';

export interface ReviewStep {
  readonly elementId: string;
  readonly name?: string;
  readonly role?: string;
  readonly unit?: string;
  /** Planned minutes (working minutes, or calendar minutes for calendar-day norms); 0 without a norm. */
  readonly plannedMinutes: number;
  readonly outsideClock: boolean;
  /** Mean measured minutes from the audit, when statistics were given. */
  readonly actualMeanMinutes?: number;
}

export interface ReviewSide {
  readonly processId: string;
  readonly name?: string;
  readonly steps: readonly ReviewStep[];
  /** Sum of the planned minutes of the steps inside the clock. */
  readonly plannedMinutes: number;
  /** The published total deadline in minutes, when the procedure declares one. */
  readonly deadlineMinutes?: number;
  readonly units: readonly string[];
  /** Sum of the steps' measured means, when statistics cover every step inside the clock. */
  readonly actualMinutes?: number;
}

export interface SimplificationReview {
  readonly before: ReviewSide;
  readonly after: ReviewSide;
  readonly removed: readonly ReviewStep[];
  readonly added: readonly ReviewStep[];
  readonly retimed: readonly { readonly before: ReviewStep; readonly after: ReviewStep; readonly savedMinutes: number }[];
  /** Planned minutes saved (deadline if both sides declare one, else the sum of step norms). */
  readonly plannedSavedMinutes: number;
  /** Saved share of the planned time, 0..1 (negative when the new version is slower). */
  readonly plannedSavedRate: number;
  readonly actualSavedMinutes?: number;
  readonly unitsRemoved: readonly string[];
  /** Decision 1085 aims at cutting at least 20 % of the time; whether this version does. */
  readonly meetsTwentyPercent: boolean;
}

const STEP_KINDS = new Set(['UserTask', 'ManualTask', 'Task', 'ReceiveTask', 'SendTask', 'ServiceTask', 'ScriptTask', 'BusinessRuleTask', 'CallActivity', 'SubProcess']);

function collectSteps(graph: FlowGraph, stats: ReadonlyMap<string, StepStatistics>, out: ReviewStep[]): void {
  for (const node of graph.nodes) {
    if (!STEP_KINDS.has(node.kind)) continue;
    const step = (node as { step?: StepSpec }).step;
    if (node.kind === 'SubProcess') {
      // A sub-process with its own norm counts as one step; otherwise its inner steps count.
      if (step?.norm === undefined) {
        collectSteps(node.graph, stats, out);
        continue;
      }
    }
    if (node.kind === 'ReceiveTask' && step?.norm === undefined) continue;
    const measured = stats.get(node.id);
    out.push({
      elementId: node.id,
      ...(node.name !== undefined && { name: node.name }),
      ...(step?.role !== undefined && { role: step.role }),
      ...(step?.unit !== undefined && { unit: step.unit }),
      plannedMinutes: step?.norm ? normMinutes(step.norm) : 0,
      outsideClock: step?.outsideClock ?? false,
      ...(measured !== undefined && measured.count > 0 && { actualMeanMinutes: measured.meanMinutes }),
    });
  }
}

function side(model: ProcessModel, statistics: readonly StepStatistics[] | undefined): ReviewSide {
  const stats = new Map((statistics ?? []).map((s) => [s.elementId, s]));
  const steps: ReviewStep[] = [];
  collectSteps(model.graph, stats, steps);
  const timed = steps.filter((s) => !s.outsideClock);
  const units = [...new Set(steps.map((s) => s.unit).filter((u): u is string => u !== undefined))];
  const covered = statistics !== undefined && timed.length > 0 && timed.every((s) => s.actualMeanMinutes !== undefined);
  return {
    processId: model.id,
    ...(model.name !== undefined && { name: model.name }),
    steps,
    plannedMinutes: timed.reduce((sum, s) => sum + s.plannedMinutes, 0),
    ...(model.procedure.deadline !== undefined && { deadlineMinutes: normMinutes(model.procedure.deadline) }),
    units,
    ...(covered && { actualMinutes: timed.reduce((sum, s) => sum + (s.actualMeanMinutes ?? 0), 0) }),
  };
}

function matcher(steps: readonly ReviewStep[]): (s: ReviewStep) => ReviewStep | undefined {
  const byId = new Map(steps.map((s) => [s.elementId, s]));
  const byName = new Map(steps.filter((s) => s.name !== undefined).map((s) => [s.name!.trim().toLowerCase(), s]));
  return (s) => byId.get(s.elementId) ?? (s.name !== undefined ? byName.get(s.name.trim().toLowerCase()) : undefined);
}

/**
 * Compares an older and a newer version of a procedure, optionally with the measured
 * statistics of each version's cases.
 *
 * @example simplificationReview(v1, v2).plannedSavedMinutes // 480 when one working day was cut
 */
export function simplificationReview(
  before: ProcessModel,
  after: ProcessModel,
  statistics: { readonly before?: readonly StepStatistics[]; readonly after?: readonly StepStatistics[] } = {},
): SimplificationReview {
  const b = side(before, statistics.before);
  const a = side(after, statistics.after);
  const inAfter = matcher(a.steps);
  const inBefore = matcher(b.steps);
  const removed = b.steps.filter((s) => inAfter(s) === undefined);
  const added = a.steps.filter((s) => inBefore(s) === undefined);
  const retimed = b.steps.flatMap((s) => {
    const match = inAfter(s);
    return match !== undefined && match.plannedMinutes !== s.plannedMinutes ? [{ before: s, after: match, savedMinutes: s.plannedMinutes - match.plannedMinutes }] : [];
  });
  const useDeadline = b.deadlineMinutes !== undefined && a.deadlineMinutes !== undefined;
  const plannedBefore = useDeadline ? b.deadlineMinutes! : b.plannedMinutes;
  const plannedAfter = useDeadline ? a.deadlineMinutes! : a.plannedMinutes;
  const plannedSavedMinutes = plannedBefore - plannedAfter;
  const plannedSavedRate = plannedBefore === 0 ? 0 : plannedSavedMinutes / plannedBefore;
  const afterUnits = new Set(a.units);
  return {
    before: b,
    after: a,
    removed,
    added,
    retimed,
    plannedSavedMinutes,
    plannedSavedRate,
    ...(b.actualMinutes !== undefined && a.actualMinutes !== undefined && { actualSavedMinutes: b.actualMinutes - a.actualMinutes }),
    unitsRemoved: b.units.filter((u) => !afterUnits.has(u)),
    meetsTwentyPercent: plannedSavedRate >= 0.2,
  };
}

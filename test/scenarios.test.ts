/**
 * Runs every scenario file through parse → compile → step, in the style of xstate's SCXML
 * conformance tests: events in, expected active element ids out. Files: the one-behaviour
 * fixtures `test/fixtures/bpmn/<element>.scenarios.json` (diagram `<element>.part.bpmn`) and the
 * real procedures `processes/<p>/<p>.scenarios.json` (diagram `<p>.bpmn`). Due instants and the
 * appointment come from the working calendar's design-time plan.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, basename, relative } from 'node:path';
import { describe, it, expect } from 'vitest';
import {
  BUILTIN_CALENDARS, DEFAULT_CALENDAR_ID, advanceCase, compileProcess, createCalendar, planProcedure, readProcedure, selectProcess, startCase,
} from '../engine/index.ts';
import type { CaseData, Channel, CompiledProcess, EngineEvent, StepResult } from '../engine/index.ts';

interface ScenarioStep {
  complete?: string;
  outcome?: string;
  message?: string;
  timer?: string;
  childEnded?: string;
  endEvent?: string;
  serviceDone?: string;
  errorCode?: string;
  data?: CaseData;
  expectActive?: string[];
  expectError?: string;
}

interface Scenario {
  name: string;
  receivedAt?: string;
  channel?: Channel;
  data?: CaseData;
  expectStartActive?: string[];
  steps?: ScenarioStep[];
  expectEnd?: string;
  expectPath?: string[];
  expectAppointment?: string;
  expectDue?: Record<string, string>;
}

interface ScenarioFile { process?: string; scenarios: Scenario[] }

const root = join(dirname(new URL(import.meta.url).pathname), '..');

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function diagramOf(scenarioFile: string): string {
  const base = basename(scenarioFile, '.scenarios.json');
  const part = join(dirname(scenarioFile), `${base}.part.bpmn`);
  return existsSync(part) ? part : join(dirname(scenarioFile), `${base}.bpmn`);
}

const files = [
  ...walk(join(root, 'test/fixtures/bpmn')).filter((f) => f.endsWith('.scenarios.json') && dirname(f) === join(root, 'test/fixtures/bpmn')),
  ...walk(join(root, 'processes')).filter((f) => f.endsWith('.scenarios.json')),
];

const sorted = (ids: readonly string[]): string[] => [...ids].sort();

/** Translates one scenario step into the engine event for the case's current state. */
function eventFor(step: ScenarioStep, state: StepResult): EngineEvent {
  if (step.complete !== undefined) {
    const byKey = state.openSteps.find((s) => s.stepKey === step.complete);
    const byElement = state.openSteps.filter((s) => s.elementId === step.complete);
    if (!byKey && byElement.length !== 1 && step.expectError) {
      return { type: 'COMPLETE', stepKey: step.complete, ...(step.outcome !== undefined ? { outcome: step.outcome } : {}) };
    }
    if (!byKey && byElement.length !== 1) {
      throw new Error(`"complete": "${step.complete}" must name one open step; open: ${state.openSteps.map((s) => s.stepKey).join(', ') || 'none'}`);
    }
    const stepKey = byKey?.stepKey ?? byElement[0]!.stepKey;
    return { type: 'COMPLETE', stepKey, ...(step.outcome !== undefined ? { outcome: step.outcome } : {}), ...(step.data ? { data: step.data } : {}) };
  }
  if (step.message !== undefined) return { type: 'MESSAGE', name: step.message, ...(step.data ? { data: step.data } : {}) };
  if (step.timer !== undefined) {
    const timer = state.waiting?.timers.find((t) => t.timerKey === step.timer) ?? state.waiting?.timers.find((t) => t.elementId === step.timer);
    return { type: 'TIMER', timerKey: timer?.timerKey ?? step.timer };
  }
  if (step.childEnded !== undefined) {
    const child = state.waiting?.children.find((c) => c.stepKey === step.childEnded || c.elementId === step.childEnded);
    return { type: 'CHILD_ENDED', stepKey: child?.stepKey ?? step.childEnded, endEventId: step.endEvent ?? '', ...(step.data ? { data: step.data } : {}) };
  }
  if (step.serviceDone !== undefined) {
    const service = state.waiting?.services.find((s) => s.stepKey === step.serviceDone || s.elementId === step.serviceDone);
    return { type: 'SERVICE_DONE', stepKey: service?.stepKey ?? step.serviceDone, ...(step.data ? { data: step.data } : {}), ...(step.errorCode ? { errorCode: step.errorCode } : {}) };
  }
  throw new Error(`scenario step ${JSON.stringify(step)} names no event`);
}

for (const file of files) {
  const spec = JSON.parse(readFileSync(file, 'utf8')) as ScenarioFile;
  describe(`scenarios ${relative(root, file)}`, async () => {
    const xml = readFileSync(diagramOf(file), 'utf8');
    const { definitions } = await readProcedure(xml);
    const { compiled, diagnostics } = compileProcess(definitions, spec.process);
    const process = selectProcess(definitions, spec.process);

    it('should compile', () => {
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(compiled).toBeDefined();
    });

    for (const scenario of spec.scenarios) {
      it(`should run: ${scenario.name}`, () => {
        const machine = compiled as CompiledProcess;
        const now = scenario.receivedAt ?? '2026-03-02T09:00:00+07:00';
        let state = startCase(machine, { data: scenario.data ?? {}, now });
        const path = [...(state.path ?? [])];
        if (scenario.expectStartActive) expect(sorted(state.active)).toEqual(sorted(scenario.expectStartActive));
        for (const [index, step] of (scenario.steps ?? []).entries()) {
          const event = eventFor(step, state);
          if (step.expectError) {
            expect(() => advanceCase(machine, JSON.parse(JSON.stringify(state.snapshot)), event, now), `step ${index + 1}`).toThrow(step.expectError);
            continue;
          }
          // Every event goes through a JSON round trip of the snapshot, as the server stores it.
          state = advanceCase(machine, JSON.parse(JSON.stringify(state.snapshot)), event, now);
          path.push(...(state.path ?? []));
          if (step.expectActive) expect(sorted(state.active), `active after step ${index + 1} ${JSON.stringify(step)}`).toEqual(sorted(step.expectActive));
        }
        if (scenario.expectEnd !== undefined) expect(state.ended?.endEventId).toBe(scenario.expectEnd);
        if (scenario.expectPath) {
          // The expected ids must appear in this order (gateways and events may be left out).
          let at = 0;
          for (const id of path) if (id === scenario.expectPath[at]) at++;
          expect(at, `path ${path.join(' → ')} should contain ${scenario.expectPath.join(' → ')} in order`).toBe(scenario.expectPath.length);
        }
        if (scenario.expectDue || scenario.expectAppointment) {
          const calendarSpec = BUILTIN_CALENDARS[process?.procedure.calendar ?? DEFAULT_CALENDAR_ID] ?? BUILTIN_CALENDARS[DEFAULT_CALENDAR_ID]!;
          const plan = planProcedure(process!, now, createCalendar(calendarSpec), { ...(scenario.channel ? { channel: scenario.channel } : {}) });
          if (scenario.expectAppointment) expect(plan.appointment.toMillis()).toBe(Date.parse(scenario.expectAppointment));
          for (const [elementId, due] of Object.entries(scenario.expectDue ?? {})) {
            const planned = plan.steps.find((s) => s.elementId === elementId);
            expect(planned?.dueAt.toMillis(), `due of ${elementId}`).toBe(Date.parse(due));
          }
        }
      });
    }
  });
}

/**
 * The default ports, backed by engine/index.ts: read + validate + compile procedures, start and
 * advance cases, and working calendars from the built-in calendar data.
 */
import { BUILTIN_CALENDARS, BpmnInvalidError, DEFAULT_CALENDAR_ID, EngineError, advanceCase, compileProcess, createCalendar, loadCompiled, hasErrors, planProcedure, readProcedure, startCase } from '../../engine/index.ts';
import type { CalendarSpec, CompiledProcess, Diagnostic } from '../../engine/index.ts';
import { toDbInstant } from '../storage/db.ts';
import type { CalendarResolver, CompiledProcedure, ProcedureEngine, WorkingCalendar } from './ports.ts';

/** The engine as the services see it. */
export const defaultEngine: ProcedureEngine = {
  async validate(xml) {
    try {
      const { definitions, diagnostics } = await readProcedure(xml);
      const all: Diagnostic[] = [...diagnostics];
      if (!hasErrors(all)) {
        for (const p of definitions.processes.filter((p) => p.isExecutable)) all.push(...compileProcess(definitions, p.id).diagnostics);
      }
      return { valid: !hasErrors(all), diagnostics: dedupe(all) };
    } catch (error) {
      if (error instanceof EngineError) return { valid: false, diagnostics: error.diagnostics.length ? error.diagnostics : [{ code: error.code, severity: 'error', message: error.message }] };
      throw error;
    }
  },

  async compile(xml) {
    const { definitions, diagnostics } = await readProcedure(xml);
    if (hasErrors(diagnostics)) throw new BpmnInvalidError('The diagram cannot run. Fix the errors listed in diagnostics and deploy again.', diagnostics);
    const executable = definitions.processes.filter((p) => p.isExecutable && p.graph.nodes.length > 0);
    const procedures: CompiledProcedure[] = [];
    const all: Diagnostic[] = [...diagnostics];
    for (const p of executable) {
      const result = compileProcess(definitions, p.id);
      all.push(...result.diagnostics);
      if (!result.compiled || hasErrors(result.diagnostics)) throw new BpmnInvalidError(`Process ${p.id} cannot run. Fix the errors listed in diagnostics and deploy again.`, dedupe(all));
      const c = result.compiled;
      procedures.push({
        processId: c.processId,
        ...(c.name ? { name: c.name } : {}),
        procedure: c.procedure,
        hash: c.hash,
        compiled: storedForm(c),
        runnable: c,
        diagnostics: dedupe([...diagnostics, ...result.diagnostics]),
      });
    }
    return { procedures, diagnostics: dedupe(all) };
  },

  load(compiled) {
    return loadCompiled(compiled as Omit<CompiledProcess, 'machine'>);
  },

  start(runnable, input) {
    return startCase(runnable as CompiledProcess, { data: input.data, now: input.now });
  },

  send(runnable, snapshot, event, now) {
    return advanceCase(runnable as CompiledProcess, snapshot, event, now);
  },

  async plan(xml, processId, input) {
    const { definitions } = await readProcedure(xml);
    const process = definitions.processes.find((p) => p.id === processId);
    if (!process) throw new EngineError('DEFINITION_MISMATCH', `The stored diagram has no process ${processId}.`);
    const calendarId = input.calendar && BUILTIN_CALENDARS[input.calendar] ? input.calendar : DEFAULT_CALENDAR_ID;
    const plan = planProcedure(process, input.receivedAt, createCalendar(BUILTIN_CALENDARS[calendarId]!), {
      channel: input.channel,
      resolveCalled: (id) => definitions.processes.find((p) => p.id === id),
    });
    // Luxon DateTimes become ISO strings with their offset.
    return JSON.parse(JSON.stringify(plan)) as unknown;
  },
};

/** The compiled process minus its machine (which is rebuilt from the config by `loadCompiled`). */
function storedForm(compiled: CompiledProcess): Omit<CompiledProcess, 'machine'> {
  const { machine: _machine, ...stored } = compiled;
  return stored;
}

function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}|${d.elementId ?? ''}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Adapts the engine's calendar (luxon DateTime results) to the port (ISO strings in storage form). */
export function workingCalendarPort(spec: CalendarSpec, resolveBase?: (id: string) => CalendarSpec | undefined): WorkingCalendar {
  const calendar = createCalendar(spec, resolveBase);
  return {
    effectiveStart: (receivedAt, cutoff) => toDbInstant(calendar.effectiveStart(receivedAt, cutoff).toJSDate()),
    addNorm: (from, norm) => toDbInstant(calendar.addNorm(from, norm).toJSDate()),
    workingMinutesBetween: (from, to) => Math.max(0, calendar.workingMinutesBetween(from, to)),
  };
}

/**
 * Calendars by name: the given specs (e.g. loaded from the calendars table) over the built-in
 * ones; an unknown or missing name gets the default civil-service calendar.
 */
export function calendarResolver(specs: Readonly<Record<string, CalendarSpec>> = {}): CalendarResolver {
  const cache = new Map<string, WorkingCalendar>();
  return (name) => {
    const id = name && (specs[name] ?? BUILTIN_CALENDARS[name]) ? name : DEFAULT_CALENDAR_ID;
    let calendar = cache.get(id);
    if (!calendar) {
      // A stored calendar may inherit from another stored one, so bases resolve through `specs` too.
      calendar = workingCalendarPort(specs[id] ?? BUILTIN_CALENDARS[id]!, (base) => specs[base] ?? BUILTIN_CALENDARS[base]);
      cache.set(id, calendar);
    }
    return calendar;
  };
}

/**
 * The engine's one public entry. server/ and editor/ import from here only, never deep paths.
 * Everything behind it is pure: no I/O, no wall clock; time and calendars are arguments.
 */

// Diagnostics and errors: warnings are data, fatal errors are typed with stable codes.
export { hasErrors, DiagnosticCollector } from './diagnostics.ts';
export type { Diagnostic, Severity } from './diagnostics.ts';
export { EngineError, BpmnParseError, BpmnInvalidError, UnsupportedElementError, InvalidTransitionError, DeadlineCalendarError, isEngineError } from './errors.ts';
export type { EngineErrorCode } from './errors.ts';

// Procedure model (IR) shared by parser, validator, compiler and editor.
export { deepFreeze, assertNever, END_CASE_STATUSES } from './bpmn/model.ts';
export type * from './bpmn/model.ts';
export { NORM_UNITS } from './calendar/norm.ts';
export type { Norm, NormUnit } from './calendar/norm.ts';

// Runtime contract: events in, snapshot + effects out.
export type * from './runtime/types.ts';

// Audit vocabulary.
export type { AuditEvent, AuditEventType } from './audit/events.ts';

// --- BPMN import and validation (engine/bpmn) ---
export { parseBpmn, qtModdleDescriptor } from './bpmn/parse.ts';
export type { ParseResult } from './bpmn/parse.ts';
export { readProcedure } from './bpmn/read.ts';
export { validateDefinitions } from './bpmn/validate.ts';
export { precheckXml, XML_LIMITS, BPMN_MODEL_NS } from './bpmn/guard.ts';
export { translateExpression, juelToFeel, feelSyntaxError } from './bpmn/expression.ts';
export type { Translation } from './bpmn/expression.ts';

// --- Compilation and runtime (engine/compile, engine/runtime) ---
export { compileProcess, selectProcess, loadCompiled } from './compile/compile.ts';
export type { CompileResult } from './compile/compile.ts';
export type { CompiledProcess, ElementInfo, Listener, WaitKind } from './compile/types.ts';
export { evaluateFeel, feelHolds } from './compile/feel.ts';
export { sha256Hex, canonicalJson } from './compile/sha256.ts';
export { startCase, advanceCase, deriveObligations } from './runtime/step.ts';
export type { Obligations } from './runtime/step.ts';
export { checkSoundness } from './compile/soundness.ts';
export type { SoundnessOptions } from './compile/soundness.ts';
export { dryRun } from './runtime/dry-run.ts';
export type { DryRunOptions, DryRunResult } from './runtime/dry-run.ts';
export { retargetSnapshot } from './runtime/retarget.ts';
export type { Retarget, MigrationBlocker, MigrationBlockerCode } from './runtime/retarget.ts';

// --- Working calendar (engine/calendar) ---
export { createCalendar, calendarLookup, calendarChanges, classifyOpen, toEpochMs, toVnDateTime, normWorkingMs } from './calendar/calendar.ts';
export type { WorkingCalendar, InstantInput, DayInfo, DayKind, DayChange, WorkingPause, FinishedClass, OpenClass } from './calendar/calendar.ts';
export { resolveCalendarSpec, withYearNotice, WEEKDAYS } from './calendar/spec.ts';
export { validateCalendarSpec } from './calendar/validate.ts';
export type { CalendarSpec, ResolvedCalendarSpec, CalendarResolver, HolidayRule, HolidayRules, DayOverride, YearNotice, NoticeBreak, Season, TimeRange, WeeklyHours, Weekday } from './calendar/spec.ts';
export { BUILTIN_CALENDARS, DEFAULT_CALENDAR_ID, VN_CIVIL_SERVICE, VN_ONE_STOP_SATURDAY, VN_STATUTORY_HOLIDAYS, NOTICE_2025, NOTICE_2026 } from './calendar/data/vietnam.ts';
export { lunarOfEpochDay, lunarToEpochDay, tetEpochDay, lunarYearMonths } from './calendar/lunar.ts';
export type { LunarDate, LunarMonth } from './calendar/lunar.ts';
export { epochDayOf, isoDateOf, parseIsoDate, VN_ZONE, MIN_YEAR as CALENDAR_MIN_YEAR, MAX_YEAR as CALENDAR_MAX_YEAR } from './calendar/days.ts';
export { VIETNAM_ZONE } from './calendar/zone.ts';
export { parseNormText, formatNormVi } from './calendar/norm-text.ts';
export { computeDeadline, clockEventsFromAudit } from './calendar/clock.ts';
export type { ClockEvent, DeadlineSpec, DeadlineState, ClockPause } from './calendar/clock.ts';
export { planProcedure } from './calendar/plan.ts';
export type { PlanOptions, PlannedStep, ProcedurePlan } from './calendar/plan.ts';

// --- Audit reductions (engine/audit) ---
export { stepIntervals, pausesOf, groupByCase, normMinutes, classifyFinished, classifyBySpent } from './audit/intervals.ts';
export type { StepInterval, WorkingTime, Timeliness, IntervalOptions, Pause } from './audit/intervals.ts';
export { stepStatistics, statisticsByUnit, percentile, median, spentMinutes } from './audit/statistics.ts';
export type { StepStatistics, UnitStatistics } from './audit/statistics.ts';
export { caseTimeliness, summarizeTimeliness } from './audit/timeliness.ts';
export type { CaseTimeliness, TimelinessSummary } from './audit/timeliness.ts';
export { periodReport } from './audit/report.ts';
export type { PeriodReportRow } from './audit/report.ts';
export { controlSlipRows } from './audit/control-slip.ts';
export type { ControlSlipRow } from './audit/control-slip.ts';
export { simplificationReview } from './audit/review.ts';
export type { SimplificationReview, ReviewSide, ReviewStep } from './audit/review.ts';
export { intervalsToCsv, intervalsToXes, csvCell, xmlEscape, UTF8_BOM, INTERVAL_CSV_COLUMNS } from './audit/formats.ts';
export type { AuditEventData } from './audit/events.ts';

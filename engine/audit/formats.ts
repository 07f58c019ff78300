/**
 * Step-time audit exports as text: CSV for spreadsheets (UTF-8 with a BOM so Excel reads the
 * Vietnamese names) and XES (IEEE 1849) for process-mining tools.
 */
import type { StepInterval } from './intervals.ts';

/** Byte order mark: Excel only detects UTF-8 CSV with it. */
export const UTF8_BOM = '\uFEFF';

export const INTERVAL_CSV_COLUMNS = [
  'caseId', 'caseCode', 'stepKey', 'elementId', 'name', 'role', 'unit', 'enteredAt', 'leftAt', 'claimedBy', 'actor',
  'outcome', 'end', 'normAmount', 'normUnit', 'normMinutes', 'dueAt', 'workingMinutes', 'calendarMinutes', 'timeliness',
] as const;

/**
 * Quotes one CSV cell (RFC 4180). Text starting with `=`, `+`, `-`, `@`, tab or CR is prefixed
 * with `'` so a spreadsheet never evaluates officer-typed text as a formula.
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * CSV of step intervals with a header row, CRLF line ends and a leading BOM.
 *
 * @example intervalsToCsv(stepIntervals(events, { workingTime }), { codes: new Map([['c1', 'H01-260302-0001']]) })
 */
export function intervalsToCsv(intervals: readonly StepInterval[], options: { readonly codes?: ReadonlyMap<string, string>; readonly bom?: boolean } = {}): string {
  const lines = [INTERVAL_CSV_COLUMNS.join(',')];
  for (const i of intervals) {
    const cells: (string | number | undefined)[] = [
      i.caseId, options.codes?.get(i.caseId), i.stepKey, i.elementId, i.name, i.role, i.unit, i.enteredAt, i.leftAt, i.claimedBy, i.actor,
      i.outcome, i.end, i.norm?.amount, i.norm?.unit, i.normMinutes, i.dueAt, i.workingMinutes, i.calendarMinutes, i.timeliness,
    ];
    lines.push(cells.map(csvCell).join(','));
  }
  return (options.bom === false ? '' : UTF8_BOM) + lines.join('\r\n') + '\r\n';
}

/** Escapes text for XML attribute values and content. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    // Characters XML 1.0 cannot carry at all.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

function attr(kind: 'string' | 'date' | 'int', key: string, value: string | number): string {
  return `<${kind} key="${xmlEscape(key)}" value="${xmlEscape(String(value))}"/>`;
}

function xesEvent(name: string, transition: string, at: string, i: StepInterval, resource: string | undefined): string {
  const parts = [attr('string', 'concept:name', name), attr('string', 'lifecycle:transition', transition), attr('date', 'time:timestamp', at)];
  if (resource !== undefined) parts.push(attr('string', 'org:resource', resource));
  if (i.role !== undefined) parts.push(attr('string', 'org:role', i.role));
  if (i.unit !== undefined) parts.push(attr('string', 'org:group', i.unit));
  parts.push(attr('string', 'qt:elementId', i.elementId));
  if (transition === 'complete') {
    parts.push(attr('int', 'qt:workingMinutes', i.workingMinutes));
    if (i.timeliness !== undefined) parts.push(attr('string', 'qt:timeliness', i.timeliness));
    if (i.outcome !== undefined) parts.push(attr('string', 'qt:outcome', i.outcome));
  }
  return `    <event>${parts.join('')}</event>`;
}

/**
 * An XES log: one trace per case (named by its code when known), a `start` event when a step
 * opens and a `complete` (or `ate_abort` when cancelled) event when it closes.
 *
 * @example intervalsToXes(intervals, { logName: 'quytrinh' }).startsWith('<?xml') // true
 */
export function intervalsToXes(intervals: readonly StepInterval[], options: { readonly codes?: ReadonlyMap<string, string>; readonly logName?: string } = {}): string {
  const traces = new Map<string, StepInterval[]>();
  for (const i of intervals) {
    const list = traces.get(i.caseId);
    if (list) list.push(i);
    else traces.set(i.caseId, [i]);
  }
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">',
    '  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>',
    '  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>',
    '  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>',
    '  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>',
    '  <global scope="event">' + attr('string', 'concept:name', '') + attr('string', 'lifecycle:transition', 'complete') + attr('date', 'time:timestamp', '1970-01-01T00:00:00.000+00:00') + '</global>',
    `  ${attr('string', 'concept:name', options.logName ?? 'quytrinh step-time audit')}`,
  ];
  for (const [caseId, list] of traces) {
    out.push(`  <trace>${attr('string', 'concept:name', options.codes?.get(caseId) ?? caseId)}${attr('string', 'qt:caseId', caseId)}`);
    const events: { at: string; xml: string }[] = [];
    for (const i of list) {
      const name = i.name ?? i.elementId;
      events.push({ at: i.enteredAt, xml: xesEvent(name, 'start', i.enteredAt, i, i.claimedBy) });
      if (i.leftAt !== undefined) events.push({ at: i.leftAt, xml: xesEvent(name, i.end === 'cancelled' ? 'ate_abort' : 'complete', i.leftAt, i, i.actor) });
    }
    // Process-mining tools expect each trace ordered by time; the sort is stable for equal instants.
    events.sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
    for (const e of events) out.push(e.xml);
    out.push('  </trace>');
  }
  out.push('</log>');
  return out.join('\n') + '\n';
}

/**
 * #/review — for one procedure: how long each step really takes against its norm, as a table and
 * as a heatmap drawn over the diagram (bpmn-js overlays), with a CSV export of the table.
 * The figures are reduced in the browser from each case's step-time audit
 * (GET /api/cases/:id/audit?format=json), the same data the server exports.
 */
import { api, type CaseSummary, type StepInterval, type Unit } from '../api-client.ts';
import type { Page } from '../app.ts';
import { MODDLE_EXTENSIONS, NavigatedViewer, type Canvas, type ElementRegistry, type Overlays } from '../bpmn.ts';
import { el, replace } from '../dom.ts';
import { timelinessLabel } from '../labels.ts';
import { byUnit, heat, meanHours, reduceIntervals } from '../statistics.ts';

const MAX_CASES = 500;
const PARALLEL_REQUESTS = 8;
const HOURS_PER_UNIT: Readonly<Record<string, number>> = { workingHours: 1, workingDays: 8, calendarDays: 24 };

function heatColour(value: number): string {
  // Green (120°) at 0, yellow at the norm (0.5), red (0°) at twice the norm.
  return `hsla(${Math.round(120 * (1 - value))}, 80%, 45%, 0.55)`;
}

const HEAT_LEGEND: readonly (readonly [number, string])[] = [[0, 'nhanh'], [0.5, 'bằng định mức'], [1, 'gấp đôi trở lên']];

const hours = (value: number | undefined): string => (value === undefined ? '—' : value.toLocaleString('vi-VN', { maximumFractionDigits: 1 }));

export const reviewPage: Page = async (root, { params }) => {
  const procedures = await api.procedures();
  const processId = params[0] ?? procedures[0]?.processId;
  const procedure = procedures.find((p) => p.processId === processId);
  const picker = el('select', { id: 'review-procedure', 'aria-label': 'Chọn quy trình' },
    procedures.map((p) => el('option', { value: p.processId, selected: p.processId === processId }, p.name ?? p.processId)));
  picker.addEventListener('change', () => { location.hash = `#/review/${encodeURIComponent(picker.value)}`; });
  const canvasHost = el('div', { class: 'diagram', id: 'review-diagram' });
  const tableHost = el('section', { class: 'card', id: 'review-table' }, el('p', { class: 'muted' }, 'Đang tổng hợp…'));
  const legend = el('div', { class: 'heat-legend' }, 'Thời gian trung bình so với định mức:',
    HEAT_LEGEND.map(([value, label]) => el('span', {}, el('i', { style: `background:${heatColour(value)}` }), label)));
  replace(root, el('div', { class: 'toolbar' }, el('h1', {}, 'Thống kê thời gian xử lý'), picker), canvasHost, legend, tableHost);
  if (!procedure) {
    replace(tableHost, el('p', { class: 'muted' }, 'Chưa có quy trình nào.'));
    return;
  }

  const viewer = new NavigatedViewer({ container: canvasHost, moddleExtensions: MODDLE_EXTENSIONS });
  await viewer.importXML(await api.procedureXml(procedure.processId, procedure.latestVersion));
  viewer.get<Canvas>('canvas').zoom('fit-viewport', 'auto');
  const registry = viewer.get<ElementRegistry>('elementRegistry');
  const norms = new Map<string, number>();
  for (const element of registry.getAll()) {
    const bo = element.businessObject;
    if (typeof bo['norm'] === 'number') norms.set(element.id, bo['norm'] * (HOURS_PER_UNIT[String(bo['normUnit'] ?? 'workingDays')] ?? 8));
  }

  const cases = await casesOf(procedure.processId);
  const intervals = (await mapLimited(cases, PARALLEL_REQUESTS, (c) => api.stepIntervals(c.id).catch((): StepInterval[] => []))).flat();
  const stats = [...reduceIntervals(intervals, norms).values()].filter((s) => registry.get(s.elementId));
  for (const s of stats) s.name = registry.get(s.elementId)?.businessObject.name ?? s.name;

  const overlays = viewer.get<Overlays>('overlays');
  for (const s of stats) {
    const value = heat(s);
    const shape = registry.get(s.elementId) as unknown as { width: number; height: number };
    overlays.add(s.elementId, 'qt-heat', {
      position: { top: 0, left: 0 },
      html: el('div', { class: 'qt-heat', 'data-element-id': s.elementId, style: `width:${shape.width}px;height:${shape.height}px;background:${value === undefined ? 'transparent' : heatColour(value)}`, title: `${s.name}: TB ${hours(meanHours(s))} giờ / định mức ${hours(s.normHours)} giờ` },
        el('span', {}, `${hours(meanHours(s))} / ${hours(s.normHours)} giờ`)),
    });
  }

  const unitNames = new Map((await api.units().catch((): Unit[] => [])).map((u) => [u.id, u.name]));
  const caseClasses = new Map<string, number>();
  for (const c of cases) caseClasses.set(timelinessLabel(c.timeliness), (caseClasses.get(timelinessLabel(c.timeliness)) ?? 0) + 1);

  const rows = stats.map((s) => [s.name, s.visits, hours(meanHours(s)), hours(s.finished ? s.maxHours : undefined), hours(s.normHours), s.visits ? `${Math.round((100 * (s.visits - s.late)) / s.visits)}%` : '—', s.late] as const);
  const header = ['Bước', 'Số lượt', 'TB (giờ làm việc)', 'Lâu nhất', 'Định mức (giờ)', 'Đúng hạn', 'Quá hạn'] as const;
  replace(tableHost,
    el('h2', {}, `Theo từng bước — ${cases.length} hồ sơ`),
    stats.length === 0 ? el('p', { class: 'muted' }, 'Chưa có dữ liệu thời gian xử lý cho quy trình này.')
      : el('table', { class: 'grid', id: 'step-statistics' },
        el('thead', {}, el('tr', {}, header.map((h) => el('th', {}, h)))),
        el('tbody', {}, rows.map((r) => el('tr', {}, r.map((cell) => el('td', {}, String(cell))))))),
    el('h2', {}, 'Hồ sơ theo tình trạng thời hạn'),
    el('p', { id: 'case-timeliness' }, cases.length === 0 ? 'Chưa có hồ sơ.' : [...caseClasses].map(([label, count]) => el('span', { class: 'tag' }, `${label}: ${count}`))),
    el('h2', {}, 'Theo đơn vị xử lý'),
    el('table', { class: 'grid', id: 'unit-statistics' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Đơn vị'), el('th', {}, 'Số lượt bước'), el('th', {}, 'Quá hạn'), el('th', {}, 'Tỷ lệ đúng hạn'))),
      el('tbody', {}, [...byUnit(intervals)].map(([unit, u]) => el('tr', {},
        el('td', {}, unitNames.get(unit) ?? unit), el('td', {}, String(u.visits)), el('td', {}, String(u.late)),
        el('td', {}, u.visits ? `${Math.round((100 * (u.visits - u.late)) / u.visits)}%` : '—'))))),
    el('p', {},
      el('a', { href: csvUrl([header, ...rows]), download: `thong-ke-${procedure.processId}.csv`, id: 'export-csv' }, 'Xuất bảng thống kê (CSV)'), ' · ',
      el('a', { href: '/api/audit/verify', target: '_blank' }, 'Kiểm tra tính toàn vẹn nhật ký')));
  return () => viewer.destroy();
};

async function casesOf(processId: string): Promise<CaseSummary[]> {
  const all: CaseSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.cases({ processId, limit: '100', ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && all.length < MAX_CASES);
  return all;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** CSV with a BOM so spreadsheet programs read the Vietnamese text as UTF-8. */
function csvUrl(rows: readonly (readonly (string | number)[])[]): string {
  const quote = (cell: string | number): string => `"${String(cell).replaceAll('"', '""')}"`;
  const text = `\uFEFF${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`;
  return URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
}

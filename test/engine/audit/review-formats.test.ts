import { describe, expect, it } from 'vitest';
import { csvCell, intervalsToCsv, intervalsToXes, simplificationReview, stepIntervals, stepStatistics, type FlowNode, type Norm, type ProcessModel, type StepStatistics } from '../../../engine/index.ts';
import { caoBangCase, officeHours } from './fixtures.ts';

function task(id: string, name: string, norm: Norm | undefined, unit: string, outsideClock = false): FlowNode {
  return { kind: 'UserTask', id, name, laneIds: [], incoming: [], outgoing: [], step: { ...(norm && { norm }), unit, outcomes: [], outsideClock } };
}

function model(id: string, nodes: FlowNode[], deadline?: Norm): ProcessModel {
  return { id, isExecutable: true, procedure: { cutoffs: { desk: '15:00', online: undefined, post: undefined }, supplementMode: 'restart', ...(deadline && { deadline }) }, graph: { nodes, flows: [] }, lanes: [] };
}

const wd = (amount: number): Norm => ({ amount, unit: 'workingDays' });

describe('simplificationReview', () => {
  const v1 = model('p', [
    task('receive', 'Tiếp nhận', wd(0.5), 'TTPVHCC'),
    task('assign', 'Phân công', wd(0.5), 'BTXH'),
    task('handle', 'Xử lý', wd(7), 'BTXH'),
    task('review', 'Thẩm định của phòng', wd(0.5), 'BTXH'),
    task('approve', 'Phê duyệt', wd(1), 'SYT'),
    task('clerk', 'Vào số', wd(0.5), 'VT'),
    task('return', 'Trả kết quả', undefined, 'TTPVHCC', true),
  ], wd(10));
  const v2 = model('p', [
    task('receive', 'Tiếp nhận', wd(0.5), 'TTPVHCC'),
    task('handle2', 'Xử lý', wd(5), 'BTXH'),
    task('approve', 'Phê duyệt', wd(1), 'SYT'),
    task('clerk', 'Vào số', wd(0.5), 'SYT'),
    task('sign', 'Ký số', wd(0.5), 'SYT'),
    task('return', 'Trả kết quả', undefined, 'TTPVHCC', true),
  ], wd(7.5));

  it('should list removed, added and re-timed steps and the planned time saved', () => {
    const r = simplificationReview(v1, v2);
    expect(r.removed.map((s) => s.elementId)).toEqual(['assign', 'review']);
    expect(r.added.map((s) => s.elementId)).toEqual(['sign']);
    // 'handle' matches 'handle2' by name.
    expect(r.retimed.map((x) => [x.before.elementId, x.after.elementId, x.savedMinutes])).toEqual([['handle', 'handle2', 2 * 480]]);
    expect(r.before.plannedMinutes).toBe(10 * 480);
    expect(r.after.plannedMinutes).toBe(7.5 * 480);
    expect(r.plannedSavedMinutes).toBe(2.5 * 480);
    expect(r.plannedSavedRate).toBeCloseTo(0.25);
    expect(r.meetsTwentyPercent).toBe(true);
    expect(r.unitsRemoved).toEqual(['VT']);
  });

  it('should report the actual time saved when statistics cover every timed step', () => {
    const stats = (pairs: [string, number][]): StepStatistics[] => pairs.map(([elementId, meanMinutes]) => ({ elementId, count: 3, open: 0, meanMinutes, medianMinutes: meanMinutes, p90Minutes: meanMinutes, maxMinutes: meanMinutes, early: 0, onTime: 3, late: 0, lateRate: 0 }));
    const r = simplificationReview(v1, v2, {
      before: stats([['receive', 100], ['assign', 200], ['handle', 3000], ['review', 200], ['approve', 400], ['clerk', 100]]),
      after: stats([['receive', 100], ['handle2', 2000], ['approve', 400], ['clerk', 100], ['sign', 100]]),
    });
    expect(r.before.actualMinutes).toBe(4000);
    expect(r.after.actualMinutes).toBe(2700);
    expect(r.actualSavedMinutes).toBe(1300);
    expect(simplificationReview(v1, v2, { before: stats([['receive', 1]]) }).actualSavedMinutes).toBeUndefined();
  });

  it('should fall back to the sum of step norms and flag a version that is slower', () => {
    const slower = simplificationReview(model('a', [task('x', 'X', wd(1), 'U')]), model('a', [task('x', 'X', wd(2), 'U')]));
    expect(slower.plannedSavedMinutes).toBe(-480);
    expect(slower.meetsTwentyPercent).toBe(false);
  });
});

describe('intervalsToCsv', () => {
  it('should start with a BOM, quote commas and quotes and keep Vietnamese text', () => {
    const intervals = stepIntervals(caoBangCase(), { workingTime: officeHours });
    const csv = intervalsToCsv(intervals, { codes: new Map([['c1', 'H01-260302-0001']]) });
    expect(csv.startsWith('\uFEFFcaseId,caseCode,stepKey')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain('c1,H01-260302-0001,receive,receive,Tiếp nhận hồ sơ,officer,TTPVHCC,2026-03-02T08:00:00+07:00,2026-03-02T10:00:00+07:00,desk1,desk1,accept,completed,0.5,workingDays,240,');
    expect(lines[3]!.split(',').at(-3)).toBe('960');
  });

  it('should neutralise formulas and escape separators', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('dòng 1\ndòng 2')).toBe('"dòng 1\ndòng 2"');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(undefined)).toBe('');
  });
});

describe('intervalsToXes', () => {
  it('should write one trace per case with start and complete events in time order', () => {
    const xes = intervalsToXes(stepIntervals(caoBangCase(), { workingTime: officeHours }), { codes: new Map([['c1', 'H01-260302-0001']]) });
    expect(xes).toContain('<trace><string key="concept:name" value="H01-260302-0001"/>');
    expect(xes.match(/<event>/g)).toHaveLength(7);
    expect(xes.match(/<event>[^\n]*lifecycle:transition" value="complete"/g)).toHaveLength(3);
    expect(xes).toContain('<string key="org:resource" value="officer1"/>');
    const stamps = [...xes.matchAll(/<event>.*?time:timestamp" value="([^"]+)"/g)].map((m) => Date.parse(m[1]!));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
  });

  it('should escape markup in names', () => {
    const xes = intervalsToXes([{ caseId: 'x', stepKey: 's', elementId: 's', name: '<b>"A&B"</b>', enteredAt: '2026-03-02T08:00:00+07:00', end: 'open', outsideClock: false, workingMinutes: 0, calendarMinutes: 0 }]);
    expect(xes).toContain('value="&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;"');
    expect(xes).not.toContain('<b>');
  });
});

describe('stepStatistics on exported intervals', () => {
  it('should be consistent with the CSV minutes', () => {
    const intervals = stepIntervals(caoBangCase(), { workingTime: officeHours });
    expect(stepStatistics(intervals).map((s) => s.meanMinutes).slice(0, 3)).toEqual(intervals.slice(0, 3).map((i) => i.workingMinutes));
  });
});

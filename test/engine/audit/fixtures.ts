/** Fixed audit streams and a small office-hours clock for the audit reducer tests. */
import { DateTime } from 'luxon';
import type { AuditEvent, WorkingTime } from '../../../engine/index.ts';

const ZONE = 'Asia/Ho_Chi_Minh';
const PERIODS: [number, number][] = [[7 * 60 + 30, 11 * 60 + 30], [13 * 60, 17 * 60]];

/** Monday–Friday 07:30–11:30 and 13:00–17:00 in Vietnam, no holidays: enough for reducers. */
export const officeHours: WorkingTime = {
  workingMinutesBetween(from, to) {
    const start = DateTime.fromISO(from, { zone: ZONE });
    const end = DateTime.fromISO(to, { zone: ZONE });
    if (end <= start) return 0;
    let total = 0;
    for (let day = start.startOf('day'); day < end; day = day.plus({ days: 1 })) {
      if (day.weekday > 5) continue;
      for (const [a, b] of PERIODS) {
        const pa = day.plus({ minutes: a });
        const pb = day.plus({ minutes: b });
        const s = pa > start ? pa : start;
        const e = pb < end ? pb : end;
        if (e > s) total += e.diff(s, 'minutes').minutes;
      }
    }
    return Math.round(total);
  },
};

const day = (d: string, t: string) => `2026-03-${d}T${t}:00+07:00`;

/** One case through receipt, assignment, handling (with a supplement round) and approval. */
export function caoBangCase(caseId = 'c1'): AuditEvent[] {
  return [
    { type: 'case.received', at: day('02', '08:00'), caseId, actor: 'desk1', unit: 'TTPVHCC', data: { code: 'H01-260302-0001', processId: 'cao-bang', appointmentAt: day('16', '08:00'), effectiveStart: day('02', '08:00') } },
    { type: 'step.opened', at: day('02', '08:00'), caseId, elementId: 'receive', stepKey: 'receive', data: { name: 'Tiếp nhận hồ sơ', role: 'officer', unit: 'TTPVHCC', norm: { amount: 0.5, unit: 'workingDays' }, dueAt: day('02', '13:30') } },
    { type: 'step.claimed', at: day('02', '08:05'), caseId, actor: 'desk1', elementId: 'receive', stepKey: 'receive' },
    { type: 'step.completed', at: day('02', '10:00'), caseId, actor: 'desk1', elementId: 'receive', stepKey: 'receive', data: { outcome: 'accept' } },
    { type: 'step.opened', at: day('02', '10:00'), caseId, elementId: 'assign', stepKey: 'assign', data: { name: 'Phân công xử lý', role: 'unitHead', unit: 'BTXH', norm: { amount: 0.5, unit: 'workingDays' }, dueAt: day('02', '15:00') } },
    { type: 'step.completed', at: day('03', '09:00'), caseId, actor: 'head1', elementId: 'assign', stepKey: 'assign' },
    { type: 'step.opened', at: day('03', '09:00'), caseId, elementId: 'handle', stepKey: 'handle', data: { name: 'Thẩm định, xử lý', role: 'officer', unit: 'BTXH', norm: { amount: 7, unit: 'workingDays' }, dueAt: day('12', '09:00') } },
    { type: 'step.claimed', at: day('03', '09:10'), caseId, actor: 'officer1', elementId: 'handle', stepKey: 'handle' },
    { type: 'supplement.requested', at: day('04', '08:00'), caseId, actor: 'officer1' },
    { type: 'supplement.received', at: day('05', '08:00'), caseId, actor: 'desk1', data: { appointmentAt: day('19', '08:00') } },
    { type: 'step.completed', at: day('06', '09:00'), caseId, actor: 'officer1', elementId: 'handle', stepKey: 'handle', data: { outcome: 'approve' } },
    { type: 'step.opened', at: day('06', '09:00'), caseId, elementId: 'approve', stepKey: 'approve', data: { name: 'Phê duyệt', role: 'unitHead', unit: 'SYT', norm: { amount: 1, unit: 'workingDays' }, dueAt: day('06', '17:00') } },
  ];
}

export { day };

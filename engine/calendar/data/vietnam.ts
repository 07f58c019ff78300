/**
 * The shipped calendars: the Vietnamese civil service (default) and a one-stop desk that also
 * receives dossiers on Saturday mornings. Plain JSON-serialisable data; the server copies them
 * into its calendars table on first start, where an admin edits them.
 *
 * Evidence labels as in shared/docs/domain.md: [C] legal text read, [S] secondary source,
 * [I] inference. Where a rule is [I] it is a default that a yearly notice overrides.
 */
import type { CalendarSpec, DayOverride, HolidayRules, YearNotice } from '../spec.ts';

const OFFICE_DAY = [['07:30', '11:30'], ['13:00', '17:00']] as const;

/**
 * Labour Code 45/2019/QH14 Art. 112(1) [C] plus Ngày Văn hóa Việt Nam [S].
 * Defaults chosen where the law leaves the choice to the yearly decision (Art. 112(3)):
 * - Tết: the last day of the old lunar year (29 or 30 tháng Chạp) through mùng 4 — the
 *   "1 day before, 4 days after" split that Thông báo 9441/TB-BNV chose for 2026 [C].
 * - Quốc khánh: 2/9 and the day before (1/9), the choice of both the 2025 and 2026 notices [C].
 * A day of these on Saturday or Sunday is made up on the next working day (Art. 111(3)) [C],
 * except Culture Day, which the secondary sources say is not made up [S].
 */
export const VN_STATUTORY_HOLIDAYS: HolidayRules = {
  restDays: ['sat', 'sun'],
  rules: [
    { key: 'newYear', name: 'Tết Dương lịch', solar: '01-01', basis: '[C] BLLĐ 45/2019/QH14 Đ.112(1)(a)' },
    { key: 'tet', name: 'Tết Nguyên đán', lunar: '01-01', daysBefore: 1, daysAfter: 3, basis: '[C] BLLĐ 45/2019/QH14 Đ.112(1)(b), 05 ngày; [I] mặc định 1 ngày trước + 4 ngày sau (như TB 9441/TB-BNV)' },
    { key: 'hungKings', name: 'Giỗ Tổ Hùng Vương', lunar: '03-10', basis: '[C] BLLĐ 45/2019/QH14 Đ.112(1)(đ)' },
    { key: 'reunification', name: 'Ngày Chiến thắng', solar: '04-30', basis: '[C] BLLĐ 45/2019/QH14 Đ.112(1)(c)' },
    { key: 'labourDay', name: 'Ngày Quốc tế lao động', solar: '05-01', basis: '[C] BLLĐ 45/2019/QH14 Đ.112(1)(d)' },
    { key: 'nationalDay', name: 'Quốc khánh', solar: '09-02', daysBefore: 1, basis: '[C] BLLĐ 45/2019/QH14 Đ.112(1)(đ), 02/9 + 01 ngày liền kề; [I] mặc định 01/9' },
    { key: 'cultureDay', name: 'Ngày Văn hóa Việt Nam', solar: '11-24', fromYear: 2026, makeUp: false, basis: '[S] NQ 80-NQ/TW, NQ 28/2026/QH16 (hiệu lực 01/7/2026); không nghỉ bù khi trùng ngày nghỉ hằng tuần [S]' },
  ],
};

const swap = (date: string, working: boolean, reason: string, notice: string): DayOverride => ({ date, working, reason, notice });

/** Thông báo 6150/TB-BLĐTBXH (MOLISA), implementing Công văn 8726/VPCP-KGVX of 26/11/2024. */
export const NOTICE_2025: YearNotice = {
  year: 2025,
  notice: '6150/TB-BLĐTBXH',
  issuer: 'Bộ Lao động – Thương binh và Xã hội',
  source: '[C] text quoted in tnt305/tai_lieu_noi_bo c5bd35a633af7478.md; 30/4–1/5 swap [S] 8a4e84165d9538d2.md citing 8726/VPCP-KGVX',
  holidays: {
    tet: ['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31'],
    nationalDay: ['2025-09-01', '2025-09-02'],
  },
  days: [
    swap('2025-05-02', false, 'Hoán đổi: nghỉ thứ Sáu 02/05/2025, làm bù thứ Bảy 26/04/2025', '8726/VPCP-KGVX'),
    swap('2025-04-26', true, 'Làm bù cho thứ Sáu 02/05/2025 (hoán đổi)', '8726/VPCP-KGVX'),
  ],
  breaks: [
    { from: '2025-01-25', to: '2025-02-02', reason: 'Đợt nghỉ Tết Nguyên đán 25/01–02/02/2025' },
    { from: '2025-04-30', to: '2025-05-04', reason: 'Đợt nghỉ 30/4–1/5 (30/04–04/05/2025)', notice: '8726/VPCP-KGVX' },
    { from: '2025-08-30', to: '2025-09-02', reason: 'Đợt nghỉ Quốc khánh 30/08–02/09/2025' },
  ],
};

/** Thông báo 9441/TB-BNV of 16/10/2025 (Bộ Nội vụ), implementing Công văn 9859/VPCP-KGVX. */
export const NOTICE_2026: YearNotice = {
  year: 2026,
  notice: '9441/TB-BNV',
  issuer: 'Bộ Nội vụ',
  issuedOn: '2025-10-16',
  source: '[C] text quoted in tnt305/tai_lieu_noi_bo de5dc8dbe39fa7c6.md, 0883d031bf7e23f9.md; 02/01 ↔ 10/01 swap [S] Văn bản 12729/VPCP-KGVX',
  holidays: {
    tet: ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20'],
    nationalDay: ['2026-09-01', '2026-09-02'],
  },
  days: [
    swap('2026-08-31', false, 'Hoán đổi: nghỉ thứ Hai 31/08/2026, làm bù thứ Bảy 22/08/2026', '9441/TB-BNV'),
    swap('2026-08-22', true, 'Làm bù cho thứ Hai 31/08/2026 (hoán đổi)', '9441/TB-BNV'),
    swap('2026-01-02', false, 'Hoán đổi: nghỉ thứ Sáu 02/01/2026, làm bù thứ Bảy 10/01/2026', '12729/VPCP-KGVX'),
    swap('2026-01-10', true, 'Làm bù cho thứ Sáu 02/01/2026 (hoán đổi)', '12729/VPCP-KGVX'),
  ],
  breaks: [
    { from: '2026-01-01', to: '2026-01-04', reason: 'Đợt nghỉ Tết Dương lịch 01/01–04/01/2026', notice: '12729/VPCP-KGVX' },
    { from: '2026-02-14', to: '2026-02-22', reason: 'Đợt nghỉ Tết Nguyên đán 14/02–22/02/2026' },
    { from: '2026-08-29', to: '2026-09-02', reason: 'Đợt nghỉ Quốc khánh 29/08–02/09/2026' },
  ],
};

/**
 * The civil service: Monday–Friday 07:30–11:30 and 13:00–17:00 (40 h a week, Decision
 * 188/1999/QĐ-TTg [I]; hours vary by province, so units override them).
 */
export const VN_CIVIL_SERVICE: CalendarSpec = {
  id: 'vn-civil-service',
  name: 'Lịch làm việc cơ quan hành chính nhà nước',
  version: 1,
  weeklyHours: { mon: OFFICE_DAY, tue: OFFICE_DAY, wed: OFFICE_DAY, thu: OFFICE_DAY, fri: OFFICE_DAY },
  holidays: VN_STATUTORY_HOLIDAYS,
  notices: [NOTICE_2025, NOTICE_2026],
};

/** A one-stop desk that also receives on Saturday mornings (Decision 127/2007/QĐ-TTg [C]); holidays as the civil service. */
export const VN_ONE_STOP_SATURDAY: CalendarSpec = {
  id: 'vn-one-stop-saturday',
  name: 'Bộ phận Một cửa làm việc sáng thứ Bảy',
  version: 1,
  base: 'vn-civil-service',
  weeklyHours: { sat: [['07:30', '11:30']] },
};

/** Built-in calendars by id. */
export const BUILTIN_CALENDARS: Readonly<Record<string, CalendarSpec>> = {
  [VN_CIVIL_SERVICE.id]: VN_CIVIL_SERVICE,
  [VN_ONE_STOP_SATURDAY.id]: VN_ONE_STOP_SATURDAY,
};

/** The calendar used when a procedure names none. */
export const DEFAULT_CALENDAR_ID = VN_CIVIL_SERVICE.id;

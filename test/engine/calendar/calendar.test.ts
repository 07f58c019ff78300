import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { classifyFinished as auditClassifyFinished } from '../../../engine/audit/intervals.ts';
import { calendarChanges, calendarLookup, classifyOpen, createCalendar } from '../../../engine/calendar/calendar.ts';
import { VN_CIVIL_SERVICE, VN_ONE_STOP_SATURDAY } from '../../../engine/calendar/data/vietnam.ts';
import { withYearNotice } from '../../../engine/calendar/spec.ts';
import type { CalendarSpec } from '../../../engine/calendar/spec.ts';
import { validateCalendarSpec } from '../../../engine/calendar/validate.ts';
import { DeadlineCalendarError } from '../../../engine/errors.ts';

const cal = createCalendar(VN_CIVIL_SERVICE);
const wd = (amount: number) => ({ amount, unit: 'workingDays' as const });
const wh = (amount: number) => ({ amount, unit: 'workingHours' as const });
const iso = (s: string) => `${s}:00.000+07:00`;
const exceptional = (c = cal, year: number) => c.exceptionalDays(year).map((d) => `${d.date} ${d.working ? 'worked' : 'off'}${d.notice ? ` ${d.notice}` : ''}`);

describe('working calendar: yearly notices', () => {
  it('should list the 2025 exceptional days of Thông báo 6150/TB-BLĐTBXH and the statutory rules', () => {
    expect(exceptional(cal, 2025)).toEqual([
      '2025-01-01 off',
      '2025-01-27 off 6150/TB-BLĐTBXH',
      '2025-01-28 off 6150/TB-BLĐTBXH',
      '2025-01-29 off 6150/TB-BLĐTBXH',
      '2025-01-30 off 6150/TB-BLĐTBXH',
      '2025-01-31 off 6150/TB-BLĐTBXH',
      '2025-04-07 off',
      '2025-04-26 worked 8726/VPCP-KGVX',
      '2025-04-30 off',
      '2025-05-01 off',
      '2025-05-02 off 8726/VPCP-KGVX',
      '2025-09-01 off 6150/TB-BLĐTBXH',
      '2025-09-02 off 6150/TB-BLĐTBXH',
    ]);
  });

  it('should list the 2026 exceptional days of Thông báo 9441/TB-BNV, the Giỗ Tổ make-up day and Culture Day', () => {
    expect(exceptional(cal, 2026)).toEqual([
      '2026-01-01 off',
      '2026-01-02 off 12729/VPCP-KGVX',
      '2026-01-10 worked 12729/VPCP-KGVX',
      '2026-02-16 off 9441/TB-BNV',
      '2026-02-17 off 9441/TB-BNV',
      '2026-02-18 off 9441/TB-BNV',
      '2026-02-19 off 9441/TB-BNV',
      '2026-02-20 off 9441/TB-BNV',
      '2026-04-27 off',
      '2026-04-30 off',
      '2026-05-01 off',
      '2026-08-22 worked 9441/TB-BNV',
      '2026-08-31 off 9441/TB-BNV',
      '2026-09-01 off 9441/TB-BNV',
      '2026-09-02 off 9441/TB-BNV',
      '2026-11-24 off',
    ]);
    expect(cal.dayInfo('2026-04-27')).toMatchObject({ working: false, kind: 'makeUp', holiday: 'hungKings', reason: 'Nghỉ bù Giỗ Tổ Hùng Vương (26/04 là Chủ nhật)' });
    expect(cal.dayInfo('2026-02-16').reason).toBe('Tết Nguyên đán (29 tháng Chạp âm lịch)');
  });

  it('should make the worked Saturday 22/08/2026 a full office day', () => {
    expect(cal.dayInfo('2026-08-22')).toMatchObject({ working: true, kind: 'swapWorked', notice: '9441/TB-BNV', hours: [['07:30', '11:30'], ['13:00', '17:00']] });
    // 1 WD from Friday 08:00 ends on the worked Saturday, not the Monday.
    expect(cal.addNorm('2026-08-21T08:00', wd(1)).toISO()).toBe(iso('2026-08-22T08:00'));
    // Friday 28/08 + 1 WD: 29–30 weekend, 31/08 swapped off, 01–02/09 Quốc khánh → Thursday.
    expect(cal.addNorm('2026-08-28T08:00', wd(1)).toISO()).toBe(iso('2026-09-03T08:00'));
  });

  it('should compute a 10-working-day procedure received the Friday before Tết 2026', () => {
    // Fri 13/02 09:00 → 6.5 h that day; Tết 16–20/02; 9 full days 23/02–05/03 (72 h); 1.5 h on Fri 06/03.
    expect(cal.addNorm(cal.effectiveStart('2026-02-13T09:00'), wd(10)).toISO()).toBe(iso('2026-03-06T09:00'));
    // After the cut-off the clock starts on Monday 23/02 07:30; ten full days end Friday 06/03 17:00.
    const start = cal.effectiveStart('2026-02-13T15:30');
    expect(start.toISO()).toBe(iso('2026-02-23T07:30'));
    expect(cal.addNorm(start, wd(10)).toISO()).toBe(iso('2026-03-06T17:00'));
  });

  it('should compute a 10-working-day procedure received the Friday before Tết 2025', () => {
    // Fri 24/01 10:00 → 5.5 h; 25/01–02/02 off (6150); 9 days 03/02–13/02 (72 h); 2.5 h on Fri 14/02.
    expect(cal.addNorm('2025-01-24T10:00', wd(10)).toISO()).toBe(iso('2025-02-14T10:00'));
    // The swap of 2025: Saturday 26/04 worked, Friday 02/05 off.
    expect(cal.addNorm('2025-04-25T08:00', wd(1)).toISO()).toBe(iso('2025-04-26T08:00'));
    expect(cal.addNorm('2025-04-29T08:00', wd(1)).toISO()).toBe(iso('2025-05-05T08:00'));
  });

  it('should generate the default holidays when a year has no notice', () => {
    const noNotices = createCalendar({ ...VN_CIVIL_SERVICE, id: 'rules-only', notices: [] });
    // 2026: the default Tết rule (29 Chạp … mùng 4) gives exactly the days 9441/TB-BNV chose.
    expect(noNotices.exceptionalDays(2026).filter((d) => d.holiday === 'tet').map((d) => d.date)).toEqual(['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']);
    // 2025 by rule: 29 Chạp = Tue 28/01 … mùng 4 = Sat 01/02, made up on Mon 03/02.
    expect(noNotices.exceptionalDays(2025).filter((d) => d.holiday === 'tet').map((d) => `${d.date} ${d.kind}`)).toEqual([
      '2025-01-28 holiday',
      '2025-01-29 holiday',
      '2025-01-30 holiday',
      '2025-01-31 holiday',
      '2025-02-03 makeUp',
    ]);
    // Quốc khánh default: 01/09 + 02/09; 2029: Sat 01/09 and Sun 02/09 are made up Mon 03/09 and Tue 04/09.
    expect(noNotices.exceptionalDays(2029).filter((d) => d.holiday === 'nationalDay').map((d) => `${d.date} ${d.kind}`)).toEqual(['2029-09-03 makeUp', '2029-09-04 makeUp']);
  });

  it('should not make up Culture Day when 24/11 falls on a weekend', () => {
    expect(cal.dayInfo('2029-11-24')).toMatchObject({ weekday: 'thứ Bảy', working: false, kind: 'holiday', holiday: 'cultureDay' });
    expect(cal.dayInfo('2029-11-26')).toMatchObject({ working: true, kind: 'regular' });
    expect(cal.dayInfo('2025-11-24')).toMatchObject({ working: true, kind: 'regular' });
  });
});

describe('working calendar: the 15:00 cut-off', () => {
  it('should start the clock at receipt up to 15:00:00 and the next working morning after it', () => {
    // Thursday 05/03/2026.
    expect(cal.effectiveStart('2026-03-05T14:59').toISO()).toBe(iso('2026-03-05T14:59'));
    expect(cal.effectiveStart('2026-03-05T15:00').toISO()).toBe(iso('2026-03-05T15:00'));
    expect(cal.effectiveStart('2026-03-05T15:00:01').toISO()).toBe(iso('2026-03-06T07:30'));
    expect(cal.effectiveStart('2026-03-05T15:01').toISO()).toBe(iso('2026-03-06T07:30'));
  });

  it('should move a Saturday, a Friday-evening or a holiday receipt to the next working morning', () => {
    expect(cal.effectiveStart('2026-03-07T09:00').toISO()).toBe(iso('2026-03-09T07:30'));
    expect(cal.effectiveStart('2026-03-06T15:01').toISO()).toBe(iso('2026-03-09T07:30'));
    expect(cal.effectiveStart('2026-02-17T09:00').toISO()).toBe(iso('2026-02-23T07:30'));
  });

  it('should move a receipt before opening or at lunch to the next office hour of the same day', () => {
    expect(cal.effectiveStart('2026-03-05T06:45').toISO()).toBe(iso('2026-03-05T07:30'));
    expect(cal.effectiveStart('2026-03-05T12:10').toISO()).toBe(iso('2026-03-05T13:00'));
  });

  it('should honour a per-procedure cut-off such as 17:00 for online dossiers', () => {
    expect(cal.effectiveStart('2026-03-05T16:30', '17:00').toISO()).toBe(iso('2026-03-05T16:30'));
    expect(cal.effectiveStart('2026-03-05T16:30').toISO()).toBe(iso('2026-03-06T07:30'));
    expect(() => cal.effectiveStart('2026-03-05T16:30', '5pm')).toThrow(DeadlineCalendarError);
  });

  it('should read an instant given in another offset as the same moment', () => {
    // 08:30 UTC = 15:30 in Vietnam: after the cut-off.
    expect(cal.effectiveStart('2026-03-05T08:30:00Z').toISO()).toBe(iso('2026-03-06T07:30'));
    expect(cal.effectiveStart(new Date('2026-03-05T07:59:00Z')).toISO()).toBe(iso('2026-03-05T14:59'));
  });
});

describe('working calendar: unit calendars', () => {
  const desk = createCalendar(VN_ONE_STOP_SATURDAY);

  it('should inherit holidays and add Saturday mornings for a one-stop desk', () => {
    expect(desk.spec.lineage).toEqual(['vn-one-stop-saturday', 'vn-civil-service']);
    expect(desk.dayInfo('2026-03-07')).toMatchObject({ working: true, hours: [['07:30', '11:30']] });
    expect(desk.dayInfo('2026-09-02')).toMatchObject({ working: false, holiday: 'nationalDay' });
    expect(desk.effectiveStart('2026-03-07T09:00').toISO()).toBe(iso('2026-03-07T09:00'));
    expect(desk.effectiveStart('2026-03-07T11:45').toISO()).toBe(iso('2026-03-09T07:30'));
    // Saturday mornings count 4 h: 8 h from Friday 13:00 → Friday 17:00 (4 h) + Saturday morning (4 h).
    expect(desk.addNorm('2026-03-06T13:00', wh(8)).toISO()).toBe(iso('2026-03-07T11:30'));
  });

  it('should close a Saturday desk during the announced breaks of the notices', () => {
    expect(desk.dayInfo('2026-02-21')).toMatchObject({ working: false, kind: 'break', notice: '9441/TB-BNV', reason: 'Đợt nghỉ Tết Nguyên đán 14/02–22/02/2026' });
    expect(desk.dayInfo('2026-02-28')).toMatchObject({ working: true, kind: 'regular' });
    expect(desk.dayInfo('2026-01-03')).toMatchObject({ working: false, kind: 'break', notice: '12729/VPCP-KGVX' });
    // The worked Saturday of the notice replaces Monday 31/08: a full day, also at the desk.
    expect(desk.dayInfo('2026-08-22')).toMatchObject({ working: true, kind: 'swapWorked', hours: [['07:30', '11:30'], ['13:00', '17:00']] });
    expect(desk.exceptionalDays(2026).filter((d) => d.kind === 'break').map((d) => d.date)).toEqual(['2026-01-03', '2026-02-14', '2026-02-21', '2026-08-29']);
    // For the civil service a break only covers weekends and holidays it already has.
    expect(cal.exceptionalDays(2026).some((d) => d.kind === 'break')).toBe(false);
    expect(cal.dayInfo('2026-02-21')).toMatchObject({ working: false, kind: 'rest' });
  });

  it('should let a unit add its own day off and keep the base for everything else', () => {
    const unit: CalendarSpec = { id: 'so-y-te', base: 'vn-civil-service', days: [{ date: '2026-03-10', working: false, reason: 'Nghỉ theo quyết định của đơn vị' }] };
    const c = createCalendar(unit);
    expect(c.dayInfo('2026-03-10')).toMatchObject({ working: false, kind: 'unitOff', reason: 'Nghỉ theo quyết định của đơn vị' });
    expect(c.addNorm('2026-03-09T08:00', wd(1)).toISO()).toBe(iso('2026-03-11T08:00'));
    expect(c.exceptionalDays(2026).map((d) => d.date)).toContain('2026-03-10');
  });

  it('should inherit from a stored calendar through calendarLookup', () => {
    const province: CalendarSpec = { id: 'ubnd-tinh', base: 'vn-civil-service', weeklyHours: { mon: [['07:00', '11:30'], ['13:30', '17:00']] } };
    const desk: CalendarSpec = { id: 'ttpvhcc', base: 'ubnd-tinh', weeklyHours: { sat: [['07:00', '11:00']] } };
    const c = createCalendar(desk, calendarLookup([province, desk]));
    expect(c.spec.lineage).toEqual(['ttpvhcc', 'ubnd-tinh', 'vn-civil-service']);
    expect(c.dayInfo('2026-03-02').hours).toEqual([['07:00', '11:30'], ['13:30', '17:00']]);
    expect(c.dayInfo('2026-03-07').hours).toEqual([['07:00', '11:00']]);
  });

  it('should switch to summer office hours inside a season, also across the new year', () => {
    const summer = [['07:00', '11:30'], ['13:30', '17:00']] as const;
    const province = createCalendar({
      id: 'tinh-mua-he',
      base: 'vn-civil-service',
      seasons: [{ name: 'Giờ mùa hè', from: '04-15', to: '10-14', weeklyHours: { mon: summer, tue: summer, wed: summer, thu: summer, fri: summer } }],
    });
    expect(province.dayInfo('2026-04-14').hours).toEqual([['07:30', '11:30'], ['13:00', '17:00']]);
    expect(province.dayInfo('2026-04-15').hours).toEqual(summer);
    expect(province.dayInfo('2026-10-15').hours).toEqual([['07:30', '11:30'], ['13:00', '17:00']]);
    // Summer days also have 8 h: 1 WD from 07:00 ends at 17:00.
    expect(province.addNorm('2026-06-01T07:00', wd(1)).toISO()).toBe(iso('2026-06-01T17:00'));
    expect(province.effectiveStart('2026-06-01T06:50').toISO()).toBe(iso('2026-06-01T07:00'));
    const winterSaturday = createCalendar({ id: 'x', base: 'vn-civil-service', seasons: [{ from: '12-01', to: '01-31', weeklyHours: { sat: [['08:00', '11:00']] } }] });
    expect(winterSaturday.dayInfo('2026-12-05').working).toBe(true);
    expect(winterSaturday.dayInfo('2027-01-09').working).toBe(true);
    expect(winterSaturday.dayInfo('2026-02-07').working).toBe(false);
    // In season its Saturdays are regular: the worked Saturday 10/01 is not exceptional, while the
    // Saturday 03/01 inside the Tết Dương lịch break is.
    const unitDays = winterSaturday.exceptionalDays(2026).map((d) => d.date);
    expect(unitDays).toContain('2026-01-03');
    expect(unitDays).not.toContain('2026-01-10');
    expect(unitDays.filter((d) => d !== '2026-01-03')).toEqual(cal.exceptionalDays(2026).map((d) => d.date).filter((d) => d !== '2026-01-10'));
    expect(validateCalendarSpec({ id: 'x', base: 'vn-civil-service', seasons: [{ from: '4-15', to: '10-14', weeklyHours: {} }] }).map((d) => d.code)).toEqual(['CALENDAR_SEASON']);
  });

  it('should refuse an unknown base and an inheritance cycle', () => {
    expect(() => createCalendar({ id: 'x', base: 'nowhere' })).toThrow(DeadlineCalendarError);
    const a: CalendarSpec = { id: 'a', base: 'b' };
    const b: CalendarSpec = { id: 'b', base: 'a' };
    expect(() => createCalendar(a, (id) => ({ a, b })[id])).toThrow(/cycle/);
  });

  it('should behave the same after a JSON round trip of its data', () => {
    const copy = createCalendar(JSON.parse(JSON.stringify(VN_CIVIL_SERVICE)) as CalendarSpec);
    expect(copy.exceptionalDays(2026)).toEqual(cal.exceptionalDays(2026));
    expect(copy.addNorm('2026-02-13T09:00', wd(10)).toISO()).toBe(cal.addNorm('2026-02-13T09:00', wd(10)).toISO());
  });

  it('should refuse malformed office hours', () => {
    expect(() => createCalendar({ ...VN_CIVIL_SERVICE, id: 'bad', weeklyHours: { mon: [['11:30', '07:30']] } })).toThrow(DeadlineCalendarError);
    expect(() => createCalendar({ ...VN_CIVIL_SERVICE, id: 'bad', weeklyHours: { mon: [['07:30', '12:00'], ['11:00', '17:00']] } })).toThrow(/overlap/);
  });
});

describe('working calendar: arithmetic', () => {
  it('should end a norm at the close of the day rather than the next morning', () => {
    expect(cal.addNorm('2026-03-02T07:30', wd(1)).toISO()).toBe(iso('2026-03-02T17:00'));
    expect(cal.addNorm('2026-03-02T07:30', wh(4)).toISO()).toBe(iso('2026-03-02T11:30'));
    expect(cal.addNorm('2026-03-02T07:30', wd(0.5)).toISO()).toBe(iso('2026-03-02T11:30'));
    expect(cal.addNorm('2026-03-02T11:00', wh(1)).toISO()).toBe(iso('2026-03-02T13:30'));
  });

  it('should count working minutes between instants minus pauses (overlaps once)', () => {
    expect(cal.workingMinutesBetween('2026-03-02T07:30', '2026-03-03T07:30')).toBe(480);
    expect(cal.workingMinutesBetween('2026-03-06T16:00', '2026-03-09T08:30')).toBe(120);
    expect(cal.workingMinutesBetween('2026-03-03T07:30', '2026-03-02T07:30')).toBe(-480);
    const pauses = [
      { from: '2026-03-03T07:30', to: '2026-03-03T11:30' },
      { from: '2026-03-03T10:30', to: '2026-03-03T14:00' },
    ];
    // Monday + Tuesday = 960; the pauses cover Tuesday 07:30–14:00 = 4 h + 1 h.
    expect(cal.workingMinutesBetween('2026-03-02T07:30', '2026-03-04T07:30', pauses)).toBe(960 - 300);
  });

  it('should count across years and the Tết break', () => {
    // 29/12/2025 07:30 → 05/01/2026 07:30: Mon 29, Tue 30, Wed 31 (3 days); 01–02/01 off; Sat 03–Sun 04 rest.
    expect(cal.workingMinutesBetween('2025-12-29T07:30', '2026-01-05T07:30')).toBe(3 * 480);
    expect(cal.addNorm('2025-12-31T13:00', wh(8)).toISO()).toBe(iso('2026-01-05T11:30'));
  });

  it('should add calendar days as elapsed time and move an end on a day off to the close of the next working day', () => {
    expect(cal.addNorm('2026-03-02T08:00', { amount: 21, unit: 'calendarDays' }).toISO()).toBe(iso('2026-03-23T08:00'));
    // Mon 10/08 + 21 days = Mon 31/08, swapped off; 01–02/09 holidays → close of Thu 03/09.
    expect(cal.addNorm('2026-08-10T08:00', { amount: 21, unit: 'calendarDays' }).toISO()).toBe(iso('2026-09-03T17:00'));
  });

  it('should subtract a norm back to the earliest instant it ends from', () => {
    // The apology letter: at the latest one working day before the appointment (Decree 61 Art. 19(9)).
    expect(cal.subtractNorm('2026-03-06T17:00', wd(1)).toISO()).toBe(iso('2026-03-05T17:00'));
    expect(cal.subtractNorm('2026-03-09T07:30', wd(1)).toISO()).toBe(iso('2026-03-05T17:00'));
    // Back over Tết 2026: Monday 23/02 07:30–11:30 (4 h), then Friday 13/02 from 17:00 back to 13:00 ≡ 11:30.
    expect(cal.subtractNorm('2026-02-23T11:30', wd(1)).toISO()).toBe(iso('2026-02-13T11:30'));
    // Back over the new year: 05/01/2026 07:30–11:30, then 31/12/2025 13:00–17:00 ≡ 11:30.
    expect(cal.subtractNorm('2026-01-05T11:30', wd(1)).toISO()).toBe(iso('2025-12-31T11:30'));
    expect(cal.subtractNorm('2026-03-23T08:00', { amount: 21, unit: 'calendarDays' }).toISO()).toBe(iso('2026-03-02T08:00'));
    // Thu 03/09 − 3 days = Mon 31/08 (swapped off) → close of Friday 28/08.
    expect(cal.subtractNorm('2026-09-03T08:00', { amount: 3, unit: 'calendarDays' }).toISO()).toBe(iso('2026-08-28T17:00'));
  });

  it('should tell working instants with half-open office intervals', () => {
    expect(cal.isWorkingInstant('2026-03-02T07:30')).toBe(true);
    expect(cal.isWorkingInstant('2026-03-02T11:30')).toBe(false);
    expect(cal.isWorkingInstant('2026-03-02T12:00')).toBe(false);
    expect(cal.isWorkingInstant('2026-03-07T09:00')).toBe(false);
    expect(cal.nextWorkingInstant('2026-03-06T17:00').toISO()).toBe(iso('2026-03-09T07:30'));
  });

  it('should refuse unreadable instants, negative norms and years outside the calendar', () => {
    expect(() => cal.addNorm('not a date', wd(1))).toThrow(DeadlineCalendarError);
    expect(() => cal.addNorm('2026-03-02T08:00', wd(-1))).toThrow(DeadlineCalendarError);
    expect(() => cal.dayInfo('1970-01-01')).toThrow(/outside/);
    expect(() => cal.dayInfo('2026-02-30')).toThrow(DeadlineCalendarError);
  });
});

describe('working calendar: timeliness', () => {
  const due = '2026-03-06T17:00';

  it('should classify a finished item early before the due day, on time on the due day, late after the due instant', () => {
    expect(cal.classifyFinished('2026-03-05T16:59', due)).toBe('early');
    expect(cal.classifyFinished('2026-03-06T07:31', due)).toBe('onTime');
    expect(cal.classifyFinished('2026-03-06T17:00', due)).toBe('onTime');
    expect(cal.classifyFinished('2026-03-06T17:01', due)).toBe('late');
    expect(cal.classifyFinished('2026-03-07T09:00', due)).toBe('late');
  });

  it('should agree with the audit reducer on early / on time / late', () => {
    for (const finished of ['2026-03-05T16:59', '2026-03-06T07:31', '2026-03-06T17:00', '2026-03-06T17:01']) {
      expect(cal.classifyFinished(finished, due)).toBe(auditClassifyFinished(`${finished}:00+07:00`, `${due}:00+07:00`));
    }
  });

  it('should classify an open item due soon within 4 working hours and overdue after the due instant', () => {
    expect(classifyOpen('2026-03-05T13:00', due, cal)).toBe('withinDeadline');
    // Friday 13:00 → 17:00 is exactly 4 working hours.
    expect(classifyOpen('2026-03-06T13:00', due, cal)).toBe('dueSoon');
    // Thursday 16:30 → Friday 17:00 is 8.5 working hours: due soon only with a wider window.
    expect(cal.classifyOpen('2026-03-05T16:30', due)).toBe('withinDeadline');
    expect(cal.classifyOpen('2026-03-05T16:30', due, 9)).toBe('dueSoon');
    expect(classifyOpen('2026-03-06T17:00:01', due, cal)).toBe('overdue');
  });
});

describe('working calendar: instants and zone', () => {
  it('should return DateTimes in Asia/Ho_Chi_Minh that equal luxon IANA DateTimes', () => {
    const due = cal.addNorm('2026-03-02T07:30', wd(1));
    expect(due.zoneName).toBe('Asia/Ho_Chi_Minh');
    const iana = DateTime.fromISO('2026-03-02T17:00', { zone: 'Asia/Ho_Chi_Minh' });
    expect(due.equals(iana)).toBe(true);
    expect(due.toFormat('dd/MM/yyyy HH:mm')).toBe('02/03/2026 17:00');
    expect(due.setZone('UTC').toISO()).toBe('2026-03-02T10:00:00.000Z');
  });

  it('should read ISO strings with and without offset, fractions and a space separator alike', () => {
    const expected = cal.addNorm('2026-03-02T08:00', wh(1)).toMillis();
    for (const text of ['2026-03-02T08:00:00+07:00', '2026-03-02T01:00:00.000Z', '2026-03-02 08:00', '2026-03-02T08:00:00.000', '2026-03-01T20:00:00-05:00']) {
      expect(cal.addNorm(text, wh(1)).toMillis()).toBe(expected);
    }
    // Forms outside the fast path still go through luxon.
    expect(cal.addNorm('2026-03-02T08:00:00.000000+07:00', wh(1)).toMillis()).toBe(expected);
    expect(() => cal.addNorm('2026-02-30T08:00', wh(1))).toThrow(DeadlineCalendarError);
  });
});

describe('validateCalendarSpec', () => {
  it('should accept the shipped calendars and a unit calendar', () => {
    expect(validateCalendarSpec(VN_CIVIL_SERVICE)).toEqual([]);
    expect(validateCalendarSpec(VN_ONE_STOP_SATURDAY)).toEqual([]);
  });

  it('should report bad dates, hours, notices and bases with a fix', () => {
    const codes = (spec: CalendarSpec) => validateCalendarSpec(spec).map((d) => `${d.severity} ${d.code}`);
    expect(codes({ id: 'u', base: 'vn-civil-service', days: [{ date: '2026-02-30', working: false, reason: 'x' }] })).toEqual(['error CALENDAR_DAY']);
    expect(codes({ id: 'u', base: 'vn-civil-service', weeklyHours: { sat: [['11:30', '07:30']] } })).toEqual(['error CALENDAR_HOURS']);
    expect(codes({ id: 'u', base: 'vn-civil-service', notices: [{ year: 2027, notice: '', days: [{ date: '2028-01-03', working: true, reason: 'x' }] }] })).toEqual(['error CALENDAR_NOTICE', 'warning CALENDAR_DAY_YEAR']);
    expect(codes({ id: 'u', base: 'vn-civil-service', notices: [{ year: 2027, notice: '1/TB-BNV', holidays: { tett: ['2027-02-05'] } }] })).toEqual(['warning CALENDAR_NOTICE_KEY']);
    expect(codes({ id: 'u', base: 'nowhere' })).toEqual(['error CALENDAR_INVALID']);
    expect(codes({ id: 'u', base: 'vn-civil-service', weeklyHours: { mon: [], tue: [], wed: [], thu: [], fri: [] } })).toEqual(['error CALENDAR_HOURS']);
    expect(validateCalendarSpec({ id: 'u', base: 'vn-civil-service', days: [{ date: '2026-02-30', working: false, reason: 'x' }] })[0]?.message).toMatch(/Try YYYY-MM-DD/);
  });
});

describe('editing a year notice', () => {
  it('should replace the year notice, bump the version and report the changed days', () => {
    // A hypothetical 2027 notice: Tết 08–12/02 (mùng 2 … mùng 6) instead of the default rule, Saturday 20/02 worked.
    const edited = withYearNotice(VN_CIVIL_SERVICE, {
      year: 2027,
      notice: '1234/TB-BNV',
      holidays: { tet: ['2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'] },
      days: [{ date: '2027-02-20', working: true, reason: 'Làm bù', notice: '1234/TB-BNV' }],
    });
    expect(edited.version).toBe(2);
    expect(edited.notices?.map((n) => n.year)).toEqual([2025, 2026, 2027]);
    expect(validateCalendarSpec(edited)).toEqual([]);
    const changes = calendarChanges(cal, createCalendar(edited), 2027).map((c) => `${c.date} ${c.before.working ? 'worked' : 'off'}→${c.after.working ? 'worked' : 'off'}`);
    // By rule: 05/02 (29 Chạp), 08–09/02 and make-up 10–11/02; by the notice: 08–12/02 and Saturday 20/02 worked.
    expect(changes).toEqual(['2027-02-05 off→worked', '2027-02-12 worked→off', '2027-02-20 off→worked']);
    expect(calendarChanges(cal, createCalendar(edited), 2026)).toEqual([]);
  });
});


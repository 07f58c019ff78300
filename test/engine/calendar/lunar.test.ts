import { describe, expect, it } from 'vitest';
import { epochDayOf, isoDateOf } from '../../../engine/calendar/days.ts';
import { lunarOfEpochDay, lunarToEpochDay, lunarYearMonths, tetEpochDay } from '../../../engine/calendar/lunar.ts';

// shared/docs/domain-verified.md §6.2: Tết (mùng 1) and Giỗ Tổ (10/3 lunar), UTC+7. The 2025 and
// 2026 rows agree with Thông báo 6150/TB-BLĐTBXH and 9441/TB-BNV.
const TET_AND_GIO_TO: readonly (readonly [string, string, string])[] = [
  ['1990', '1990-01-27', '1990-04-05'],
  ['1991', '1991-02-15', '1991-04-24'],
  ['1992', '1992-02-04', '1992-04-12'],
  ['1993', '1993-01-23', '1993-04-01'],
  ['1994', '1994-02-10', '1994-04-20'],
  ['1995', '1995-01-31', '1995-04-09'],
  ['1996', '1996-02-19', '1996-04-27'],
  ['1997', '1997-02-07', '1997-04-16'],
  ['1998', '1998-01-28', '1998-04-06'],
  ['1999', '1999-02-16', '1999-04-25'],
  ['2000', '2000-02-05', '2000-04-14'],
  ['2001', '2001-01-24', '2001-04-03'],
  ['2002', '2002-02-12', '2002-04-22'],
  ['2003', '2003-02-01', '2003-04-11'],
  ['2004', '2004-01-22', '2004-04-28'],
  ['2005', '2005-02-09', '2005-04-18'],
  ['2006', '2006-01-29', '2006-04-07'],
  ['2007', '2007-02-17', '2007-04-26'],
  ['2008', '2008-02-07', '2008-04-15'],
  ['2009', '2009-01-26', '2009-04-04'],
  ['2010', '2010-02-14', '2010-04-23'],
  ['2011', '2011-02-03', '2011-04-12'],
  ['2012', '2012-01-23', '2012-03-31'],
  ['2013', '2013-02-10', '2013-04-19'],
  ['2014', '2014-01-31', '2014-04-09'],
  ['2015', '2015-02-19', '2015-04-28'],
  ['2016', '2016-02-08', '2016-04-16'],
  ['2017', '2017-01-28', '2017-04-06'],
  ['2018', '2018-02-16', '2018-04-25'],
  ['2019', '2019-02-05', '2019-04-14'],
  ['2020', '2020-01-25', '2020-04-02'],
  ['2021', '2021-02-12', '2021-04-21'],
  ['2022', '2022-02-01', '2022-04-10'],
  ['2023', '2023-01-22', '2023-04-29'],
  ['2024', '2024-02-10', '2024-04-18'],
  ['2025', '2025-01-29', '2025-04-07'],
  ['2026', '2026-02-17', '2026-04-26'],
  ['2027', '2027-02-06', '2027-04-16'],
  ['2028', '2028-01-26', '2028-04-04'],
  ['2029', '2029-02-13', '2029-04-23'],
  ['2030', '2030-02-02', '2030-04-12'],
  ['2031', '2031-01-23', '2031-04-01'],
  ['2032', '2032-02-11', '2032-04-19'],
  ['2033', '2033-01-31', '2033-04-09'],
  ['2034', '2034-02-19', '2034-04-28'],
  ['2035', '2035-02-08', '2035-04-17'],
  ['2036', '2036-01-28', '2036-04-06'],
  ['2037', '2037-02-15', '2037-04-24'],
  ['2038', '2038-02-04', '2038-04-13'],
  ['2039', '2039-01-24', '2039-04-03'],
  ['2040', '2040-02-12', '2040-04-20'],
  ['2041', '2041-02-01', '2041-04-10'],
  ['2042', '2042-01-22', '2042-04-29'],
  ['2043', '2043-02-10', '2043-04-19'],
  ['2044', '2044-01-30', '2044-04-07'],
  ['2045', '2045-02-17', '2045-04-26'],
  ['2046', '2046-02-06', '2046-04-15'],
  ['2047', '2047-01-26', '2047-04-04'],
  ['2048', '2048-02-14', '2048-04-22'],
  ['2049', '2049-02-02', '2049-04-11'],
  ['2050', '2050-01-23', '2050-04-01'],
];

describe('lunar calendar', () => {
  it('should place Tết and Giỗ Tổ on the published dates for every year 1990–2050', () => {
    expect(TET_AND_GIO_TO).toHaveLength(61);
    for (const [year, tet, gioTo] of TET_AND_GIO_TO) {
      expect([year, isoDateOf(tetEpochDay(Number(year)))]).toEqual([year, tet]);
      expect([year, isoDateOf(lunarToEpochDay(Number(year), 3, 10)!)]).toEqual([year, gioTo]);
    }
  });

  it('should differ from the UTC+8 (Chinese) reckoning in 1985, 2007 and 2030 as in §6.3', () => {
    const cases: [number, string, string][] = [
      [1985, '1985-01-21', '1985-02-20'],
      [2007, '2007-02-17', '2007-02-18'],
      [2030, '2030-02-02', '2030-02-03'],
    ];
    for (const [year, vietnam, china] of cases) {
      expect(isoDateOf(tetEpochDay(year, 7))).toBe(vietnam);
      expect(isoDateOf(tetEpochDay(year, 8))).toBe(china);
    }
  });

  it('should differ from the UTC+8 reckoning in exactly the years of §6.3 between 1900 and 2100', () => {
    const differing: string[] = [];
    for (let year = 1900; year <= 2100; year += 1) {
      const vietnam = tetEpochDay(year, 7);
      const china = tetEpochDay(year, 8);
      if (vietnam !== china) differing.push(`${year} ${isoDateOf(vietnam).slice(5)} ${isoDateOf(china).slice(5)}`);
    }
    expect(differing).toEqual([
      '1903 01-28 01-29',
      '1916 02-03 02-04',
      '1935 02-03 02-04',
      '1965 02-01 02-02',
      '1968 01-29 01-30',
      '1969 02-16 02-17',
      '1985 01-21 02-20',
      '2007 02-17 02-18',
      '2030 02-02 02-03',
      '2053 02-18 02-19',
    ]);
  });

  it('should convert a solar date to its lunar date and back', () => {
    // 2026-02-16 is 29 tháng Chạp Ất Tỵ, the last day of a 29-day month (9441/TB-BNV).
    const lastDay = lunarOfEpochDay(epochDayOf(2026, 2, 16));
    expect(lastDay).toEqual({ year: 2025, month: 12, day: 29, leap: false, monthLength: 29 });
    // 2025-01-25 is 26 tháng Chạp Giáp Thìn (6150/TB-BLĐTBXH).
    expect(lunarOfEpochDay(epochDayOf(2025, 1, 25))).toMatchObject({ year: 2024, month: 12, day: 26 });
    for (let day = epochDayOf(2019, 1, 1); day < epochDayOf(2031, 1, 1); day += 7) {
      const lunar = lunarOfEpochDay(day);
      expect(lunarToEpochDay(lunar.year, lunar.month, lunar.day, lunar.leap)).toBe(day);
    }
  });

  it('should place the leap months of 2001–2040 as printed Vietnamese calendars do (2033: leap 11)', () => {
    const leapMonths: Record<number, number> = { 2001: 4, 2004: 2, 2006: 7, 2009: 5, 2012: 4, 2014: 9, 2017: 6, 2020: 4, 2023: 2, 2025: 6, 2028: 5, 2031: 3, 2033: 11, 2036: 6, 2039: 5 };
    for (let year = 2001; year <= 2040; year += 1) {
      const leap = lunarYearMonths(year).filter((m) => m.leap).map((m) => m.month);
      expect([year, leap]).toEqual([year, leapMonths[year] === undefined ? [] : [leapMonths[year]]]);
    }
  });

  it('should give a leap year 13 months with exactly one leap month (2023: leap month 2, 2025: leap month 6)', () => {
    const y2023 = lunarYearMonths(2023);
    expect(y2023).toHaveLength(13);
    expect(y2023.filter((m) => m.leap).map((m) => m.month)).toEqual([2]);
    expect(lunarYearMonths(2025).filter((m) => m.leap).map((m) => m.month)).toEqual([6]);
    expect(lunarYearMonths(2026)).toHaveLength(12);
    expect(lunarToEpochDay(2026, 6, 1, true)).toBeUndefined();
  });
});

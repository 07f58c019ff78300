import { describe, expect, it } from 'vitest';
import { formatNormVi, parseNormText } from '../../../engine/calendar/norm-text.ts';

describe('norm text', () => {
  it('should read every unit spelling with or without a space', () => {
    expect(parseNormText('0.5 wd')).toEqual({ amount: 0.5, unit: 'workingDays' });
    expect(parseNormText('40h')).toEqual({ amount: 40, unit: 'workingHours' });
    expect(parseNormText(' 4 working-hours ')).toEqual({ amount: 4, unit: 'workingHours' });
    expect(parseNormText('10 d')).toEqual({ amount: 10, unit: 'workingDays' });
    expect(parseNormText('21 calendar-days')).toEqual({ amount: 21, unit: 'calendarDays' });
    expect(parseNormText('21 cd')).toEqual({ amount: 21, unit: 'calendarDays' });
    expect(parseNormText('0,5 wd')).toEqual({ amount: 0.5, unit: 'workingDays' });
  });

  it('should refuse negative amounts, unknown units and extra words', () => {
    for (const text of ['-1 wd', '1 week', 'wd', '1 wd 2', '', '1.5.2 wd']) expect(parseNormText(text)).toBeUndefined();
  });

  it('should print norms as published decisions write them', () => {
    expect(formatNormVi({ amount: 0.5, unit: 'workingDays' })).toBe('0,5 ngày làm việc');
    expect(formatNormVi({ amount: 96, unit: 'workingHours' })).toBe('96 giờ làm việc');
    expect(formatNormVi({ amount: 21, unit: 'calendarDays' })).toBe('21 ngày');
  });
});

// Display formatting used by the components: durations, counts, numbers, bytes, dates.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDate, formatDuration, formatNumber } from '../../src/ui/format';

describe('format', () => {
  it('durations', () => {
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(NaN)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(12.4)).toBe('12s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(3720)).toBe('1h 02m');
  });

  it('counts and numbers', () => {
    expect(formatCount(812)).toBe('812');
    expect(formatCount(21_056)).toBe('21.1K');
    expect(formatCount(1_320_000)).toBe('1.32M');
    expect(formatNumber(undefined)).toBe('—');
    expect(formatNumber(2.34567, 4)).toBe('2.346');
    expect(formatNumber(123456)).toBe('1.23e+5');
    expect(formatNumber(0)).toBe('0');
  });

  it('bytes and dates', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KiB');
    expect(formatBytes(134217728)).toBe('128.0 MiB');
    expect(formatDate(new Date(2025, 0, 2, 3, 4).getTime())).toBe('2025-01-02 03:04');
  });
});

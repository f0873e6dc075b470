import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatMicros,
  MAX_MICROS,
  MIN_MICROS,
  millisToMicros,
  normaliseEventTimestamp,
  parseRfc3339Micros,
  periodOfMicros,
} from '../../src/index.js';

describe('Module: timestamp', () => {
  it('formats the range ends', () => {
    expect(formatMicros(MIN_MICROS)).toBe('0001-01-01T00:00:00.000000Z');
    expect(formatMicros(MAX_MICROS)).toBe('9999-12-31T23:59:59.999999Z');
    expect(() => formatMicros(MAX_MICROS + 1n)).toThrow(RangeError);
  });

  it('handles years below 100 (Date.UTC would map them to 19xx)', () =>
    expect(formatMicros(parseRfc3339Micros('0042-06-15T00:00:00Z') as bigint)).toBe('0042-06-15T00:00:00.000000Z'));

  it('formats instants before 1970 with floor division', () =>
    expect(formatMicros(-1n)).toBe('1969-12-31T23:59:59.999999Z'));

  it('rejects epoch milliseconds outside 0001–9999', () =>
    expect(normaliseEventTimestamp(Number(MAX_MICROS / 1000n) + 1)).toBeUndefined());

  it('round-trips: parse(format(t)) = t over the whole range (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: MIN_MICROS, max: MAX_MICROS }), (t) => {
        const text = formatMicros(t);
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
        expect(parseRfc3339Micros(text)).toBe(t);
      }),
    );
  });

  it('normalises any offset to the same UTC instant (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 4_000_000_000_000_000n }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (t, offsetMinutes) => {
          // Write t as local time at the offset, independently of the parser under test.
          const local = formatMicros(t + BigInt(offsetMinutes) * 60_000_000n);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          expect(parseRfc3339Micros(`${local.slice(0, -1)}${offset}`)).toBe(t);
        },
      ),
    );
  });

  it('epoch milliseconds and their RFC 3339 text agree (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), (ms) => {
        const fromMs = normaliseEventTimestamp(ms);
        expect(fromMs).toBe(millisToMicros(ms));
        expect(normaliseEventTimestamp(new Date(ms).toISOString())).toBe(fromMs);
      }),
    );
  });

  it('period is the UTC YYYY-MM', () =>
    expect(periodOfMicros(parseRfc3339Micros('2024-12-31T23:00:00-01:00') as bigint)).toBe('2025-01'));
});

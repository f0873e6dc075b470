import { maintenanceWindowSchema } from '@lean-ops/config';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { maintenanceDue, openWindowStart, windowCheckMs } from '../../src/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const window = (pattern: string, tz: string, hours: number) =>
  maintenanceWindowSchema.parse({ pattern, tz, durationSeconds: hours * 3_600 });
const at = (iso: string) => {
  vi.setSystemTime(new Date(iso));
  return Date.now();
};

describe('maintenance window (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is open from each firing of the pattern for its duration, closed before and after', () => {
    const w = window('0 2 * * *', 'UTC', 4);

    expect(openWindowStart(w, at('2026-06-10T01:59:59.999Z'))).toBeNull();
    expect(openWindowStart(w, at('2026-06-10T02:00:00.000Z'))).toBe(Date.parse('2026-06-10T02:00:00Z'));
    expect(openWindowStart(w, at('2026-06-10T05:59:59.999Z'))).toBe(Date.parse('2026-06-10T02:00:00Z'));
    expect(openWindowStart(w, at('2026-06-10T06:00:00.000Z'))).toBeNull();
    expect(openWindowStart(w, at('2026-06-10T23:00:00.000Z'))).toBeNull();
  });

  it('reads the pattern in its time zone, following the zone’s DST offset through the cron parser', () => {
    const berlin = window('0 2 * * *', 'Europe/Berlin', 1);

    // Winter (CET, UTC+1): 02:00 local is 01:00 UTC.
    expect(openWindowStart(berlin, at('2026-01-15T01:30:00Z'))).toBe(Date.parse('2026-01-15T01:00:00Z'));
    expect(openWindowStart(berlin, at('2026-01-15T02:30:00Z'))).toBeNull();
    // Summer (CEST, UTC+2): 02:00 local is 00:00 UTC.
    expect(openWindowStart(berlin, at('2026-07-15T00:30:00Z'))).toBe(Date.parse('2026-07-15T00:00:00Z'));
    expect(openWindowStart(berlin, at('2026-07-15T01:30:00Z'))).toBeNull();
    // The night of the autumn change (25 Oct 2026, 03:00 CEST → 02:00 CET) still opens once at 02:00 local.
    expect(openWindowStart(berlin, at('2026-10-25T00:30:00Z'))).not.toBeNull();
  });

  it('is due inside the window once the interval has passed, to within half a tick', () => {
    const w = window('0 2 * * *', 'UTC', 4);
    const checkMs = windowCheckMs(w, DAY);
    const due = (iso: string, lastIso: string | null) =>
      maintenanceDue({
        window: w,
        intervalMs: DAY,
        checkMs,
        lastMs: lastIso === null ? null : Date.parse(lastIso),
        now: at(iso),
      });

    expect(checkMs).toBe(15 * 60_000);
    expect(due('2026-06-10T02:00:00.020Z', null)).toBe(true);
    expect(due('2026-06-10T12:00:00Z', null)).toBe(false); // window closed
    expect(due('2026-06-10T02:15:00Z', '2026-06-10T02:00:00.020Z')).toBe(false); // interval not passed
    // The next day's first tick, a few ms short of 24 h after the last request.
    expect(due('2026-06-11T02:00:00.005Z', '2026-06-10T02:00:00.020Z')).toBe(true);
  });

  it('ticks a quarter of the window (60 s to 15 min), never more seldom than the interval', () => {
    expect(windowCheckMs(window('0 2 * * *', 'UTC', 4), DAY)).toBe(15 * 60_000);
    expect(windowCheckMs(maintenanceWindowSchema.parse({ pattern: '0 * * * *', durationSeconds: 600 }), DAY)).toBe(
      150_000,
    );
    expect(windowCheckMs(window('0 2 * * *', 'UTC', 4), 120_000)).toBe(120_000);
  });
});

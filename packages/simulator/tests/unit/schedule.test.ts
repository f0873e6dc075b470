import { describe, expect, it } from 'vitest';
import { Schedule } from '../../src/schedule.js';

function dueTimesUntil(schedule: Schedule, endMs: number): number[] {
  const times: number[] = [];
  for (let due = schedule.next(); due < endMs; due = schedule.next()) times.push(due);
  return times;
}

describe('Schedule', () => {
  it('spaces messages 1000 / rate ms apart', () => {
    const times = dueTimesUntil(new Schedule(200, null), 1_000);
    expect(times).toHaveLength(200);
    expect(times[1]).toBeCloseTo(5);
    expect(times[199]).toBeCloseTo(995);
  });

  it.each([
    [3, 3_600_000, 10_800],
    [10_000, 4_000, 40_000],
    [7, 1_000_000, 7_000],
  ])('at %d/s, %d ms hold exactly %d messages: rounding does not pile up', (rate, ms, count) => {
    expect(dueTimesUntil(new Schedule(rate, null), ms)).toHaveLength(count);
  });

  it('runs the last lengthMs of every period at multiplier × the rate', () => {
    const schedule = new Schedule(100, { everyMs: 5_000, lengthMs: 1_000, multiplier: 5 });
    const times = dueTimesUntil(schedule, 10_000);
    const inWindow = (lo: number, hi: number) => times.filter((t) => t >= lo && t < hi).length;
    expect(inWindow(0, 4_000)).toBe(400);
    expect(inWindow(4_000, 5_000)).toBe(500);
    expect(inWindow(5_000, 9_000)).toBe(400);
    expect(inWindow(9_000, 10_000)).toBe(500);
    expect(schedule.inBurst(4_500)).toBe(true);
    expect(schedule.inBurst(3_999)).toBe(false);
  });
});

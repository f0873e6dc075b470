import { describe, expect, it } from 'vitest';
import { retryDelaySeconds } from '../../src/index.js';

describe('Function: retryDelaySeconds', () => {
  it('doubles with each receive from the base, up to the cap', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 10].map((n) => retryDelaySeconds(n, 2, 20, mid))).toEqual([2, 4, 8, 16, 20]);
  });
  it('jitters by ±20 % and never exceeds the cap', () => {
    expect(retryDelaySeconds(3, 10, 1000, () => 0)).toBe(32);
    expect(retryDelaySeconds(3, 10, 1000, () => 1)).toBe(48);
    expect(retryDelaySeconds(10, 10, 100, () => 1)).toBe(100);
  });
});

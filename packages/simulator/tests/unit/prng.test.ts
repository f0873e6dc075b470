import { describe, expect, it } from 'vitest';
import { Prng, prngFor } from '../../src/prng.js';

const draw = (prng: Prng, n: number) => Array.from({ length: n }, () => prng.next());

describe('Prng', () => {
  it('repeats its sequence for a seed, and differs between seeds', () => {
    expect(draw(new Prng(7), 100)).toEqual(draw(new Prng(7), 100));
    expect(draw(new Prng(7), 100)).not.toEqual(draw(new Prng(8), 100));
  });

  it('draws uniformly in [0, 1)', () => {
    const values = draw(new Prng(1), 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const deciles = new Array(10).fill(0);
    for (const v of values) deciles[Math.floor(v * 10)]++;
    // 2,000 expected per decile; 4 standard deviations is ±170.
    for (const count of deciles) expect(Math.abs(count - 2_000)).toBeLessThan(170);
  });

  it('int stays within its inclusive bounds and reaches both', () => {
    const prng = new Prng(3);
    const seen = new Set(Array.from({ length: 500 }, () => prng.int(2, 5)));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });

  it('normal has the requested mean and spread', () => {
    const prng = new Prng(5);
    const values = Array.from({ length: 20_000 }, () => prng.normal(10, 2));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeGreaterThan(1.9);
    expect(sd).toBeLessThan(2.1);
  });

  it('gives each named stream of a seed its own sequence', () => {
    expect(draw(prngFor(1, 'faults'), 10)).toEqual(draw(prngFor(1, 'faults'), 10));
    expect(draw(prngFor(1, 'faults'), 10)).not.toEqual(draw(prngFor(1, 'telemetry'), 10));
    expect(draw(prngFor(1, 'faults'), 10)).not.toEqual(draw(prngFor(2, 'faults'), 10));
  });
});

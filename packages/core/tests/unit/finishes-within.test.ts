import { describe, expect, it } from 'vitest';
import { finishesWithin } from '../../src/index.js';

describe('Function: finishesWithin', () => {
  it('is true when the work ends within the budget', async () => {
    await expect(finishesWithin(new Promise((r) => setTimeout(r, 5)), 1_000)).resolves.toBe(true);
  });

  it('is false when the budget runs out first, and the work goes on', async () => {
    let done = false;
    const work = new Promise<void>((r) =>
      setTimeout(() => {
        done = true;
        r();
      }, 50),
    );
    await expect(finishesWithin(work, 5)).resolves.toBe(false);
    expect(done).toBe(false);
    await work;
    expect(done).toBe(true);
  });

  it('passes on the work failing within the budget', async () => {
    await expect(finishesWithin(Promise.reject(new Error('boom')), 1_000)).rejects.toThrow('boom');
  });
});

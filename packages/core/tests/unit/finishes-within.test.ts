import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { finishesWithin } from '../../src/index.js';

/** Work that ends after `ms` of (fake) time. */
const workOf = (ms: number) => {
  const state = { done: false };
  const work = new Promise<void>((r) =>
    setTimeout(() => {
      state.done = true;
      r();
    }, ms),
  );
  return { work, state };
};

describe('Function: finishesWithin', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is true when the work ends within the budget, and clears its timer', async () => {
    const { work } = workOf(999);
    const result = finishesWithin(work, 1_000);

    await vi.advanceTimersByTimeAsync(999);

    await expect(result).resolves.toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is false when the budget runs out first, and the work goes on', async () => {
    const { work, state } = workOf(50);
    const result = finishesWithin(work, 49);

    await vi.advanceTimersByTimeAsync(49);

    await expect(result).resolves.toBe(false);
    expect(state.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(state.done).toBe(true);
  });

  it('passes on the work failing within the budget', async () => {
    await expect(finishesWithin(Promise.reject(new Error('boom')), 1_000)).rejects.toThrow('boom');
  });
});

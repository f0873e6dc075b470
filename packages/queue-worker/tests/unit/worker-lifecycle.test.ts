import type { Polling } from '@lean-ops/core';
import { silentLogger } from '@lean-ops/testkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkerLifecycle } from '../../src/index.js';

/** A polling test double (the SQS pollers are tested against fauxqs through the workers). */
class RecordingPolling implements Polling {
  starts = 0;
  stops = 0;
  start(): void {
    this.starts += 1;
  }
  async stop(): Promise<void> {
    this.stops += 1;
  }
}

function lifecycle(work: { drain: () => Promise<void>; unfinished: number }, budgetMs = 1_000) {
  const polling = new RecordingPolling();
  const events: string[] = [];
  let ticks = 0;
  const life = new WorkerLifecycle({
    name: 'test worker',
    logger: silentLogger(),
    shutdownBudgetMs: budgetMs,
    polling,
    tasks: [
      {
        everyMs: 100,
        run: () => {
          ticks += 1;
        },
        atStart: true,
      },
    ],
    stopAdmitting: () => events.push('stopAdmitting'),
    drain: () => work.drain(),
    release: async () => {
      events.push('release');
      return work.unfinished;
    },
  });
  return { life, polling, events, ticks: () => ticks };
}

describe('Class: WorkerLifecycle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('starts once, runs its tasks at start and on their period, and stops them at close', async () => {
    const { life, polling, ticks } = lifecycle({ drain: async () => {}, unfinished: 0 });
    life.start();
    life.start();
    expect(polling.starts).toBe(1);
    expect(ticks()).toBe(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(ticks()).toBe(3);
    await life.close();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ticks()).toBe(3);
  });

  it('closes once however often it is called, and reports drained when nothing was left', async () => {
    const { life, polling, events } = lifecycle({ drain: async () => {}, unfinished: 0 });
    life.start();
    const [a, b] = await Promise.all([life.close(), life.close()]);
    expect(a).toEqual({ drained: true, released: 0 });
    expect(b).toBe(a);
    expect(polling.stops).toBe(1);
    expect(events).toEqual(['stopAdmitting', 'release']);
    expect(life.isClosing).toBe(true);
  });

  it('stops waiting when the budget runs out and releases what is unfinished', async () => {
    const { life, events } = lifecycle({ drain: () => new Promise<void>(() => {}), unfinished: 7 }, 500);
    life.start();
    const closing = life.close();
    await vi.advanceTimersByTimeAsync(500);
    expect(await closing).toEqual({ drained: false, released: 7 });
    expect(events).toEqual(['stopAdmitting', 'release']);
  });

  it('does not start after close', async () => {
    const { life, polling } = lifecycle({ drain: async () => {}, unfinished: 0 });
    await life.close();
    life.start();
    expect(polling.starts).toBe(0);
  });
});

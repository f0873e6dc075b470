import { describe, expect, it } from 'vitest';
import { OldestMessageTracker } from '../../src/index.js';

describe('Class: OldestMessageTracker', () => {
  it('reports the age of the oldest message still in the DLQ, per topic', () => {
    const t = new OldestMessageTracker(60_000);
    t.saw('a', 'm1', 1_000, 10_000);
    t.saw('a', 'm2', 5_000, 10_000);
    t.saw('b', 'm3', 9_000, 10_000);
    expect(t.oldestAgeSeconds('a', 11_000)).toBe(10);
    expect(t.oldestAgeSeconds('b', 11_000)).toBe(2);
    t.gone('a', 'm1');
    expect(t.oldestAgeSeconds('a', 11_000)).toBe(6);
    t.gone('a', 'm2');
    expect(t.oldestAgeSeconds('a', 11_000)).toBe(0);
    expect(t.oldestAgeSeconds('never-seen', 11_000)).toBe(0);
  });

  it('forgets a message not seen again within staleAfterMs, and keeps one seen again', () => {
    const t = new OldestMessageTracker(1_000);
    t.saw('a', 'old', 0, 0);
    t.saw('a', 'kept', 100, 0);
    t.saw('a', 'kept', 100, 1_500);
    expect(t.oldestAgeSeconds('a', 2_000)).toBe(1.9);
  });
});

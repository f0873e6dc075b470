import { describe, expect, it } from 'vitest';
import { QueueBatches } from '../../src/queue-batches.js';

const sizes = (batches: Array<{ items: number[] }>) => batches.map((b) => b.items.length);

describe('QueueBatches', () => {
  it('hands back a batch at maxEntries, per queue', () => {
    const batches = new QueueBatches<number>({ maxEntries: 3, maxBytes: 1_000 }, () => 1);
    expect(batches.add('a', 1)).toEqual([]);
    expect(batches.add('b', 2)).toEqual([]);
    expect(batches.add('a', 3)).toEqual([]);
    expect(batches.add('a', 4)).toEqual([{ queue: 'a', items: [1, 3, 4] }]);
    expect(batches.takeAll()).toEqual([{ queue: 'b', items: [2] }]);
    expect(batches.takeAll()).toEqual([]);
  });

  it('never lets a batch exceed maxBytes', () => {
    const batches = new QueueBatches<number>({ maxEntries: 10, maxBytes: 100 }, (n) => n);
    const ready = [40, 40, 30, 100, 1].flatMap((n) => batches.add('q', n));
    expect(ready).toEqual([
      { queue: 'q', items: [40, 40] },
      { queue: 'q', items: [30] },
      { queue: 'q', items: [100] },
    ]);
    expect(sizes(batches.takeAll())).toEqual([1]);
  });
});

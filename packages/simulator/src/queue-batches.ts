/** SQS `SendMessageBatch` limits: 10 entries, and 1 MiB for all bodies together. */
export const SQS_BATCH_LIMITS = { maxEntries: 10, maxBytes: 1_048_576 } as const;

export interface BatchLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

interface Open<T> {
  items: T[];
  bytes: number;
}

/**
 * Groups messages per queue into batches within the limits. `add` hands back a batch as
 * soon as it is full; `takeAll` hands back the partial ones (before waiting, so nothing
 * lingers while the sender sleeps).
 */
export class QueueBatches<T> {
  private readonly open = new Map<string, Open<T>>();

  constructor(
    private readonly limits: BatchLimits,
    private readonly bytesOf: (item: T) => number,
  ) {}

  add(queue: string, item: T): Array<{ queue: string; items: T[] }> {
    const bytes = this.bytesOf(item);
    const ready: Array<{ queue: string; items: T[] }> = [];
    let batch = this.open.get(queue);
    if (batch && batch.bytes + bytes > this.limits.maxBytes) {
      ready.push({ queue, items: batch.items });
      batch = undefined;
    }
    if (!batch) {
      batch = { items: [], bytes: 0 };
      this.open.set(queue, batch);
    }
    batch.items.push(item);
    batch.bytes += bytes;
    if (batch.items.length >= this.limits.maxEntries) {
      ready.push({ queue, items: batch.items });
      this.open.delete(queue);
    }
    return ready;
  }

  takeAll(): Array<{ queue: string; items: T[] }> {
    const ready = [...this.open].map(([queue, batch]) => ({ queue, items: batch.items }));
    this.open.clear();
    return ready;
  }
}

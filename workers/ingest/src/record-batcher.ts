import type { EncodedRecord, SinkLimits } from '@lean-ops/core';

/** Anything carrying an encoded record; the batcher only looks at `encoded`. */
export interface Batchable {
  readonly encoded: EncodedRecord;
}

export interface RecordBatcherOptions<T extends Batchable> {
  readonly limits: SinkLimits;
  /** Longest a record waits for its batch to fill. */
  readonly lingerMs: number;
  /** Sink calls in progress at once; further sealed batches queue. */
  readonly maxConcurrentFlushes: number;
  /** Sends one batch (one topic, within the limits). Must not throw: it owns the outcome of every item. */
  readonly flush: (items: readonly T[]) => Promise<void>;
}

interface OpenBatch<T> {
  items: T[];
  bytes: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Fills one batch per topic from any number of pollers and seals it on count, bytes
 * or linger time, never exceeding the sink's limits. Tracks buffered bytes until a
 * batch's flush finishes, so callers can apply back-pressure.
 */
export class RecordBatcher<T extends Batchable> {
  private readonly open = new Map<string, OpenBatch<T>>();
  private readonly sealed: T[][] = [];
  private readonly running = new Set<Promise<void>>();
  private idleWaiters: Array<() => void> = [];
  private buffered = { records: 0, bytes: 0 };

  constructor(private readonly options: RecordBatcherOptions<T>) {}

  /** Records accepted but not yet flushed (including batches being sent). */
  get bufferedRecords(): number {
    return this.buffered.records;
  }

  get bufferedBytes(): number {
    return this.buffered.bytes;
  }

  add(item: T): void {
    const { limits } = this.options;
    const bytes = item.encoded.bytes;
    if (bytes > limits.maxRecordBytes) {
      throw new RangeError(`record of ${bytes} bytes exceeds the sink's ${limits.maxRecordBytes}-byte limit`);
    }
    const topic = item.encoded.record.topic;
    let batch = this.open.get(topic);
    if (batch && batch.bytes + bytes > limits.maxBatchBytes) {
      this.seal(topic);
      batch = undefined;
    }
    if (!batch) {
      batch = { items: [], bytes: 0, timer: undefined };
      this.open.set(topic, batch);
      if (this.options.lingerMs > 0) {
        batch.timer = setTimeout(() => this.seal(topic), this.options.lingerMs);
      }
    }
    batch.items.push(item);
    batch.bytes += bytes;
    this.buffered.records += 1;
    this.buffered.bytes += bytes;
    if (batch.items.length >= limits.maxRecords || this.options.lingerMs === 0) this.seal(topic);
  }

  /** Seals every open batch and resolves when nothing is buffered or being sent. */
  async flushAll(): Promise<void> {
    for (const topic of [...this.open.keys()]) this.seal(topic);
    if (this.buffered.records === 0 && this.running.size === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private seal(topic: string): void {
    const batch = this.open.get(topic);
    if (!batch) return;
    this.open.delete(topic);
    clearTimeout(batch.timer);
    if (batch.items.length > 0) this.sealed.push(batch.items);
    this.pump();
  }

  private pump(): void {
    while (this.running.size < this.options.maxConcurrentFlushes && this.sealed.length > 0) {
      const items = this.sealed.shift() as T[];
      const run = this.options
        .flush(items)
        .catch(() => {
          // flush owns every outcome; a throw here is a bug upstream, already logged there.
        })
        .finally(() => {
          this.running.delete(run);
          this.buffered.records -= items.length;
          this.buffered.bytes -= items.reduce((sum, item) => sum + item.encoded.bytes, 0);
          this.pump();
          this.notifyIdle();
        });
      this.running.add(run);
    }
  }

  private notifyIdle(): void {
    if (this.buffered.records > 0 || this.running.size > 0 || this.open.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

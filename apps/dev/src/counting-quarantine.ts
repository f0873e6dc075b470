import type { Quarantine, QuarantineEntry } from '@lean-ops/core';

/**
 * Counts what goes into the quarantine per topic, for the live view (reading the files
 * back every second would not scale). Entries whose claimed topic is not configured count
 * under the topic of the queue they came from.
 */
export class CountingQuarantine implements Quarantine {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly inner: Quarantine,
    private readonly topicOfQueue: (queue: string) => string | undefined,
    private readonly isTopic: (topic: string) => boolean,
  ) {}

  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    await this.inner.put(entries);
    for (const entry of entries) {
      const topic = entry.topic && this.isTopic(entry.topic) ? entry.topic : this.topicOfQueue(entry.queue);
      if (topic) this.counts.set(topic, (this.counts.get(topic) ?? 0) + 1);
    }
  }

  count(topic: string): number {
    return this.counts.get(topic) ?? 0;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

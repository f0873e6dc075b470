interface Seen {
  readonly sentMs: number;
  lastSeenMs: number;
}

/**
 * Messages seen in each DLQ and not yet moved out of it, for the oldest-age gauge (SQS
 * has no such queue attribute). A message not seen again within `staleAfterMs` is
 * forgotten: someone else (an operator's purge) took it.
 */
export class OldestMessageTracker {
  private readonly byTopic = new Map<string, Map<string, Seen>>();

  constructor(private readonly staleAfterMs: number) {}

  saw(topic: string, dlqMessageId: string, sentMs: number, now: number): void {
    const seen = this.topic(topic);
    const entry = seen.get(dlqMessageId);
    if (entry) entry.lastSeenMs = now;
    else seen.set(dlqMessageId, { sentMs, lastSeenMs: now });
  }

  gone(topic: string, dlqMessageId: string): void {
    this.byTopic.get(topic)?.delete(dlqMessageId);
  }

  /** Seconds since the oldest tracked message was sent; 0 when none is left. */
  oldestAgeSeconds(topic: string, now: number): number {
    let oldest = now;
    for (const [id, entry] of this.topic(topic)) {
      if (now - entry.lastSeenMs > this.staleAfterMs) this.topic(topic).delete(id);
      else oldest = Math.min(oldest, entry.sentMs);
    }
    return Math.max(0, (now - oldest) / 1000);
  }

  private topic(topic: string): Map<string, Seen> {
    let seen = this.byTopic.get(topic);
    if (!seen) {
      seen = new Map();
      this.byTopic.set(topic, seen);
    }
    return seen;
  }
}

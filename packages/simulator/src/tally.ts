import type { NotSentLedgerEntry, SentLedgerEntry } from './ledger.js';

export interface TopicCounts {
  sent: number;
  /** Messages that never reached the queue (in the ledger as `not_sent`). */
  not_sent: number;
  expected_raw: number;
  expected_drop: number;
}

/** A message that could not be sent (in the ledger as `not_sent`, with this error). */
export interface SendFailure {
  readonly seq: number;
  readonly queue: string;
  readonly code: string;
  readonly message: string;
}

/** Counts of what was sent so far; `by_topic` is keyed by the topic whose queue got the message. */
export interface SimulationCounts {
  readonly sent: number;
  /** Messages that could not be sent: the ledger's `not_sent` lines. */
  readonly failed: number;
  readonly expected_raw: number;
  readonly expected_drop: number;
  readonly by_topic: Readonly<Record<string, Readonly<TopicCounts>>>;
  readonly by_fault: Readonly<Record<string, number>>;
  readonly by_reason: Readonly<Record<string, number>>;
  /** The first failures, for the report (`failed` counts them all). */
  readonly failures: readonly SendFailure[];
}

const MAX_FAILURES_KEPT = 20;

const emptyCounts = (): TopicCounts => ({ sent: 0, not_sent: 0, expected_raw: 0, expected_drop: 0 });

const bump = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** Accumulates the counts of a run as batches complete. */
export class Tally {
  private sent = 0;
  private expectedRaw = 0;
  private failedCount = 0;
  private readonly byTopic: Record<string, TopicCounts> = {};
  private readonly byFault: Record<string, number> = {};
  private readonly byReason: Record<string, number> = {};
  private readonly failures: SendFailure[] = [];

  constructor(topics: readonly string[]) {
    for (const topic of topics) this.byTopic[topic] = emptyCounts();
  }

  get sentCount(): number {
    return this.sent;
  }

  add(queueTopic: string, entry: SentLedgerEntry): void {
    this.sent++;
    this.byTopic[queueTopic] ??= emptyCounts();
    const topic = this.byTopic[queueTopic];
    topic.sent++;
    if (entry.expected === 'raw') {
      this.expectedRaw++;
      topic.expected_raw++;
    } else {
      topic.expected_drop++;
      bump(this.byReason, entry.reason ?? 'unknown');
    }
    bump(this.byFault, entry.fault);
  }

  notSent(queueTopic: string, entry: NotSentLedgerEntry): void {
    this.failedCount++;
    this.byTopic[queueTopic] ??= emptyCounts();
    this.byTopic[queueTopic].not_sent++;
    if (this.failures.length < MAX_FAILURES_KEPT) {
      this.failures.push({ seq: entry.seq, queue: entry.queue, code: entry.error.code, message: entry.error.message });
    }
  }

  counts(): SimulationCounts {
    return {
      sent: this.sent,
      failed: this.failedCount,
      expected_raw: this.expectedRaw,
      expected_drop: this.sent - this.expectedRaw,
      by_topic: structuredClone(this.byTopic),
      by_fault: { ...this.byFault },
      by_reason: { ...this.byReason },
      failures: [...this.failures],
    };
  }
}

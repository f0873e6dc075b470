import {
  ConfigError,
  type MessageAcknowledger,
  type MessageReader,
  type MessageSender,
  type Quarantine,
  type QueueDepth,
  type QueueDepthSampler,
} from '@lean-ops/core';
import { queueName } from '@lean-ops/queue-worker';
import { type DlqAction, decideDlqAction } from './dlq-decision.js';
import type { DlqMessage } from './dlq-message.js';
import { addOutcome, type DlqMoveReport, emptyReport } from './dlq-move-report.js';
import { DlqMover } from './dlq-mover.js';
import { DlqOperationError } from './dlq-operation-error.js';
import { type DlqOptions, type DlqOptionsInput, type DlqQueue, parseDlqOptions } from './dlq-options.js';
import { receiveFromDlq } from './dlq-receive.js';

/** Longest body excerpt a listing keeps. */
const EXCERPT_CHARS = 200;
/** Visibility while a redrive or purge holds a batch: one send or one quarantine write. */
const MOVE_VISIBILITY_SECONDS = 60;

export interface DlqListedMessage {
  readonly sourceMessageId: string;
  readonly dlqMessageId: string;
  readonly receiveCount: number;
  readonly attempt: number;
  readonly sentAt: string;
  readonly ageSeconds: number;
  /** What the processor would do with it now. */
  readonly action: DlqAction;
  readonly bodyBytes: number;
  readonly bodyExcerpt: string;
}

export interface DlqListing {
  readonly topic: string;
  readonly dlq: string;
  /** `GetQueueAttributes` counts, when they could be read. */
  readonly depth: Omit<QueueDepth, 'queueUrl'> | null;
  readonly messages: readonly DlqListedMessage[];
}

export interface DlqOperatorDeps {
  /** Peeks into and takes batches from the DLQs. */
  readonly reader: MessageReader;
  /** Sends redrives to the source queues. */
  readonly sender: MessageSender;
  /** Deletes from and hands back to the DLQs. */
  readonly acknowledger: MessageAcknowledger;
  /** DLQ depth for the listing. */
  readonly depths: QueueDepthSampler;
  readonly quarantine: Quarantine;
  readonly isKnownTopic: (topic: string) => boolean;
  /** Closed with the operator (the CLI's own clients). */
  readonly onClose?: () => Promise<void>;
}

/**
 * `lean-ops dlq list|redrive|purge`: look into a DLQ without consuming it, move messages
 * back to their source queue now, or move them all to quarantine (`dlq:purged`). Nothing
 * is deleted from a DLQ before the source queue or the quarantine accepted it.
 */
export class DlqOperator {
  readonly options: DlqOptions;
  private readonly mover: DlqMover;
  private readonly byTopic: ReadonlyMap<string, DlqQueue>;
  private closing: Promise<void> | undefined;

  constructor(
    options: DlqOptionsInput,
    private readonly deps: DlqOperatorDeps,
  ) {
    this.options = parseDlqOptions(options);
    this.byTopic = new Map(this.options.queues.map((q) => [q.topic, q]));
    this.mover = new DlqMover({
      sender: deps.sender,
      quarantine: deps.quarantine,
      acknowledger: deps.acknowledger,
      sourceUrlOf: (topic) => this.queue(topic).url,
    });
  }

  /**
   * Peeks at up to `limit` messages per DLQ: received with a short visibility timeout,
   * released at once afterwards. Each receive counts in the DLQ's receive count.
   */
  async list(request: { topic?: string; limit?: number; peekSeconds?: number } = {}): Promise<DlqListing[]> {
    const limit = request.limit ?? 10;
    const queues = request.topic === undefined ? this.options.queues : [this.queue(request.topic)];
    const listings: DlqListing[] = [];
    for (const queue of queues) listings.push(await this.listOne(queue, limit, request.peekSeconds ?? 30));
    return listings;
  }

  /** Sends up to `limit` messages (all by default) back to the topic's source queue now. */
  redrive(request: { topic: string; limit?: number }): Promise<DlqMoveReport> {
    return this.move(request.topic, request.limit ?? Number.POSITIVE_INFINITY, (m) => ({
      kind: 'redrive',
      attempt: m.attempt + 1,
      delaySeconds: 0,
    }));
  }

  /** Moves every message of the topic's DLQ to quarantine as `dlq:purged`. */
  purge(request: { topic: string }): Promise<DlqMoveReport> {
    return this.move(request.topic, Number.POSITIVE_INFINITY, () => ({ kind: 'quarantine', reason: 'dlq:purged' }));
  }

  /** Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.deps.quarantine.close();
      await this.deps.onClose?.();
    })();
    return this.closing;
  }

  private async listOne(queue: DlqQueue, limit: number, peekSeconds: number): Promise<DlqListing> {
    const seen = new Map<string, DlqMessage>();
    const handles: DlqMessage[] = [];
    try {
      while (seen.size < limit) {
        const batch = await receiveFromDlq(this.deps.reader, queue, limit - seen.size, peekSeconds);
        handles.push(...batch);
        const fresh = batch.filter((m) => !seen.has(m.dlqMessageId));
        // Nothing new: the DLQ is empty, or what we peeked at became visible again.
        if (fresh.length === 0) break;
        for (const m of fresh) seen.set(m.dlqMessageId, m);
      }
    } finally {
      await this.mover.release(handles, 0);
    }
    const now = Date.now();
    let depth: DlqListing['depth'] = null;
    try {
      const [stats] = await this.deps.depths.sample([queue.dlqUrl]);
      if (stats) depth = { visible: stats.visible, inFlight: stats.inFlight, delayed: stats.delayed };
    } catch {
      // Depth is a convenience; the listing stands without it.
    }
    const decision = { ...this.options, isKnownTopic: this.deps.isKnownTopic, random: () => 0.5 };
    return {
      topic: queue.topic,
      dlq: queueName(queue.dlqUrl),
      depth,
      messages: [...seen.values()].slice(0, limit).map((m) => ({
        sourceMessageId: m.sourceMessageId,
        dlqMessageId: m.dlqMessageId,
        receiveCount: m.receiveCount,
        attempt: m.attempt,
        sentAt: new Date(m.publishTimeMs).toISOString(),
        ageSeconds: Math.max(0, Math.round((now - m.publishTimeMs) / 1000)),
        action: decideDlqAction(m, decision),
        bodyBytes: Buffer.byteLength(m.body),
        bodyExcerpt: m.body.slice(0, EXCERPT_CHARS),
      })),
    };
  }

  private async move(topic: string, limit: number, actionOf: (m: DlqMessage) => DlqAction): Promise<DlqMoveReport> {
    const queue = this.queue(topic);
    const report = emptyReport(topic);
    // A message redriven by this run that failed again and came back is left for later.
    const redriven = new Set<string>();
    const returned: DlqMessage[] = [];
    let remaining = limit;
    try {
      while (remaining > 0) {
        const batch = await receiveFromDlq(this.deps.reader, queue, Math.min(10, remaining), MOVE_VISIBILITY_SECONDS);
        const fresh = batch.filter((m) => !redriven.has(m.sourceMessageId));
        returned.push(...batch.filter((m) => redriven.has(m.sourceMessageId)));
        if (fresh.length === 0) break;
        const outcome = await this.mover.apply(fresh.map((m) => ({ message: m, action: actionOf(m) })));
        addOutcome(report, outcome);
        for (const m of outcome.redriven) redriven.add(m.sourceMessageId);
        remaining -= fresh.length;
        if (outcome.unfinished.length > 0) {
          returned.push(...outcome.unfinished);
          throw new DlqOperationError(
            `${outcome.unfinished.length} messages of ${queueName(queue.dlqUrl)} could not be moved (they stay in the DLQ): ${[...new Set(outcome.problems)].slice(0, 3).join('; ')}`,
            report,
          );
        }
      }
    } finally {
      await this.mover.release(returned, 0);
    }
    return report;
  }

  private queue(topic: string): DlqQueue {
    const queue = this.byTopic.get(topic);
    if (!queue) {
      throw new ConfigError('DLQ topic', [`${topic}: no DLQ known (known: ${[...this.byTopic.keys()].join(', ')})`]);
    }
    return queue;
  }
}

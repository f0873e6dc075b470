import {
  formatMicros,
  type MessageAcknowledger,
  type MessageSender,
  millisToMicros,
  type Quarantine,
} from '@lean-ops/core';
import { claimedTopic } from '@lean-ops/queue-worker';
import type { DlqPlan, DlqQuarantineReason } from './dlq-decision.js';
import type { DlqMessage } from './dlq-message.js';
import { type Redrive, sendRedrives } from './redrive-sender.js';

export interface DlqMoverDeps {
  /** Sends redrives to the source queues. */
  readonly sender: MessageSender;
  readonly quarantine: Quarantine;
  /** Deletes from and hands back to the DLQ. */
  readonly acknowledger: MessageAcknowledger;
  /** Source queue URL of a topic. */
  readonly sourceUrlOf: (topic: string) => string;
}

export interface Quarantined {
  readonly message: DlqMessage;
  readonly reason: DlqQuarantineReason;
}

/** What became of a set of plans. Every message is in exactly one of the first three lists. */
export interface DlqOutcome {
  readonly redriven: readonly DlqMessage[];
  readonly quarantined: readonly Quarantined[];
  /** Neither redriven nor quarantined (a call failed): still in the DLQ, for a later try. */
  readonly unfinished: readonly DlqMessage[];
  /** Redriven or quarantined, but the DLQ delete failed: they return and may be handled twice. */
  readonly undeleted: readonly DlqMessage[];
  /** What went wrong, for the log. */
  readonly problems: readonly string[];
}

/**
 * Carries out plans, shared by the processor and the operator commands: redrive to the
 * source queue, quarantine (a refused redrive too), and delete from the DLQ only what
 * the source queue or the quarantine accepted.
 */
export class DlqMover {
  constructor(private readonly deps: DlqMoverDeps) {}

  async apply(plans: readonly DlqPlan[]): Promise<DlqOutcome> {
    const redrives: Redrive[] = [];
    const toQuarantine: Quarantined[] = [];
    for (const { message, action } of plans) {
      if (action.kind === 'redrive') redrives.push({ message, ...action });
      else toQuarantine.push({ message, reason: action.reason });
    }
    const sent = await sendRedrives(this.deps.sender, this.deps.sourceUrlOf, redrives);
    const problems = [...sent.refused, ...sent.failed].map((u) => u.problem);
    for (const { message } of sent.refused) toQuarantine.push({ message, reason: 'dlq:redrive_rejected' });
    const unfinished = sent.failed.map((u) => u.message);
    let quarantined: Quarantined[] = [];
    try {
      await this.writeQuarantine(toQuarantine);
      quarantined = toQuarantine;
    } catch (err) {
      problems.push(`quarantine: ${(err as Error).message}`);
      unfinished.push(...toQuarantine.map((q) => q.message));
    }
    const done = [...sent.sent, ...quarantined.map((q) => q.message)];
    let undeleted: DlqMessage[] = [];
    if (done.length > 0) {
      try {
        await this.deps.acknowledger.ack(done);
      } catch (err) {
        problems.push(`delete: ${(err as Error).message}`);
        undeleted = done;
      }
    }
    return { redriven: sent.sent, quarantined, unfinished, undeleted, problems };
  }

  /** Makes messages visible in the DLQ again after `delaySeconds` (0: at once). */
  release(messages: readonly DlqMessage[], delaySeconds: number): Promise<void> {
    return messages.length === 0 ? Promise.resolve() : this.deps.acknowledger.retryLater(messages, delaySeconds);
  }

  private async writeQuarantine(items: readonly Quarantined[]): Promise<void> {
    if (items.length === 0) return;
    const at = formatMicros(millisToMicros(Date.now()));
    await this.deps.quarantine.put(
      items.map(({ message, reason }) => ({
        body: message.body,
        reason,
        topic: claimedTopic(message.body),
        queue: message.queue,
        receive_count: message.receiveCount,
        source_message_id: message.sourceMessageId,
        quarantined_at: at,
      })),
    );
  }
}

import type { QueueAttributeName, SQSClient } from '@aws-sdk/client-sqs';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { type QueueDepth, type QueueDepthSampler, RetryableError } from '@lean-ops/core';
import { errorCode, errorMessage } from './aws-errors.js';
import { OptionChecks } from './option-checks.js';
import { sendCached } from './send-cached.js';

/** Approximate message counts of one queue (SQS's numbers lag by up to a minute). */
export type QueueStats = QueueDepth;

export interface QueueStatsSamplerOptions {
  readonly client: SQSClient;
}

const ATTRIBUTES = {
  visible: 'ApproximateNumberOfMessages',
  inFlight: 'ApproximateNumberOfMessagesNotVisible',
  delayed: 'ApproximateNumberOfMessagesDelayed',
} as const satisfies Record<string, QueueAttributeName>;

/**
 * Samples queue depths with `GetQueueAttributes`, all queues in parallel: for backlog
 * metrics and scaling. The age of the oldest message is not a queue attribute (only
 * CloudWatch's `ApproximateAgeOfOldestMessage` has it), so it is not sampled here.
 */
export class QueueStatsSampler implements QueueDepthSampler {
  private readonly client: SQSClient;

  constructor(options: QueueStatsSamplerOptions) {
    new OptionChecks('QueueStatsSampler options').client('client', options?.client).done();
    this.client = options.client;
  }

  /** One entry per queue URL, in the order given. Rejects with `RetryableError` if any queue fails. */
  sample(queueUrls: readonly string[], signal?: AbortSignal): Promise<readonly QueueStats[]> {
    return Promise.all(queueUrls.map((queue) => this.sampleOne(queue, signal)));
  }

  private async sampleOne(queue: string, signal: AbortSignal | undefined): Promise<QueueStats> {
    let attributes: Partial<Record<string, string>> | undefined;
    try {
      const out = await sendCached(
        () =>
          this.client.send(
            new GetQueueAttributesCommand({ QueueUrl: queue, AttributeNames: Object.values(ATTRIBUTES) }),
          ),
        signal,
      );
      attributes = out.Attributes;
    } catch (err) {
      throw new RetryableError(
        `QueueStatsSampler: GetQueueAttributes ${queue}: ${errorCode(err)}: ${errorMessage(err)}`,
        {
          cause: err,
        },
      );
    }
    const read = (name: string): number => {
      const value = Number(attributes?.[name]);
      if (attributes?.[name] === undefined || !Number.isFinite(value)) {
        throw new RetryableError(`QueueStatsSampler: GetQueueAttributes ${queue} returned no number for ${name}`);
      }
      return value;
    };
    return {
      queueUrl: queue,
      visible: read(ATTRIBUTES.visible),
      inFlight: read(ATTRIBUTES.inFlight),
      delayed: read(ATTRIBUTES.delayed),
    };
  }
}

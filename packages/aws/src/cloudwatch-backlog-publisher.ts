import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  type BacklogPublisher,
  INGEST_METRICS,
  INGEST_SERVICE,
  RetryableError,
  SERVICE_DIMENSION,
} from '@lean-ops/core';
import { errorCode, errorMessage } from './aws-errors.js';
import { OptionChecks } from './option-checks.js';

export interface CloudWatchBacklogPublisherOptions {
  readonly client: CloudWatchClient;
  /** The stage's namespace (the ingest task role may put metrics in this namespace only). */
  readonly namespace: string;
}

/** CloudWatch caps namespaces at 255 characters. */
const MAX_NAMESPACE_LENGTH = 255;

/**
 * Puts the ingest backlog as `IngestBacklog` (dimension `Service=ingest`, Count) in the
 * stage's namespace: the metric the ingest scaling policy divides by the running tasks.
 */
export class CloudWatchBacklogPublisher implements BacklogPublisher {
  private readonly client: CloudWatchClient;
  readonly namespace: string;

  constructor(options: CloudWatchBacklogPublisherOptions) {
    const namespace = options?.namespace;
    new OptionChecks('CloudWatchBacklogPublisher options')
      .client('client', options?.client)
      .rule(
        typeof namespace === 'string' &&
          namespace !== '' &&
          namespace.length <= MAX_NAMESPACE_LENGTH &&
          !namespace.startsWith('AWS/'),
        `namespace: expected 1–${MAX_NAMESPACE_LENGTH} characters not starting with "AWS/" (got ${JSON.stringify(namespace)})`,
      )
      .done();
    this.client = options.client;
    this.namespace = namespace;
  }

  /** Rejects with `RetryableError` naming the namespace when CloudWatch does not take the metric. */
  async publish(visibleMessages: number, signal?: AbortSignal): Promise<void> {
    if (!Number.isFinite(visibleMessages) || visibleMessages < 0) {
      throw new RangeError(`CloudWatchBacklogPublisher: backlog must be a number ≥ 0 (got ${visibleMessages})`);
    }
    try {
      await this.client.send(
        new PutMetricDataCommand({
          Namespace: this.namespace,
          MetricData: [
            {
              MetricName: INGEST_METRICS.backlog,
              Dimensions: [{ Name: SERVICE_DIMENSION, Value: INGEST_SERVICE }],
              Value: visibleMessages,
              Unit: 'Count',
            },
          ],
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      throw new RetryableError(
        `CloudWatchBacklogPublisher: PutMetricData ${this.namespace}/${INGEST_METRICS.backlog}: ` +
          `${errorCode(err)}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
  }
}

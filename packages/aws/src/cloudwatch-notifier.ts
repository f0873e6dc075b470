import type { CloudWatchClient, MetricDatum } from '@aws-sdk/client-cloudwatch';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { type Notifier, type PipelineNotice, RetryableError } from '@lean-ops/core';
import { errorCode, errorMessage } from './aws-errors.js';
import { OptionChecks } from './option-checks.js';

export interface CloudWatchNotifierOptions {
  readonly client: CloudWatchClient;
  /** Metric namespace; `AWS/` is reserved for AWS services. @defaultValue "LeanOps" */
  readonly namespace?: string;
}

export const DEFAULT_METRIC_NAMESPACE = 'LeanOps';

/** Metric names per notice kind; alarms in the infrastructure watch these. */
export const NOTICE_METRICS = {
  missing_schema: 'MissingSchema',
  drift: 'DriftDetected',
} as const satisfies Record<PipelineNotice['kind'], string>;

/** CloudWatch caps namespaces at 255 characters. */
const MAX_NAMESPACE_LENGTH = 255;

/**
 * Raises operator signals as CloudWatch metrics with a `Topic` dimension:
 * `MissingSchema` (1 per notice) and `DriftDetected` (the number of new columns). A drift
 * notice without columns sends nothing: there is nothing to alarm on.
 */
export class CloudWatchNotifier implements Notifier {
  private readonly client: CloudWatchClient;
  private readonly namespace: string;

  constructor(options: CloudWatchNotifierOptions) {
    const namespace = options?.namespace;
    new OptionChecks('CloudWatchNotifier options')
      .client('client', options?.client)
      .string('namespace', namespace)
      .rule(
        typeof namespace !== 'string' ||
          (namespace !== '' && namespace.length <= MAX_NAMESPACE_LENGTH && !namespace.startsWith('AWS/')),
        `namespace: expected 1–${MAX_NAMESPACE_LENGTH} characters not starting with "AWS/" (got ${JSON.stringify(namespace)})`,
      )
      .done();
    this.client = options.client;
    this.namespace = namespace ?? DEFAULT_METRIC_NAMESPACE;
  }

  /** Rejects with `RetryableError` when CloudWatch does not take the metric. */
  async notify(notice: PipelineNotice): Promise<void> {
    const value = notice.kind === 'drift' ? notice.columns.length : 1;
    if (value === 0) return;
    const datum: MetricDatum = {
      MetricName: NOTICE_METRICS[notice.kind],
      Dimensions: [{ Name: 'Topic', Value: notice.topic }],
      Value: value,
      Unit: 'Count',
    };
    try {
      await this.client.send(new PutMetricDataCommand({ Namespace: this.namespace, MetricData: [datum] }));
    } catch (err) {
      throw new RetryableError(
        `CloudWatchNotifier: PutMetricData ${this.namespace}/${datum.MetricName} (topic ${notice.topic}): ` +
          `${errorCode(err)}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
  }
}

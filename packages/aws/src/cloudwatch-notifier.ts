import type { CloudWatchClient, MetricDatum } from '@aws-sdk/client-cloudwatch';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DEFAULT_METRIC_NAMESPACE,
  LAYER_DIMENSION,
  type Notifier,
  PIPELINE_METRICS,
  type PipelineNotice,
  RetryableError,
  SNOWFLAKE_METRICS,
  TABLE_HEALTH_FIGURES,
  TABLE_HEALTH_METRICS,
  type TableHealth,
  TOPIC_DIMENSION,
} from '@lean-ops/core';
import { errorCode, errorMessage } from './aws-errors.js';
import { OptionChecks } from './option-checks.js';

export interface CloudWatchNotifierOptions {
  readonly client: CloudWatchClient;
  /** Metric namespace; `AWS/` is reserved for AWS services. @defaultValue "LeanOps" */
  readonly namespace?: string;
}

/** Metric name per notice kind (the lag notice sends two gauges). */
const NOTICE_METRICS = {
  missing_schema: PIPELINE_METRICS.missingSchema,
  drift: PIPELINE_METRICS.driftDetected,
} as const satisfies Record<Exclude<PipelineNotice['kind'], 'lag' | 'table_health' | 'snowflake_auto_refresh'>, string>;

/** The table health gauges (`TABLE_HEALTH_METRICS`, dimensions `Topic` and `Layer`) of the tables that exist. */
function tableHealthData(topic: string, tables: readonly TableHealth[]): MetricDatum[] {
  return tables.flatMap(({ layer, figures }) =>
    figures === null
      ? []
      : TABLE_HEALTH_FIGURES.map((figure) => ({
          MetricName: TABLE_HEALTH_METRICS[figure],
          Dimensions: [
            { Name: TOPIC_DIMENSION, Value: topic },
            { Name: LAYER_DIMENSION, Value: layer },
          ],
          Value: figures[figure],
          Unit: figure === 'oldest_snapshot_age_seconds' ? 'Seconds' : figure.endsWith('bytes') ? 'Bytes' : 'Count',
        })),
  );
}

/** CloudWatch caps namespaces at 255 characters. */
const MAX_NAMESPACE_LENGTH = 255;

/**
 * Raises operator signals as CloudWatch metrics with a `Topic` dimension:
 * `MissingSchema` (1 per notice), `DriftDetected` (the number of new columns), and the
 * lag gauges `CurationPendingRecords` and `SemanticLagSeconds`, the table health gauges
 * (`TABLE_HEALTH_METRICS`, with a `Layer` dimension too), and the Snowflake auto-refresh gauges
 * (`SNOWFLAKE_METRICS`). A drift notice without columns,
 * or a health notice without an existing table, sends nothing: there is nothing to alarm on.
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
    const Dimensions = [{ Name: TOPIC_DIMENSION, Value: notice.topic }];
    let data: MetricDatum[];
    if (notice.kind === 'lag') {
      data = [
        {
          MetricName: PIPELINE_METRICS.curationPendingRecords,
          Dimensions,
          Value: notice.curationPendingRecords,
          Unit: 'Count',
        },
        {
          MetricName: PIPELINE_METRICS.semanticLagSeconds,
          Dimensions,
          Value: notice.semanticLagSeconds,
          Unit: 'Seconds',
        },
      ];
    } else if (notice.kind === 'snowflake_auto_refresh') {
      data = [
        { MetricName: SNOWFLAKE_METRICS.autoRefreshRunning, Dimensions, Value: notice.running ? 1 : 0, Unit: 'Count' },
      ];
      if (notice.pendingSnapshots !== null)
        data.push({
          MetricName: SNOWFLAKE_METRICS.autoRefreshPendingSnapshots,
          Dimensions,
          Value: notice.pendingSnapshots,
          Unit: 'Count',
        });
    } else if (notice.kind === 'table_health') {
      // 9 figures × 5 tables: far under PutMetricData's 1,000 data per call.
      data = tableHealthData(notice.topic, notice.tables);
      if (data.length === 0) return;
    } else {
      const value = notice.kind === 'drift' ? notice.columns.length : 1;
      if (value === 0) return;
      data = [{ MetricName: NOTICE_METRICS[notice.kind], Dimensions, Value: value, Unit: 'Count' }];
    }
    try {
      await this.client.send(new PutMetricDataCommand({ Namespace: this.namespace, MetricData: data }));
    } catch (err) {
      throw new RetryableError(
        `CloudWatchNotifier: PutMetricData ${this.namespace}/${data.map((d) => d.MetricName).join(',')} (topic ${notice.topic}): ` +
          `${errorCode(err)}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
  }
}

/**
 * CloudWatch alarms on the table health metrics the scheduler publishes after each
 * maintenance run (`TABLE_HEALTH_METRICS`, dimensions `Topic` and `Layer`; docs/maintenance.md):
 * on any table of the stage, small files above `thresholds.tableSmallFiles` (compaction does
 * not keep up), delete files above `thresholds.tableDeleteFiles` (merge-on-read deletes are not
 * folded) and snapshots above `thresholds.tableSnapshots` (expiry does not run). The
 * thresholds are the app config's, which the Prometheus rules read too.
 */
import type { Thresholds } from '@lean-ops/config';
import { LAYER_DIMENSION, TABLE_HEALTH_METRICS, type TableHealthFigure, TOPIC_DIMENSION } from '@lean-ops/core';
import type { StageConfig } from './stage';

/** The figures alarmed on, the threshold each reads and what it means to an operator. */
export const TABLE_HEALTH_ALARMS = [
  {
    id: 'table-small-files',
    figure: 'small_files',
    threshold: 'tableSmallFiles',
    means: 'small files: compaction is not keeping up',
  },
  {
    id: 'table-delete-files',
    figure: 'delete_files',
    threshold: 'tableDeleteFiles',
    means: 'delete files: compaction is not folding the merge-on-read deletes',
  },
  {
    id: 'table-snapshots',
    figure: 'snapshots',
    threshold: 'tableSnapshots',
    means: 'snapshots: expiry is not running, or a checkpoint holds them back',
  },
] as const satisfies readonly {
  id: string;
  figure: TableHealthFigure;
  threshold: keyof Thresholds;
  means: string;
}[];

/** The Pulumi name of the alarm on `id` (one per stage, over every table). */
export function tableHealthAlarmName(id: string): string {
  return `alarm-${id}`;
}

/**
 * The Metrics Insights query an alarm evaluates: the largest figure of any table of the stage.
 * One series for every topic and layer, so a stage has three table alarms whatever its topic
 * count (per-table alarms would be 15 per topic: ~$300 a month and 3,000 of the region's
 * alarms at 200 topics). Which table breached: `lean-ops tables health`, or the Prometheus
 * alerts, which carry topic and layer.
 */
export function tableHealthQuery(namespace: string, metricName: string): string {
  return `SELECT MAX(${metricName}) FROM SCHEMA("${namespace}", ${LAYER_DIMENSION}, ${TOPIC_DIMENSION})`;
}

// The figures arrive once per maintenance run (daily by default): an hour's Maximum, and a
// missing datapoint keeps the alarm where the last reading put it.
const PERIOD_SECONDS = 3_600;

export function createTableHealthAlarms(args: {
  stage: StageConfig;
  prefix: string;
  thresholds: Thresholds;
  alarmTopicArn: $util.Input<string>;
}) {
  const { stage, thresholds } = args;
  const notify = { alarmActions: [args.alarmTopicArn], okActions: [args.alarmTopicArn] };
  return TABLE_HEALTH_ALARMS.map(
    ({ id, figure, threshold, means }) =>
      new aws.cloudwatch.MetricAlarm(tableHealthAlarmName(id), {
        name: `${args.prefix}-${id}`,
        alarmDescription: `A table of the stage holds more than ${thresholds[threshold]} ${means}: lean-ops tables health names it (docs/maintenance.md)`,
        metricQueries: [
          {
            id: 'worst',
            expression: tableHealthQuery(stage.cloudwatchNamespace, TABLE_HEALTH_METRICS[figure]),
            period: PERIOD_SECONDS,
            returnData: true,
          },
        ],
        evaluationPeriods: 1,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: thresholds[threshold],
        treatMissingData: 'ignore',
        ...notify,
      }),
  );
}

/**
 * Scales the ingest service on backlog per task: target tracking on `backlog / tasks`, where
 * `backlog` is the `IngestBacklog` metric the ingest service publishes (visible messages of
 * every topic queue, summed, from the queue depths it samples anyway) and `tasks` is Container
 * Insights' RunningTaskCount (the cluster enables it). Two metrics whatever the number of topics:
 * a metric-math alarm, and so a target-tracking policy, may reference at most 10.
 *
 * SST's `scaling` only offers CPU, memory and request count, hence the raw policy on the
 * service's scaling target.
 */
import { INGEST_METRICS, INGEST_SERVICE, SERVICE_DIMENSION } from '@lean-ops/core';
import type { StageConfig } from './stage';

/** Scale out fast when a backlog builds; scale in slowly so a burst does not flap. */
const SCALE_OUT_COOLDOWN_SECONDS = 60;
const SCALE_IN_COOLDOWN_SECONDS = 300;

/** The metric-math expression the policy tracks. */
export const BACKLOG_PER_TASK_EXPRESSION = 'backlog / tasks';

export function createIngestAutoscaling(args: {
  stage: StageConfig;
  service: sst.aws.Service;
  clusterName: $util.Input<string>;
}): aws.appautoscaling.Policy {
  const target = args.service.nodes.autoScalingTarget;
  return new aws.appautoscaling.Policy('IngestBacklogPerTaskPolicy', {
    name: `ingest-backlog-per-task-${args.stage.stage}`,
    policyType: 'TargetTrackingScaling',
    serviceNamespace: target.serviceNamespace,
    scalableDimension: target.scalableDimension,
    resourceId: target.resourceId,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: args.stage.ingest.backlogPerTaskTarget,
      scaleOutCooldown: SCALE_OUT_COOLDOWN_SECONDS,
      scaleInCooldown: SCALE_IN_COOLDOWN_SECONDS,
      customizedMetricSpecification: {
        metrics: [
          {
            id: 'backlog',
            returnData: false,
            metricStat: {
              // Every sampling task publishes the same total: the average is the backlog.
              stat: 'Average',
              metric: {
                namespace: args.stage.cloudwatchNamespace,
                metricName: INGEST_METRICS.backlog,
                dimensions: [{ name: SERVICE_DIMENSION, value: INGEST_SERVICE }],
              },
            },
          },
          {
            id: 'tasks',
            returnData: false,
            metricStat: {
              stat: 'Average',
              metric: {
                namespace: 'ECS/ContainerInsights',
                metricName: 'RunningTaskCount',
                dimensions: [
                  { name: 'ClusterName', value: args.clusterName },
                  { name: 'ServiceName', value: args.service.nodes.service.name },
                ],
              },
            },
          },
          {
            id: 'backlog_per_task',
            label: 'Visible messages per running ingest task',
            expression: BACKLOG_PER_TASK_EXPRESSION,
            returnData: true,
          },
        ],
      },
    },
  });
}

/**
 * Scales the ingest service on backlog per task: the visible messages of every topic queue
 * summed, divided by the running tasks (target tracking with metric math; SST's `scaling`
 * only offers CPU, memory and request count). RunningTaskCount comes from Container
 * Insights, which the cluster enables.
 */
import type { TopicQueues } from './queues';
import type { StageConfig } from './stage';

/** Scale out fast when a backlog builds; scale in slowly so a burst does not flap. */
const SCALE_OUT_COOLDOWN_SECONDS = 60;
const SCALE_IN_COOLDOWN_SECONDS = 300;

/** Metric-math id of topic queue `index` (ids start with a lowercase letter). */
function queueMetricId(index: number): string {
  return `q${index}`;
}

/** `(q0 + q1 + …) / tasks`: visible messages across the topic queues per running task. */
export function backlogPerTaskExpression(queueCount: number): string {
  const sum = Array.from({ length: queueCount }, (_, i) => queueMetricId(i)).join(' + ');
  return `(${sum}) / tasks`;
}

export function createIngestAutoscaling(args: {
  stage: StageConfig;
  service: sst.aws.Service;
  clusterName: $util.Input<string>;
  queues: readonly TopicQueues[];
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
          ...args.queues.map(({ queue }, index) => ({
            id: queueMetricId(index),
            returnData: false,
            metricStat: {
              stat: 'Sum',
              metric: {
                namespace: 'AWS/SQS',
                metricName: 'ApproximateNumberOfMessagesVisible',
                dimensions: [{ name: 'QueueName', value: queue.name }],
              },
            },
          })),
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
            expression: backlogPerTaskExpression(args.queues.length),
            returnData: true,
          },
        ],
      },
    },
  });
}

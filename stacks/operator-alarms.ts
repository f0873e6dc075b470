/**
 * What an operator watches after a deploy, beyond contract §7's alarms (stacks/alarms.ts), all
 * into the same alarm topic:
 *
 * - each service: fewer running tasks than desired for `tasksBelowDesiredMinutes` (Container
 *   Insights' `RunningTaskCount` and `DesiredTaskCount`, one metric-math expression of two);
 * - each delivery stream: rows Firehose could not write to RAW (`DeliveryToIceberg.FailedRowCount`,
 *   they went to the errors bucket) and delivery falling behind (`DeliveryToIceberg.DataFreshness`
 *   above the buffering interval plus {@link FRESHNESS_MARGIN_SECONDS}, AWS's recommended alarm);
 * - the Glue jobs: a run that ends FAILED, TIMEOUT or ERROR (EventBridge's "Glue Job State
 *   Change" event, published to the topic);
 * - Redis: memory use above `redisMemoryPercent` on every node (with `noeviction` a full Redis
 *   refuses BullMQ's writes, and the scheduler stops);
 * - each topic's source queue: a message older than `sourceQueueMaxAgeSeconds` (ingest is down
 *   or does not keep up).
 */
import type { TopicQueues } from './queues';
import type { StageConfig } from './stage';

/** Container Insights and SQS publish on this grid; Firehose and ElastiCache every minute. */
const MINUTE = 60;
const FIVE_MINUTES = 300;

/** DataFreshness above the buffering interval by this much: a delivery is stuck, not just buffered. */
export const FRESHNESS_MARGIN_SECONDS = 900;

/** The Glue job states that end a run without a result (EventBridge "Glue Job State Change"). */
export const GLUE_FAILED_STATES = ['FAILED', 'TIMEOUT', 'ERROR'] as const;

/** Name of the EventBridge rule that forwards failed Glue runs to the alarm topic. */
export const glueFailureRuleName = (prefix: string) => `${prefix}-glue-job-failed`;

export interface WatchedService {
  /** Short id for resource and alarm names (`ingest`). */
  readonly id: string;
  readonly serviceName: $util.Input<string>;
}

export interface WatchedStream {
  readonly topic: string;
  readonly name: $util.Input<string>;
}

export function createOperatorAlarms(args: {
  stage: StageConfig;
  prefix: string;
  topicArn: $util.Input<string>;
  clusterName: $util.Input<string>;
  services: readonly WatchedService[];
  streams: readonly WatchedStream[];
  queues: readonly TopicQueues[];
  glueJobNames: readonly $util.Input<string>[];
  redisReplicationGroupId: $util.Input<string>;
}) {
  const { stage, prefix } = args;
  const settings = stage.alarms;
  const notify = { alarmActions: [args.topicArn], okActions: [args.topicArn] };

  for (const service of args.services) {
    const metric = (id: string, metricName: string) => ({
      id,
      metric: {
        namespace: 'ECS/ContainerInsights',
        metricName,
        dimensions: { ClusterName: args.clusterName, ServiceName: service.serviceName },
        stat: 'Average',
        period: MINUTE,
      },
      returnData: false,
    });
    new aws.cloudwatch.MetricAlarm(`alarm-${service.id}-tasks-below-desired`, {
      name: `${prefix}-${service.id}-tasks-below-desired`,
      alarmDescription: `${service.id}: fewer tasks running than desired for ${settings.tasksBelowDesiredMinutes} min (crash loop, image pull, capacity): check the service's events and stopped tasks`,
      metricQueries: [
        metric('running', 'RunningTaskCount'),
        metric('desired', 'DesiredTaskCount'),
        { id: 'missing', expression: 'desired - running', label: 'Tasks missing', returnData: true },
      ],
      evaluationPeriods: settings.tasksBelowDesiredMinutes,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
      // No Container Insights data: the cluster reports nothing, which is an alarm of its own.
      treatMissingData: 'breaching',
      ...notify,
    });
  }

  for (const stream of args.streams) {
    const firehoseAlarm = (
      id: string,
      metricName: string,
      statistic: 'Sum' | 'Maximum',
      threshold: number,
      description: string,
    ) =>
      new aws.cloudwatch.MetricAlarm(`alarm-${stream.topic}-${id}`, {
        name: `${prefix}-${stream.topic}-${id}`,
        alarmDescription: description,
        namespace: 'AWS/Firehose',
        metricName,
        dimensions: { DeliveryStreamName: stream.name },
        statistic,
        period: FIVE_MINUTES,
        evaluationPeriods: 1,
        comparisonOperator: 'GreaterThanThreshold',
        threshold,
        // No data: nothing was sent, nothing failed.
        treatMissingData: 'notBreaching',
        ...notify,
      });
    firehoseAlarm(
      'delivery-failed',
      'DeliveryToIceberg.FailedRowCount',
      'Sum',
      0,
      `Firehose could not write rows of ${stream.topic} to RAW; they are in the errors bucket under ${stream.topic}/ (see the stream's DestinationDelivery log)`,
    );
    const freshness = stage.firehose.bufferingIntervalSeconds + FRESHNESS_MARGIN_SECONDS;
    firehoseAlarm(
      'delivery-freshness',
      'DeliveryToIceberg.DataFreshness',
      'Maximum',
      freshness,
      `The oldest record of ${stream.topic} not yet in RAW waited more than ${freshness} s: delivery is stuck or retrying`,
    );
  }

  for (const { topic, queue } of args.queues) {
    new aws.cloudwatch.MetricAlarm(`alarm-${topic}-source-age`, {
      name: `${prefix}-${topic}-source-oldest-message`,
      alarmDescription: `A message in the ${topic} queue waited more than ${settings.sourceQueueMaxAgeSeconds} s: ingest is down or does not keep up`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateAgeOfOldestMessage',
      dimensions: { QueueName: queue.name },
      statistic: 'Maximum',
      period: FIVE_MINUTES,
      evaluationPeriods: 1,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: settings.sourceQueueMaxAgeSeconds,
      treatMissingData: 'notBreaching',
      ...notify,
    });
  }

  // ElastiCache names a replication group's nodes <group>-001, <group>-002, …; each reports its own memory.
  for (let node = 1; node <= 1 + stage.redis.replicas; node++) {
    const member = String(node).padStart(3, '0');
    new aws.cloudwatch.MetricAlarm(`alarm-redis-${member}-memory`, {
      name: `${prefix}-redis-${member}-memory`,
      alarmDescription: `Redis node ${member} uses more than ${settings.redisMemoryPercent} % of its memory; with noeviction a full Redis refuses BullMQ writes: resize (stacks/stage.ts redis.instance) or clean old jobs`,
      namespace: 'AWS/ElastiCache',
      metricName: 'DatabaseMemoryUsagePercentage',
      dimensions: { CacheClusterId: $interpolate`${args.redisReplicationGroupId}-${member}` },
      statistic: 'Maximum',
      period: FIVE_MINUTES,
      evaluationPeriods: 1,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: settings.redisMemoryPercent,
      treatMissingData: 'notBreaching',
      ...notify,
    });
  }

  const rule = new aws.cloudwatch.EventRule('GlueJobFailedRule', {
    name: glueFailureRuleName(prefix),
    description: `${prefix}: a Glue job run ended ${GLUE_FAILED_STATES.join(', ')}`,
    eventPattern: $jsonStringify({
      source: ['aws.glue'],
      'detail-type': ['Glue Job State Change'],
      detail: { jobName: args.glueJobNames, state: [...GLUE_FAILED_STATES] },
    }),
  });
  new aws.cloudwatch.EventTarget('GlueJobFailedTarget', { rule: rule.name, arn: args.topicArn });
  return { glueFailureRule: rule };
}

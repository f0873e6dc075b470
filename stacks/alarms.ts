/**
 * CloudWatch alarms of contract §7, thresholds from the app config file (the same values the
 * scheduler reads), all notifying one encrypted SNS topic operators subscribe to:
 *
 * - each DLQ: oldest message older than `dlqMaxAgeSeconds` (SQS's ApproximateAgeOfOldestMessage);
 * - each topic: a new drift entry (`DriftDetected`) or a run without a semantic schema
 *   (`MissingSchema`), both counted by the scheduler;
 * - each topic: curation pending above `curationPendingRecords` and semantic lag above
 *   `semanticLagSeconds` (`CurationPendingRecords`, `SemanticLagSeconds`, scheduler gauges).
 *
 * The scheduler publishes its metrics with the dimension `Topic` in the stage's namespace.
 *
 * The topic notifies the stage config's subscribers (`alarms.subscribers`); its policy lets
 * CloudWatch alarms and the Glue failure rule (stacks/operator-alarms.ts) publish, nothing else.
 */
import type { Thresholds } from '@lean-ops/config';
import { PIPELINE_METRICS, TOPIC_DIMENSION } from '@lean-ops/core';
import type { Account } from './account';
import { glueFailureRuleName } from './operator-alarms';
import type { TopicQueues } from './queues';
import type { StageConfig } from './stage';

/** SQS publishes queue metrics every 5 minutes; the gauges are sampled on the same grid. */
const PERIOD_SECONDS = 300;

export function createAlarms(args: {
  stage: StageConfig;
  prefix: string;
  queues: readonly TopicQueues[];
  thresholds: Thresholds;
  keyArn: $util.Input<string>;
  account: Account;
  /** The stage's Managed Prometheus workspace, whose alert manager publishes to the topic. */
  prometheusWorkspaceArn?: $util.Input<string> | undefined;
}) {
  const { stage, thresholds, account } = args;
  const topic = new aws.sns.Topic('AlarmTopic', { name: `${args.prefix}-alarms`, kmsMasterKeyId: args.keyArn });
  new aws.sns.TopicPolicy('AlarmTopicPolicy', {
    arn: topic.arn,
    policy: $jsonStringify({
      Version: '2012-10-17',
      Statement: [
        {
          // What SNS's default policy grants the owning account (a topic policy replaces it).
          Sid: 'OwnerManagesTopic',
          Effect: 'Allow',
          Principal: { AWS: $interpolate`arn:${account.partition}:iam::${account.accountId}:root` },
          Action: [
            'sns:GetTopicAttributes',
            'sns:SetTopicAttributes',
            'sns:AddPermission',
            'sns:RemovePermission',
            'sns:DeleteTopic',
            'sns:Subscribe',
            'sns:ListSubscriptionsByTopic',
            'sns:Publish',
          ],
          Resource: topic.arn,
        },
        {
          Sid: 'StageAlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topic.arn,
          Condition: {
            ArnLike: { 'aws:SourceArn': account.arn('cloudwatch', `alarm:${args.prefix}-*`) },
            StringEquals: { 'aws:SourceAccount': account.accountId },
          },
        },
        {
          Sid: 'GlueFailureRulePublishes',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topic.arn,
          Condition: {
            ArnEquals: { 'aws:SourceArn': account.arn('events', `rule/${glueFailureRuleName(args.prefix)}`) },
          },
        },
        ...(args.prometheusWorkspaceArn === undefined
          ? []
          : [
              {
                // AMP's alert manager checks the topic (GetTopicAttributes) before it publishes.
                Sid: 'ManagedPrometheusAlertsPublish',
                Effect: 'Allow',
                Principal: { Service: 'aps.amazonaws.com' },
                Action: ['sns:Publish', 'sns:GetTopicAttributes'],
                Resource: topic.arn,
                Condition: {
                  ArnEquals: { 'aws:SourceArn': args.prometheusWorkspaceArn },
                  StringEquals: { 'aws:SourceAccount': account.accountId },
                },
              },
            ]),
      ],
    }),
  });
  for (const subscriber of stage.alarms.subscribers) {
    new aws.sns.TopicSubscription(
      `alarm-subscriber-${subscriber.protocol}-${subscriber.endpoint.replace(/[^A-Za-z0-9._@-]/g, '-')}`,
      { topic: topic.arn, protocol: subscriber.protocol, endpoint: subscriber.endpoint },
    );
  }
  const notify = { alarmActions: [topic.arn], okActions: [topic.arn] };

  for (const { topic: name, dlq } of args.queues) {
    new aws.cloudwatch.MetricAlarm(`alarm-${name}-dlq-age`, {
      name: `${args.prefix}-${name}-dlq-oldest-message`,
      alarmDescription: `A message in the ${name} DLQ is older than ${thresholds.dlqMaxAgeSeconds} s: redrive or quarantine it`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateAgeOfOldestMessage',
      dimensions: { QueueName: dlq.name },
      statistic: 'Maximum',
      period: PERIOD_SECONDS,
      evaluationPeriods: 1,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: thresholds.dlqMaxAgeSeconds,
      treatMissingData: 'notBreaching',
      ...notify,
    });
    const schedulerAlarm = (
      id: string,
      metricName: string,
      description: string,
      statistic: 'Sum' | 'Maximum',
      threshold: number,
    ) =>
      new aws.cloudwatch.MetricAlarm(`alarm-${name}-${id}`, {
        name: `${args.prefix}-${name}-${id}`,
        alarmDescription: description,
        namespace: stage.cloudwatchNamespace,
        metricName,
        dimensions: { [TOPIC_DIMENSION]: name },
        statistic,
        period: PERIOD_SECONDS,
        evaluationPeriods: 1,
        comparisonOperator: 'GreaterThanThreshold',
        threshold,
        // No data means no run reported anything new: not an alarm by itself.
        treatMissingData: 'notBreaching',
        ...notify,
      });
    schedulerAlarm(
      'drift',
      PIPELINE_METRICS.driftDetected,
      `New undeclared column in ${name}: review drift_log and register a schema version`,
      'Sum',
      0,
    );
    schedulerAlarm(
      'missing-schema',
      PIPELINE_METRICS.missingSchema,
      `Topic [${name}] missing Semantic Schema: runs end after curation`,
      'Sum',
      0,
    );
    schedulerAlarm(
      'curation-pending',
      PIPELINE_METRICS.curationPendingRecords,
      `More than ${thresholds.curationPendingRecords} RAW records of ${name} wait for curation`,
      'Maximum',
      thresholds.curationPendingRecords,
    );
    schedulerAlarm(
      'semantic-lag',
      PIPELINE_METRICS.semanticLagSeconds,
      `Semantic layer of ${name} lags curated by more than ${thresholds.semanticLagSeconds} s`,
      'Maximum',
      thresholds.semanticLagSeconds,
    );
  }
  return { topic };
}

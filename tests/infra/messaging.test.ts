import { DEFAULT_METRIC_NAMESPACE, PIPELINE_METRICS } from '@lean-ops/core';
import { parseIngestOptions } from '@lean-ops/worker-ingest';
import { describe, expect, it } from 'vitest';
import { CLOUDWATCH_NAMESPACE, stageConfig } from '../../stacks/stage';
import {
  actionsOn,
  environmentOf,
  ofType,
  one,
  type PolicyDocument,
  parsed,
  roleStatements,
  workerOf,
} from './recorded';
import { ACCOUNT_ID, appRun, mockArn, REGION } from './sst-harness';

const TOPICS = ['telemetry', 'alerts'];
const QUEUE = 'aws:sqs/queue:Queue';
const STREAM = 'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream';
const ALARM = 'aws:cloudwatch/metricAlarm:MetricAlarm';
const KEY_ARN = mockArn('aws:kms/key:Key', 'StageKey');
const TUNED = 'tests/infra/fixtures/tuned.config.json';

describe('topic queues', () => {
  it.each(['dev', 'prod'])(
    '%s: a queue and a DLQ per topic, named as the ingest worker looks them up',
    async (stage) => {
      const run = await appRun(stage);
      const prefix = environmentOf(workerOf(run, 'Ingest')).LEAN_OPS_QUEUE_PREFIX;

      expect(ofType(run.resources, QUEUE).map((q) => q.inputs.name)).toEqual(
        expect.arrayContaining(TOPICS.flatMap((t) => [`${prefix}${t}`, `${prefix}${t}-dlq`])),
      );
      expect(ofType(run.resources, QUEUE)).toHaveLength(2 * TOPICS.length);
    },
  );

  it.each(['dev', 'prod'])(
    "%s: redrives to the topic's DLQ after the stage's receive count, KMS encrypted",
    async (stage) => {
      const run = await appRun(stage);
      const config = stageConfig(stage);

      for (const topic of TOPICS) {
        const queue = one(run.resources, QUEUE, `topic-${topic}-queue`);
        const dlq = one(run.resources, QUEUE, `topic-${topic}-dlq`);

        expect(parsed(queue.inputs.redrivePolicy)).toEqual({
          deadLetterTargetArn: mockArn(QUEUE, `topic-${topic}-dlq`),
          maxReceiveCount: config.dlq.maxReceiveCount,
        });
        expect(queue.inputs).toMatchObject({
          kmsMasterKeyId: KEY_ARN,
          messageRetentionSeconds: config.queueRetentionSeconds.source,
        });
        expect(dlq.inputs).toMatchObject({
          kmsMasterKeyId: KEY_ARN,
          messageRetentionSeconds: config.queueRetentionSeconds.dlq,
        });
      }
    },
  );

  it("gives each queue the ingest worker's default visibility timeout", async () => {
    const defaults = parseIngestOptions({ queues: [{ topic: 't', url: 'https://sqs.eu-west-1.amazonaws.com/1/q' }] });
    const queue = one((await appRun('prod')).resources, QUEUE, 'topic-telemetry-queue');

    expect(queue.inputs.visibilityTimeoutSeconds).toBe(defaults.visibilityTimeoutSeconds);
  });

  it('lets only its own queue redrive into a DLQ, and refuses plain HTTP on every queue', async () => {
    const { resources } = await appRun('prod');
    const allow = one(resources, 'aws:sqs/redriveAllowPolicy:RedriveAllowPolicy', 'topic-alerts-dlq-redrive-allow');
    const policies = ofType(resources, 'aws:sqs/queuePolicy:QueuePolicy');

    expect(parsed(allow.inputs.redriveAllowPolicy)).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [mockArn(QUEUE, 'topic-alerts-queue')],
    });
    expect(policies).toHaveLength(4);
    for (const policy of policies) {
      expect(parsed<PolicyDocument>(policy.inputs.policy).Statement).toEqual([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]);
    }
  });
});

describe('Firehose delivery streams', () => {
  it.each(['dev', 'prod'])("%s: one append-only stream per topic into the topic's RAW Iceberg table", async (stage) => {
    const run = await appRun(stage);
    const prefix = environmentOf(workerOf(run, 'Ingest')).LEAN_OPS_FIREHOSE_STREAM_PREFIX;
    const { firehose } = stageConfig(stage);

    expect(ofType(run.resources, STREAM)).toHaveLength(TOPICS.length);
    for (const topic of TOPICS) {
      const stream = one(run.resources, STREAM, `firehose-${topic}`);

      expect(stream.inputs).toMatchObject({
        name: `${prefix}${topic}`,
        destination: 'iceberg',
        serverSideEncryption: { enabled: true, keyType: 'CUSTOMER_MANAGED_CMK', keyArn: KEY_ARN },
        icebergConfiguration: {
          appendOnly: true,
          catalogArn: `arn:aws:glue:${REGION}:${ACCOUNT_ID}:catalog`,
          roleArn: mockArn('aws:iam/role:Role', `firehose-${topic}-role`),
          bufferingInterval: firehose.bufferingIntervalSeconds,
          bufferingSize: firehose.bufferingSizeMiB,
          s3BackupMode: 'FailedDataOnly',
          destinationTableConfigurations: [
            { databaseName: `lean_ops_${stage}_raw`, tableName: `${topic}_staging`, s3ErrorOutputPrefix: `${topic}/` },
          ],
          s3Configuration: {
            bucketArn: mockArn('aws:s3/bucket:Bucket', 'FirehoseErrorsBucket'),
            errorOutputPrefix: `${topic}/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/`,
            kmsKeyArn: KEY_ARN,
          },
          cloudwatchLoggingOptions: { enabled: true },
        },
      });
    }
  });

  it("gives each stream a role that can commit to its own table and no other topic's", async () => {
    const statements = roleStatements((await appRun('prod')).resources, 'firehose-telemetry-role');
    const table = (topic: string) => `arn:aws:glue:${REGION}:${ACCOUNT_ID}:table/lean_ops_prod_raw/${topic}_staging`;

    expect(actionsOn(statements, table('telemetry'))).toEqual([
      'glue:GetDatabase',
      'glue:GetTable',
      'glue:UpdateTable',
    ]);
    expect(JSON.stringify(statements)).not.toContain('alerts');
  });
});

describe('CloudWatch alarms (contract §7)', () => {
  it.each(['dev', 'prod'])(
    '%s: DLQ age, drift, missing schema, curation pending and semantic lag per topic',
    async (stage) => {
      const { resources } = await appRun(stage);
      const namespace = stageConfig(stage).cloudwatchNamespace;
      const topicArn = mockArn('aws:sns/topic:Topic', 'AlarmTopic');

      const contract = /^alarm-[a-z0-9_]+-(dlq-age|drift|missing-schema|curation-pending|semantic-lag)$/;
      expect(ofType(resources, ALARM).filter((a) => contract.test(a.name))).toHaveLength(5 * TOPICS.length);
      for (const topic of TOPICS) {
        const alarm = (id: string) => one(resources, ALARM, `alarm-${topic}-${id}`).inputs;
        const scheduler = { namespace, dimensions: { Topic: topic }, comparisonOperator: 'GreaterThanThreshold' };

        expect(alarm('dlq-age')).toMatchObject({
          namespace: 'AWS/SQS',
          metricName: 'ApproximateAgeOfOldestMessage',
          dimensions: { QueueName: `lean-ops-${stage}-${topic}-dlq` },
          threshold: 7 * 24 * 3600,
          alarmActions: [topicArn],
        });
        expect(alarm('drift')).toMatchObject({
          ...scheduler,
          metricName: 'DriftDetected',
          statistic: 'Sum',
          threshold: 0,
        });
        expect(alarm('missing-schema')).toMatchObject({ ...scheduler, metricName: 'MissingSchema', threshold: 0 });
        expect(alarm('curation-pending')).toMatchObject({
          ...scheduler,
          metricName: 'CurationPendingRecords',
          threshold: 100_000,
        });
        expect(alarm('semantic-lag')).toMatchObject({
          ...scheduler,
          metricName: 'SemanticLagSeconds',
          threshold: 7200,
        });
      }
    },
  );

  it("takes the thresholds from the app config file, the scheduler's own", async () => {
    const { resources } = await appRun('prod', TUNED);
    const threshold = (id: string) => one(resources, ALARM, `alarm-meters-${id}`).inputs.threshold;

    expect([threshold('dlq-age'), threshold('curation-pending'), threshold('semantic-lag')]).toEqual([
      86_400, 5000, 600,
    ]);
  });

  it("watches the metric names and default namespace of the scheduler's CloudWatch notifier", async () => {
    const { resources } = await appRun('prod');

    expect(one(resources, ALARM, 'alarm-telemetry-drift').inputs.metricName).toBe(PIPELINE_METRICS.driftDetected);
    expect(one(resources, ALARM, 'alarm-telemetry-missing-schema').inputs.metricName).toBe(
      PIPELINE_METRICS.missingSchema,
    );
    expect(CLOUDWATCH_NAMESPACE).toBe(DEFAULT_METRIC_NAMESPACE);
  });

  it('notifies an SNS topic encrypted with the stage key', async () => {
    const topic = one((await appRun('prod')).resources, 'aws:sns/topic:Topic', 'AlarmTopic');

    expect(topic.inputs).toEqual({ name: 'lean-ops-prod-alarms', kmsMasterKeyId: KEY_ARN });
  });
});

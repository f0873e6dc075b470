import { describe, expect, it } from 'vitest';
import { checkAlarmSubscribers } from '../../stacks/alarm-subscribers';
import { stageConfig } from '../../stacks/stage';
import { ofType, one, type PolicyDocument, parsed } from './recorded';
import { ACCOUNT_ID, appRun, mockArn, REGION } from './sst-harness';

// What an operator expects after a deploy (issue 14): alarms, outputs, producer policy, VPC endpoints.
const TOPICS = ['telemetry', 'alerts'];
const ALARM = 'aws:cloudwatch/metricAlarm:MetricAlarm';
const TOPIC_ARN = mockArn('aws:sns/topic:Topic', 'AlarmTopic');
const KEY_ARN = mockArn('aws:kms/key:Key', 'StageKey');
const ENDPOINT = 'aws:ec2/vpcEndpoint:VpcEndpoint';
const POLICY = 'aws:iam/policy:Policy';
const TOPICS_200 = 'tests/infra/fixtures/topics-200.config.json';

interface MetricQuery {
  id: string;
  expression?: string;
  metric?: { namespace: string; metricName: string; dimensions: Record<string, string>; period: number };
}

describe('operator alarms', () => {
  it.each(['dev', 'staging', 'prod'])(
    '%s: every service alarms when it runs fewer tasks than desired',
    async (stage) => {
      const { resources } = await appRun(stage);
      const config = stageConfig(stage);

      for (const [id, service] of [
        ['ingest', 'Ingest'],
        ['dlq-processor', 'DlqProcessor'],
        ['scheduler', 'Scheduler'],
      ] as const) {
        const alarm = one(resources, ALARM, `alarm-${id}-tasks-below-desired`).inputs;
        const queries = alarm.metricQueries as MetricQuery[];
        const serviceName = one(resources, 'aws:ecs/service:Service', `${service}Service`).inputs.name;

        expect(queries.map((q) => q.metric?.metricName ?? q.expression)).toEqual([
          'RunningTaskCount',
          'DesiredTaskCount',
          'desired - running',
        ]);
        for (const q of queries.slice(0, 2)) {
          expect(q.metric).toMatchObject({ namespace: 'ECS/ContainerInsights', period: 60 });
          expect(q.metric?.dimensions).toEqual({ ClusterName: expect.any(String), ServiceName: serviceName });
        }
        expect(alarm).toMatchObject({
          evaluationPeriods: config.alarms.tasksBelowDesiredMinutes,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 0,
          alarmActions: [TOPIC_ARN],
        });
      }
    },
  );

  it.each(['dev', 'prod'])('%s: Firehose delivery failures and freshness per topic', async (stage) => {
    const { resources } = await appRun(stage);
    const config = stageConfig(stage);

    for (const topic of TOPICS) {
      const stream = `lean-ops-${stage}-raw-${topic}`;
      expect(one(resources, ALARM, `alarm-${topic}-delivery-failed`).inputs).toMatchObject({
        namespace: 'AWS/Firehose',
        metricName: 'DeliveryToIceberg.FailedRowCount',
        dimensions: { DeliveryStreamName: stream },
        statistic: 'Sum',
        threshold: 0,
        alarmActions: [TOPIC_ARN],
      });
      const freshness = one(resources, ALARM, `alarm-${topic}-delivery-freshness`).inputs;
      expect(freshness).toMatchObject({
        namespace: 'AWS/Firehose',
        metricName: 'DeliveryToIceberg.DataFreshness',
        dimensions: { DeliveryStreamName: stream },
        statistic: 'Maximum',
      });
      // Past one buffering interval, or every buffered batch would alarm.
      expect(freshness.threshold).toBeGreaterThan(config.firehose.bufferingIntervalSeconds);
      expect(
        one(resources, 'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream', `firehose-${topic}`).inputs.name,
      ).toBe(stream);
    }
  });

  it.each(['dev', 'prod'])("%s: each source queue's oldest message, and every Redis node's memory", async (stage) => {
    const { resources } = await appRun(stage);
    const config = stageConfig(stage);

    for (const topic of TOPICS) {
      expect(one(resources, ALARM, `alarm-${topic}-source-age`).inputs).toMatchObject({
        namespace: 'AWS/SQS',
        metricName: 'ApproximateAgeOfOldestMessage',
        dimensions: { QueueName: `lean-ops-${stage}-${topic}` },
        threshold: config.alarms.sourceQueueMaxAgeSeconds,
      });
    }
    const group = one(resources, 'aws:elasticache/replicationGroup:ReplicationGroup', 'RedisCluster');
    const nodes = 1 + config.redis.replicas;
    expect(group.inputs.numCacheClusters).toBe(nodes);
    const memory = ofType(resources, ALARM).filter((a) => a.inputs.metricName === 'DatabaseMemoryUsagePercentage');
    expect(memory.map((a) => (a.inputs.dimensions as { CacheClusterId: string }).CacheClusterId)).toEqual(
      Array.from({ length: nodes }, (_, i) => `RedisCluster-id-00${i + 1}`),
    );
    for (const a of memory) {
      expect(a.inputs).toMatchObject({ namespace: 'AWS/ElastiCache', threshold: config.alarms.redisMemoryPercent });
    }
  });

  it('sends failed, timed-out and errored Glue runs of the stage to the alarm topic (EventBridge)', async () => {
    const { resources } = await appRun('prod');

    const rule = one(resources, 'aws:cloudwatch/eventRule:EventRule', 'GlueJobFailedRule').inputs;
    expect(rule.name).toBe('lean-ops-prod-glue-job-failed');
    expect(parsed(rule.eventPattern)).toEqual({
      source: ['aws.glue'],
      'detail-type': ['Glue Job State Change'],
      detail: {
        jobName: [
          'lean-ops-prod-bootstrap',
          'lean-ops-prod-curation',
          'lean-ops-prod-semantic',
          'lean-ops-prod-maintenance',
        ],
        state: ['FAILED', 'TIMEOUT', 'ERROR'],
      },
    });
    expect(one(resources, 'aws:cloudwatch/eventTarget:EventTarget', 'GlueJobFailedTarget').inputs).toMatchObject({
      rule: 'lean-ops-prod-glue-job-failed',
      arn: TOPIC_ARN,
    });
  });

  it('lets EventBridge (that rule only) and CloudWatch publish to the topic, and use the stage key for it', async () => {
    const { resources } = await appRun('prod');

    const policy = parsed<PolicyDocument>(
      one(resources, 'aws:sns/topicPolicy:TopicPolicy', 'AlarmTopicPolicy').inputs.policy,
    );
    const events = policy.Statement.find((s) => JSON.stringify(s.Principal).includes('events.amazonaws.com'));
    expect(events).toMatchObject({
      Effect: 'Allow',
      Action: 'sns:Publish',
      Resource: TOPIC_ARN,
      Condition: {
        ArnEquals: { 'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/lean-ops-prod-glue-job-failed` },
      },
    });
    const alarms = policy.Statement.find((s) => JSON.stringify(s.Principal).includes('cloudwatch.amazonaws.com'));
    expect(alarms?.Condition?.ArnLike).toEqual({
      'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:alarm:lean-ops-prod-*`,
    });
    // Replacing SNS's default policy must keep the owner's management rights.
    expect(policy.Statement.find((s) => s.Sid === 'OwnerManagesTopic')?.Principal).toEqual({
      AWS: `arn:aws:iam::${ACCOUNT_ID}:root`,
    });

    const key = parsed<PolicyDocument>(one(resources, 'aws:kms/key:Key', 'StageKey').inputs.policy);
    const eventsKey = key.Statement.find((s) => JSON.stringify(s.Principal).includes('events.amazonaws.com'));
    expect(eventsKey).toMatchObject({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] });
  });

  it('subscribes nobody the stage config does not list (the shipped profiles list nobody)', async () => {
    for (const stage of ['dev', 'prod']) {
      const { resources } = await appRun(stage);
      expect(ofType(resources, 'aws:sns/topicSubscription:TopicSubscription')).toHaveLength(
        stageConfig(stage).alarms.subscribers.length,
      );
    }
  });
});

describe('alarm subscribers from the stage config', () => {
  it('accepts e-mail addresses and https endpoints', () => {
    const subscribers = [
      { protocol: 'email', endpoint: 'ops@example.com' },
      { protocol: 'https', endpoint: 'https://events.pagerduty.com/integration/abc/enqueue' },
    ];
    expect(checkAlarmSubscribers('prod', subscribers)).toEqual(subscribers);
  });

  it.each([
    [
      { protocol: 'email', endpoint: 'ops.example.com' },
      'alarms.subscribers[0]: "ops.example.com" is not an e-mail address',
    ],
    [{ protocol: 'https', endpoint: 'http://hooks.example.com/x' }, 'is not an https:// URL'],
    [{ protocol: 'sms', endpoint: '+15550100' }, 'protocol "sms" is not "email" or "https"'],
  ])('refuses %j before any deploy, naming the entry', (subscriber, message) => {
    expect(() => checkAlarmSubscribers('prod', [subscriber])).toThrow(message);
  });

  it('refuses a subscriber listed twice', () => {
    const twice = [
      { protocol: 'email', endpoint: 'ops@example.com' },
      { protocol: 'email', endpoint: 'ops@example.com' },
    ];
    expect(() => checkAlarmSubscribers('prod', twice)).toThrow(
      'alarms.subscribers[1]: email ops@example.com is listed twice',
    );
  });
});

describe('stack outputs for operators and device gateways', () => {
  it('names the key, buckets, Glue databases and tables, streams and the producer policy', async () => {
    const { outputs } = await appRun('prod');

    expect(outputs).toMatchObject({
      kmsKey: { arn: KEY_ARN, alias: 'alias/lean-ops-prod' },
      buckets: {
        warehouse: 'warehousebucket-mock',
        artifacts: 'artifactsbucket-mock',
        quarantine: 'quarantinebucket-mock',
        firehoseErrors: 'firehoseerrorsbucket-mock',
      },
      glueDatabases: { raw: 'lean_ops_prod_raw', curated: 'lean_ops_prod_curated', semantic: 'lean_ops_prod_semantic' },
      glueTables: {
        telemetry: {
          raw: 'lean_ops_prod_raw.telemetry_staging',
          curated: 'lean_ops_prod_curated.telemetry',
          curatedRejects: 'lean_ops_prod_curated.telemetry_rejects',
          semantic: 'lean_ops_prod_semantic.telemetry',
          semanticRejects: 'lean_ops_prod_semantic.telemetry_semantic_rejects',
        },
      },
      deliveryStreams: { telemetry: 'lean-ops-prod-raw-telemetry', alerts: 'lean-ops-prod-raw-alerts' },
      producerPolicyArns: [mockArn(POLICY, 'ProducerPolicy')],
      ecsCluster: expect.any(String),
      vpcId: expect.any(String),
    });
  });

  it('lets a producer send to the topic queues with the stage key, and nothing else', async () => {
    const { resources } = await appRun('prod');

    const policy = parsed<PolicyDocument>(one(resources, POLICY, 'ProducerPolicy').inputs.policy);
    expect(policy.Statement).toEqual([
      {
        Sid: 'SendToTopicQueues',
        Effect: 'Allow',
        Action: ['sqs:SendMessage', 'sqs:GetQueueUrl'],
        Resource: TOPICS.map((t) => mockArn('aws:sqs/queue:Queue', `topic-${t}-queue`)),
      },
      {
        Sid: 'EncryptWithStageKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: [KEY_ARN],
      },
    ]);
  });

  it('splits the producer policy within IAM 6,144-character managed policy quota at 200 topics', async () => {
    const { resources, outputs } = await appRun('prod', TOPICS_200);
    const policies = ofType(resources, POLICY).filter((p) =>
      String(p.inputs.name).startsWith('lean-ops-prod-producer'),
    );
    // Measured with real queue ARNs (the mocks' are longer), without whitespace as IAM counts.
    const real = (doc: string) =>
      doc.replace(/arn:aws:mock:[^"]*?topic-(t\d+)-queue/g, `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:lean-ops-prod-$1`);

    expect(policies.length).toBeGreaterThan(1);
    for (const p of policies) expect(real(String(p.inputs.policy)).replace(/\s/g, '').length).toBeLessThanOrEqual(6144);
    const queues = policies.flatMap((p) => parsed<PolicyDocument>(p.inputs.policy).Statement[0]?.Resource as string[]);
    expect(new Set(queues).size).toBe(200);
    expect(outputs.producerPolicyArns).toHaveLength(policies.length);
  });
});

describe('VPC endpoints per stage', () => {
  const INTERFACE = ['sqs', 'firehose', 'ecr.api', 'ecr.dkr', 'logs', 'monitoring', 'secretsmanager', 'sts', 'glue'];

  it('prod: gateway S3 and DynamoDB, interface endpoints with private DNS in the private subnets', async () => {
    const { resources } = await appRun('prod');
    const endpoints = ofType(resources, ENDPOINT);
    const services = (type: string) =>
      endpoints
        .filter((e) => e.inputs.vpcEndpointType === type)
        .map((e) => String(e.inputs.serviceName).split('.').slice(3).join('.'));

    expect(services('Gateway').sort()).toEqual(['dynamodb', 's3']);
    expect(services('Interface').sort()).toEqual([...INTERFACE, 'aps-workspaces'].sort());
    const group = one(resources, 'aws:ec2/securityGroup:SecurityGroup', 'EndpointsSecurityGroup');
    expect(group.inputs.ingress).toEqual([
      expect.objectContaining({ protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['10.0.0.0/16'] }),
    ]);
    for (const e of endpoints.filter((x) => x.inputs.vpcEndpointType === 'Interface')) {
      expect(e.inputs).toMatchObject({ privateDnsEnabled: true, securityGroupIds: [`${group.name}-id`] });
      expect((e.inputs.subnetIds as string[]).length).toBeGreaterThan(0);
    }
  });

  it('dev: only the free gateway endpoints (the stage switch is off)', async () => {
    const { resources } = await appRun('dev');

    expect(stageConfig('dev').vpcEndpoints).toBe(false);
    expect(ofType(resources, ENDPOINT).map((e) => e.inputs.vpcEndpointType)).toEqual(['Gateway', 'Gateway']);
  });
});

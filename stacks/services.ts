/**
 * The ECS cluster and the three long-running workers: ingest (topic queues → Firehose), DLQ
 * processor (DLQs → redrive or quarantine) and scheduler (BullMQ on Redis → Glue jobs). Each
 * task role names exactly the queues, streams, tables, jobs and prefixes its worker touches.
 */
import { JOB_BATCH_FOLDER } from '@lean-ops/core';
import type { Account } from './account';
import { ARTIFACTS, type Buckets } from './buckets';
import { type Catalog, databasePath } from './catalog';
import type { DeployConfig } from './deploy-config';
import type { GlueJobs } from './glue-jobs';
import { keyUse, type Statement } from './iam';
import { grantLakeFormation } from './lake-formation';
import type { ManagedPrometheus } from './managed-prometheus';
import type { StageNames } from './names';
import type { TopicQueues } from './queues';
import { QUARANTINE_PREFIX, REDIS_URL_SECRET_ENV, type ServiceWiring, serviceEnvironment } from './service-environment';
import type { StageConfig } from './stage';
import type { StateTables } from './state-tables';
import { longestArn, placeTopicStatements } from './topic-policies';
import { createWorkerService } from './worker-service';

/** Receive, acknowledge and hand back messages of `queues`, as sqs-consumer does. */
function consume(sid: string, queues: $util.Input<string>[]): Statement {
  return {
    sid,
    actions: [
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
    ],
    resources: queues,
  };
}

/** PutMetricData has no resource-level permissions: `*`, pinned to the stage's namespace. */
function putMetricData(namespace: string): Statement {
  return {
    sid: 'PutMetricDataHasNoResourceLevelPermissions',
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': namespace } },
  };
}

export interface ServicesArgs {
  readonly stage: StageConfig;
  readonly names: StageNames;
  readonly account: Account;
  readonly deploy: DeployConfig;
  readonly network: {
    vpc: sst.aws.Vpc;
    servicesSecurityGroup: aws.ec2.SecurityGroup;
  };
  readonly queues: readonly TopicQueues[];
  readonly streams: readonly aws.kinesis.FirehoseDeliveryStream[];
  readonly buckets: Buckets;
  readonly catalog: Catalog;
  readonly tables: StateTables;
  readonly glue: GlueJobs;
  readonly redisUrlSecretArn: $util.Input<string>;
  readonly keyArn: $util.Input<string>;
  readonly prometheus?: ManagedPrometheus;
}

export function createServices(args: ServicesArgs) {
  const { stage, names, account, deploy, network, buckets, catalog, keyArn } = args;
  const vpc = network.vpc;
  const cluster = new sst.aws.Cluster('Cluster', {
    // Private subnets and the metrics-only security group instead of SST's public-subnet default.
    vpc: {
      id: vpc.id,
      securityGroups: [network.servicesSecurityGroup.id],
      containerSubnets: vpc.privateSubnets,
      loadBalancerSubnets: vpc.publicSubnets,
      cloudmapNamespaceId: vpc.nodes.cloudmapNamespace.id,
      cloudmapNamespaceName: vpc.nodes.cloudmapNamespace.name,
    },
    transform: {
      // RunningTaskCount (the ingest scaling metric) is a Container Insights metric.
      cluster: (c) => {
        c.settings = [{ name: 'containerInsights', value: 'enabled' }];
        return undefined;
      },
    },
  });

  const wiring: ServiceWiring<$util.Input<string>> = {
    region: account.region,
    metricsPort: deploy.config.metricsPort,
    logLevel: deploy.config.logLevel,
    queuePrefix: names.queuePrefix,
    firehoseStreamPrefix: names.firehoseStreamPrefix,
    quarantineBucket: buckets.quarantine.bucket,
    checkpointsTable: names.tables.checkpoints,
    schemasTable: names.tables.schemas,
    driftTable: names.tables.driftLog,
    curationJob: names.glueJob('curation'),
    semanticJob: names.glueJob('semantic'),
    maintenanceJob: names.glueJob('maintenance'),
    jobResultsUri: args.glue.resultsUri,
    rawDatabase: names.databases.raw,
    curatedDatabase: names.databases.curated,
    semanticDatabase: names.databases.semantic,
    cloudwatchNamespace: stage.cloudwatchNamespace,
    jobMinIntervalSeconds: stage.glue.minRunIntervalSeconds,
    maintenanceIntervalSeconds: stage.maintenance.intervalSeconds,
    maintenanceWindow: stage.maintenance.window,
  };
  const common = { cluster, stage, deploy, prometheus: args.prometheus };
  const writeQuarantine: Statement = {
    sid: 'WriteQuarantine',
    actions: ['s3:PutObject'],
    resources: [$interpolate`${buckets.quarantine.arn}/${QUARANTINE_PREFIX}/*`],
  };

  // Per-topic ARNs: inline for few topics, in managed policies for many (IAM's size quotas).
  const topics = args.queues.map((queue, index) => ({ ...queue, stream: args.streams[index] }));
  const ingestTopics = placeTopicStatements('IngestTaskRole', topics, {
    arns: (t) => [
      longestArn('sqs', names.queue(t.topic)),
      longestArn('sqs', names.dlq(t.topic)),
      longestArn('firehose', names.firehoseStream(t.topic)),
    ],
    statements: (chunk) => [
      consume(
        'ConsumeTopicQueues',
        chunk.map((t) => t.queue.arn),
      ),
      {
        sid: 'SampleDlqDepth',
        actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        resources: chunk.map((t) => t.dlq.arn),
      },
      {
        sid: 'WriteRawRecords',
        actions: ['firehose:PutRecordBatch', 'firehose:PutRecord'],
        resources: chunk.flatMap((t) => (t.stream ? [t.stream.arn] : [])),
      },
    ],
  });
  const dlqTopics = placeTopicStatements('DlqProcessorTaskRole', topics, {
    arns: (t) => [longestArn('sqs', names.queue(t.topic)), longestArn('sqs', names.dlq(t.topic))],
    statements: (chunk) => [
      consume(
        'ConsumeDlqs',
        chunk.map((t) => t.dlq.arn),
      ),
      {
        sid: 'RedriveToTopicQueues',
        actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        resources: chunk.map((t) => t.queue.arn),
      },
    ],
  });

  const ingest = createWorkerService('Ingest', {
    ...common,
    service: 'ingest',
    size: stage.ingest.size,
    scaling: { min: stage.ingest.minTasks, max: stage.ingest.maxTasks },
    environment: serviceEnvironment('ingest', wiring),
    permissions: [
      ...ingestTopics.inline,
      writeQuarantine,
      // IngestBacklog, the metric the ingest scaling policy tracks (stacks/ingest-autoscaling.ts).
      putMetricData(stage.cloudwatchNamespace),
      keyUse('UseStageKey', keyArn),
    ],
  });

  const dlqProcessor = createWorkerService('DlqProcessor', {
    ...common,
    service: 'dlq',
    size: stage.dlqProcessor.size,
    scaling: { min: 1, max: 1 },
    environment: serviceEnvironment('dlq', wiring),
    permissions: [...dlqTopics.inline, writeQuarantine, keyUse('UseStageKey', keyArn)],
  });
  ingestTopics.attachTo(ingest.nodes.taskRole);
  dlqTopics.attachTo(dlqProcessor.nodes.taskRole);

  const lakeMetadata = [names.databases.raw, names.databases.curated];
  const scheduler = createWorkerService('Scheduler', {
    ...common,
    service: 'scheduler',
    size: stage.scheduler.size,
    scaling: { min: 1, max: 1 },
    singleton: true,
    environment: serviceEnvironment('scheduler', wiring),
    secrets: { [REDIS_URL_SECRET_ENV]: args.redisUrlSecretArn },
    executionStatements: [
      { sid: 'ReadRedisUrl', actions: ['secretsmanager:GetSecretValue'], resources: [args.redisUrlSecretArn] },
      {
        sid: 'DecryptRedisUrl',
        actions: ['kms:Decrypt'],
        resources: [keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': $interpolate`secretsmanager.${account.region}.amazonaws.com` },
        },
      },
    ],
    permissions: [
      {
        sid: 'StateTables',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DescribeTable',
        ],
        resources: [args.tables.checkpoints.arn, args.tables.schemas.arn, args.tables.driftLog.arn],
      },
      {
        sid: 'RunLakeJobs',
        actions: ['glue:StartJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:BatchStopJobRun'],
        resources: [args.glue.jobArn('curation'), args.glue.jobArn('semantic'), args.glue.jobArn('maintenance')],
      },
      {
        sid: 'ReadSnapshotsFromCatalog',
        actions: ['glue:GetDatabase', 'glue:GetTable'],
        resources: [
          catalog.catalogArn,
          ...lakeMetadata.flatMap((db) => [catalog.databaseArn(db), catalog.tableArn(db, '*')]),
        ],
      },
      {
        sid: 'ReadIcebergMetadata',
        actions: ['s3:GetObject'],
        resources: lakeMetadata.map((db) => $interpolate`${buckets.warehouse.arn}/${databasePath(db)}/*/metadata/*`),
      },
      {
        sid: 'ReadJobResults',
        actions: ['s3:GetObject'],
        resources: [$interpolate`${buckets.artifacts.arn}/${ARTIFACTS.jobResults}/*`],
      },
      {
        // The batch of topics each Glue run reads (`--batch_uri`): too large for run arguments.
        sid: 'WriteJobBatches',
        actions: ['s3:PutObject'],
        resources: (['curation', 'semantic', 'maintenance'] as const).map(
          (kind) => $interpolate`${buckets.artifacts.arn}/${ARTIFACTS.jobResults}/${kind}/${JOB_BATCH_FOLDER}/*`,
        ),
      },
      putMetricData(stage.cloudwatchNamespace),
      keyUse('UseStageKey', keyArn),
      ...snowflakeKeyRead(deploy, account),
    ],
  });
  grantLakeFormation('SchedulerTaskRole', scheduler.nodes.taskRole.arn, {
    raw: { database: catalog.databases.raw.name, databasePermissions: ['DESCRIBE'], tablePermissions: ['DESCRIBE'] },
    curated: {
      database: catalog.databases.curated.name,
      databasePermissions: ['DESCRIBE'],
      tablePermissions: ['DESCRIBE'],
    },
  });

  return { cluster, ingest, dlqProcessor, scheduler };
}

/**
 * With a Snowflake connection in the config, the scheduler reads the refresh user's private key
 * (`snowflake.connection.privateKeySecret`, a name or an ARN) at each connect. A name matches
 * any of the six random characters Secrets Manager appends to a secret's ARN. A secret under
 * a customer-managed key also needs that key's policy to let the scheduler's role decrypt.
 */
function snowflakeKeyRead(deploy: DeployConfig, account: Account): Statement[] {
  const secret = deploy.config.snowflake?.connection?.privateKeySecret;
  if (secret === undefined) return [];
  const arn = secret.startsWith('arn:') ? secret : account.arn('secretsmanager', `secret:${secret}-??????`);
  return [{ sid: 'ReadSnowflakeKey', actions: ['secretsmanager:GetSecretValue'], resources: [arn] }];
}

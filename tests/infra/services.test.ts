import { INGEST_METRICS } from '@lean-ops/core';
import { readServiceEnvironment } from '@lean-ops/queue-worker';
import { INGEST } from '@lean-ops/worker-ingest';
import { describe, expect, it } from 'vitest';
import { HEALTH_CHECK_COMMAND } from '../../stacks/service-environment';
import { stageConfig } from '../../stacks/stage';
import { actionsOn, containersOf, environmentOf, ofType, one, parsed, roleStatements, workerOf } from './recorded';
import { appRun, FIXTURE_CONFIG, mockArn } from './sst-harness';

const SERVICES = { Ingest: 'ingest', DlqProcessor: 'dlq', Scheduler: 'scheduler' } as const;
const ECS_SERVICE = 'aws:ecs/service:Service';
const TUNED = 'tests/infra/fixtures/tuned.config.json';
const VPC_CIDR = '10.0.0.0/16';

describe('network', () => {
  it.each([
    ['dev', 0, 2],
    ['prod', 2, 0],
  ])(
    '%s: runs the services in private subnets without public IPs (NAT gateways: %i, NAT instances: %i)',
    async (stage, gateways, instances) => {
      const { resources } = await appRun(stage);

      expect(one(resources, 'aws:ec2/vpc:Vpc', 'VpcVpc').inputs.cidrBlock).toBe(VPC_CIDR);
      expect(ofType(resources, 'aws:ec2/natGateway:NatGateway')).toHaveLength(gateways);
      expect(ofType(resources, 'aws:ec2/instance:Instance')).toHaveLength(instances);
      for (const service of ofType(resources, ECS_SERVICE)) {
        expect(service.inputs.networkConfiguration, service.name).toEqual({
          assignPublicIp: false,
          securityGroups: ['ServicesSecurityGroup-id'],
          subnets: ['VpcPrivateSubnet1-id', 'VpcPrivateSubnet2-id'],
        });
      }
    },
  );

  it('admits the metrics port from the VPC only, on the port the config file sets', async () => {
    for (const [config, port] of [
      [FIXTURE_CONFIG, 9464],
      [TUNED, 9100],
    ] as const) {
      const group = one(
        (await appRun('prod', config)).resources,
        'aws:ec2/securityGroup:SecurityGroup',
        'ServicesSecurityGroup',
      );

      expect(group.inputs.ingress).toEqual([
        expect.objectContaining({ protocol: 'tcp', fromPort: port, toPort: port, cidrBlocks: [VPC_CIDR] }),
      ]);
    }
  });

  it('keeps S3 and DynamoDB traffic on gateway endpoints', async () => {
    // Prod also has interface endpoints (its vpcEndpoints switch; tests/infra/operations.test.ts).
    const endpoints = ofType((await appRun('prod')).resources, 'aws:ec2/vpcEndpoint:VpcEndpoint').filter(
      (e) => e.inputs.vpcEndpointType === 'Gateway',
    );

    expect(endpoints.map((e) => [e.inputs.serviceName, e.inputs.vpcEndpointType])).toEqual([
      ['com.amazonaws.eu-west-1.s3', 'Gateway'],
      ['com.amazonaws.eu-west-1.dynamodb', 'Gateway'],
    ]);
  });
});

describe('Fargate services', () => {
  it('runs ingest, the DLQ processor and the scheduler on a cluster with Container Insights', async () => {
    const { resources } = await appRun('prod');

    expect(ofType(resources, ECS_SERVICE).map((s) => s.inputs.name)).toEqual(Object.keys(SERVICES));
    expect(one(resources, 'aws:ecs/cluster:Cluster', 'ClusterCluster').inputs.settings).toEqual([
      { name: 'containerInsights', value: 'enabled' },
    ]);
  });

  it.each(Object.entries(SERVICES))(
    'builds %s from its docker/Dockerfile target with the deploy config',
    async (name, target) => {
      const image = one((await appRun('prod')).resources, 'docker-build:index:Image', `${name}Image${target}`);

      expect(image.inputs).toMatchObject({
        target,
        dockerfile: { location: expect.stringMatching(/\/docker\/Dockerfile$/) },
        buildArgs: { LEAN_OPS_CONFIG_FILE: FIXTURE_CONFIG },
        platforms: ['linux/amd64'],
      });
    },
  );

  it.each(['dev', 'prod'])('%s: sizes each task as the stage says', async (stage) => {
    const { resources } = await appRun(stage);
    const config = stageConfig(stage);
    const size = (name: string) => {
      const { cpu, memory } = one(resources, 'aws:ecs/taskDefinition:TaskDefinition', `${name}Task`).inputs;
      return [cpu, memory];
    };
    const expected = (s: { cpu: string; memory: string }) => [
      String(Number.parseFloat(s.cpu) * 1024),
      String(Number.parseFloat(s.memory) * 1024),
    ];

    expect(size('Ingest')).toEqual(expected(config.ingest.size));
    expect(size('DlqProcessor')).toEqual(expected(config.dlqProcessor.size));
    expect(size('Scheduler')).toEqual(expected(config.scheduler.size));
  });

  it('checks health on /healthz and gives the workers more time to stop than their shutdown budget', async () => {
    for (const [config, stopTimeout] of [
      [FIXTURE_CONFIG, 45],
      [TUNED, 75],
    ] as const) {
      const run = await appRun('prod', config);
      for (const name of Object.keys(SERVICES)) {
        const worker = workerOf(run, name);

        expect(worker.healthCheck?.command, name).toEqual(HEALTH_CHECK_COMMAND);
        expect(worker.stopTimeout, name).toBe(stopTimeout);
      }
    }
  });

  it('never runs two schedulers, not even during a deploy', async () => {
    const { resources } = await appRun('prod');

    expect(one(resources, ECS_SERVICE, 'SchedulerService').inputs).toMatchObject({
      desiredCount: 1,
      deploymentMaximumPercent: 100,
      deploymentMinimumHealthyPercent: 0,
    });
    expect(one(resources, ECS_SERVICE, 'IngestService').inputs).not.toHaveProperty('deploymentMaximumPercent');
  });
});

describe('service environment', () => {
  it('gives ingest what the worker reads, with the Firehose sink and the stage’s names', async () => {
    const env = environmentOf(workerOf(await appRun('prod'), 'Ingest'));

    expect(readServiceEnvironment(INGEST, env)).toEqual({
      sink: 'firehose',
      queuePrefix: 'lean-ops-prod-',
      firehoseStreamPrefix: 'lean-ops-prod-raw-',
      quarantineBucket: 'quarantinebucket-mock',
      quarantinePrefix: 'quarantine',
      cloudwatchNamespace: 'LeanOps',
      region: 'eu-west-1',
    });
    expect(env).toMatchObject({
      LEAN_OPS_CONFIG: '/app/lean-ops.config.json',
      LEAN_OPS_METRICS_PORT: '9464',
      LEAN_OPS_LOG_LEVEL: 'info',
    });
  });

  it('takes the metrics port and log level from the config file', async () => {
    const env = environmentOf(workerOf(await appRun('prod', TUNED), 'DlqProcessor'));

    expect(env).toMatchObject({ LEAN_OPS_METRICS_PORT: '9100', LEAN_OPS_LOG_LEVEL: 'debug' });
  });

  it('points the scheduler at the tables, jobs, databases, results and namespace of the stage', async () => {
    const env = environmentOf(workerOf(await appRun('dev'), 'Scheduler'));

    expect(env).toMatchObject({
      LEAN_OPS_RUNNER: 'glue',
      LEAN_OPS_CHECKPOINTS_TABLE: 'lean-ops-dev-checkpoints',
      LEAN_OPS_SCHEMAS_TABLE: 'lean-ops-dev-schemas',
      LEAN_OPS_DRIFT_TABLE: 'lean-ops-dev-drift_log',
      LEAN_OPS_GLUE_CURATION_JOB: 'lean-ops-dev-curation',
      LEAN_OPS_GLUE_SEMANTIC_JOB: 'lean-ops-dev-semantic',
      LEAN_OPS_JOB_RESULTS_URI: 's3://artifactsbucket-mock/job-results',
      LEAN_OPS_RAW_DATABASE: 'lean_ops_dev_raw',
      LEAN_OPS_CURATED_DATABASE: 'lean_ops_dev_curated',
      LEAN_OPS_SEMANTIC_DATABASE: 'lean_ops_dev_semantic',
      LEAN_OPS_CLOUDWATCH_NAMESPACE: 'LeanOps/dev',
      LEAN_OPS_JOB_MIN_INTERVAL_SECONDS: '600',
      LEAN_OPS_GLUE_MAINTENANCE_JOB: 'lean-ops-dev-maintenance',
      LEAN_OPS_MAINTENANCE_INTERVAL_SECONDS: '86400',
    });
  });

  it('hands the scheduler its Redis URL as a secret only its execution role can read', async () => {
    const run = await appRun('prod');
    const secretArn = mockArn('aws:secretsmanager/secret:Secret', 'RedisUrlSecret');
    const scheduler = workerOf(run, 'Scheduler');

    expect(scheduler.secrets).toEqual([{ name: 'LEAN_OPS_REDIS_URL', valueFrom: secretArn }]);
    expect(JSON.stringify(scheduler.environment)).not.toContain('rediss://');
    expect(actionsOn(roleStatements(run.resources, 'SchedulerExecutionRole'), secretArn)).toEqual([
      'secretsmanager:GetSecretValue',
    ]);
    for (const role of ['IngestExecutionRole', 'DlqProcessorExecutionRole']) {
      expect(roleStatements(run.resources, role), role).toEqual([]);
    }
  });
});

describe('task roles', () => {
  it('let ingest consume the topic queues, write the streams and the quarantine, and nothing of the scheduler’s', async () => {
    const { resources } = await appRun('prod');
    const ingest = roleStatements(resources, 'IngestTaskRole');
    const stream = mockArn('aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream', 'firehose-telemetry');

    expect(actionsOn(ingest, stream)).toEqual(['firehose:PutRecordBatch', 'firehose:PutRecord']);
    expect(actionsOn(ingest, mockArn('aws:sqs/queue:Queue', 'topic-alerts-queue'))).toContain('sqs:DeleteMessage');
    expect(actionsOn(ingest, mockArn('aws:sqs/queue:Queue', 'topic-alerts-dlq'))).not.toContain('sqs:DeleteMessage');
    expect(actionsOn(ingest, `${mockArn('aws:s3/bucket:Bucket', 'QuarantineBucket')}/quarantine/*`)).toEqual([
      's3:PutObject',
    ]);
    expect(JSON.stringify(ingest)).not.toMatch(/dynamodb|glue:/);
  });

  it('let the DLQ processor consume the DLQs and send back to the topic queues only', async () => {
    const dlq = roleStatements((await appRun('prod')).resources, 'DlqProcessorTaskRole');

    expect(actionsOn(dlq, mockArn('aws:sqs/queue:Queue', 'topic-telemetry-dlq'))).toContain('sqs:ReceiveMessage');
    expect(actionsOn(dlq, mockArn('aws:sqs/queue:Queue', 'topic-telemetry-queue'))).toEqual([
      'sqs:SendMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
    ]);
  });

  it('let the scheduler run the curation and semantic jobs and use the three state tables', async () => {
    const scheduler = roleStatements((await appRun('prod')).resources, 'SchedulerTaskRole');
    const job = (kind: string) => `arn:aws:glue:eu-west-1:123456789012:job/lean-ops-prod-${kind}`;

    expect(actionsOn(scheduler, job('curation'))).toContain('glue:StartJobRun');
    expect(actionsOn(scheduler, job('semantic'))).toContain('glue:GetJobRun');
    expect(actionsOn(scheduler, job('maintenance'))).toEqual(
      expect.arrayContaining(['glue:StartJobRun', 'glue:GetJobRun']),
    );
    expect(actionsOn(scheduler, job('bootstrap'))).toEqual([]);
    for (const table of ['checkpointsTable', 'schemasTable', 'driftLogTable']) {
      expect(actionsOn(scheduler, mockArn('aws:dynamodb/table:Table', table))).toContain('dynamodb:UpdateItem');
    }
    // Each run's batch of topics (--batch_uri), and the results the jobs write.
    const results = `${mockArn('aws:s3/bucket:Bucket', 'ArtifactsBucket')}/job-results`;
    expect(actionsOn(scheduler, `${results}/curation/requests/*`)).toEqual(['s3:PutObject']);
    expect(actionsOn(scheduler, `${results}/maintenance/requests/*`)).toEqual(['s3:PutObject']);
    expect(actionsOn(scheduler, `${results}/semantic/requests/*`)).toEqual(['s3:PutObject']);
    expect(actionsOn(scheduler, `${results}/*`)).toEqual(['s3:GetObject']);
  });
});

describe('Prometheus', () => {
  it('registers every service in Cloud Map with an SRV record on the metrics port', async () => {
    const run = await appRun('prod', TUNED);
    const discovery = ofType(run.resources, 'aws:servicediscovery/service:Service');

    expect(discovery.map((d) => d.inputs.name)).toEqual(Object.keys(SERVICES).map((name) => `${name}.prod.lean-ops`));
    for (const record of discovery) {
      expect(record.inputs.dnsConfig).toMatchObject({ dnsRecords: [{ type: 'SRV' }, { type: 'A' }] });
    }
    for (const service of ofType(run.resources, ECS_SERVICE)) {
      expect(service.inputs.serviceRegistries, service.name).toMatchObject({ port: 9100 });
    }
    expect(run.outputs.metricsTargets).toEqual({
      ingest: 'Ingest.prod.lean-ops.sst',
      dlqProcessor: 'DlqProcessor.prod.lean-ops.sst',
      scheduler: 'Scheduler.prod.lean-ops.sst',
    });
  });

  it('adds an ADOT sidecar remote-writing to Amazon Managed Prometheus in prod, not in dev', async () => {
    const prod = await appRun('prod');
    const workspace = mockArn('aws:amp/workspace:Workspace', 'PrometheusWorkspace');

    for (const name of Object.keys(SERVICES)) {
      const [, sidecar] = containersOf(prod, name);
      const config = sidecar?.environment.find((e) => e.name === 'AOT_CONFIG_CONTENT')?.value ?? '';

      expect(sidecar?.image, name).toMatch(/^public\.ecr\.aws\/aws-observability\/aws-otel-collector:v/);
      expect(config).toContain("targets: ['127.0.0.1:9464']");
      expect(config).toContain(
        'endpoint: https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-mock/api/v1/remote_write',
      );
      expect(actionsOn(roleStatements(prod.resources, `${name}TaskRole`), workspace)).toEqual(['aps:RemoteWrite']);
    }
    const dev = await appRun('dev');
    expect(ofType(dev.resources, 'aws:amp/workspace:Workspace')).toEqual([]);
    for (const name of Object.keys(SERVICES)) expect(containersOf(dev, name), name).toHaveLength(1);
  });
});

describe('Redis for BullMQ', () => {
  it.each([
    ['dev', 1, false],
    ['prod', 2, true],
  ])(
    '%s: Valkey with noeviction, TLS, KMS at rest, %i node(s), failover %s, reachable from the services only',
    async (stage, nodes, failover) => {
      const { resources } = await appRun(stage);

      expect(one(resources, 'aws:elasticache/replicationGroup:ReplicationGroup', 'RedisCluster').inputs).toMatchObject({
        engine: 'valkey',
        clusterMode: 'disabled',
        transitEncryptionEnabled: true,
        atRestEncryptionEnabled: true,
        kmsKeyId: mockArn('aws:kms/key:Key', 'StageKey'),
        numCacheClusters: nodes,
        automaticFailoverEnabled: failover,
        multiAzEnabled: failover,
        securityGroupIds: ['RedisSecurityGroup-id'],
      });
      expect(
        one(resources, 'aws:elasticache/parameterGroup:ParameterGroup', 'RedisParameterGroup').inputs.parameters,
      ).toEqual(
        expect.arrayContaining([
          { name: 'maxmemory-policy', value: 'noeviction' },
          { name: 'cluster-enabled', value: 'no' },
        ]),
      );
      expect(one(resources, 'aws:ec2/securityGroup:SecurityGroup', 'RedisSecurityGroup').inputs.ingress).toEqual([
        expect.objectContaining({ fromPort: 6379, toPort: 6379, securityGroups: ['ServicesSecurityGroup-id'] }),
      ]);
    },
  );

  it('stores a rediss:// URL with the token URL-encoded', async () => {
    const version = one(
      (await appRun('prod')).resources,
      'aws:secretsmanager/secretVersion:SecretVersion',
      'RedisUrlSecretVersion',
    );

    expect(version.inputs.secretString).toBe('rediss://default:mock!token%26%23@RedisCluster.cache.mock:6379');
  });
});

describe('ingest autoscaling', () => {
  it.each(['dev', 'prod'])(
    '%s: tracks the backlog ingest publishes per running task, within the stage’s bounds',
    async (stage) => {
      const { resources } = await appRun(stage);
      const config = stageConfig(stage);
      const target = one(resources, 'aws:appautoscaling/target:Target', 'IngestAutoScalingTarget').inputs;
      const policies = ofType(resources, 'aws:appautoscaling/policy:Policy');
      const [policy] = policies;

      expect(target).toMatchObject({ minCapacity: config.ingest.minTasks, maxCapacity: config.ingest.maxTasks });
      // The backlog policy only: no CPU or memory policies competing with it.
      expect(policies.map((p) => p.name)).toEqual(['IngestBacklogPerTaskPolicy']);
      expect(policy?.inputs).toMatchObject({
        policyType: 'TargetTrackingScaling',
        resourceId: target.resourceId,
        scalableDimension: 'ecs:service:DesiredCount',
        targetTrackingScalingPolicyConfiguration: {
          targetValue: config.ingest.backlogPerTaskTarget,
          customizedMetricSpecification: {
            metrics: [
              {
                id: 'backlog',
                metricStat: {
                  stat: 'Average',
                  metric: {
                    namespace: config.cloudwatchNamespace,
                    metricName: INGEST_METRICS.backlog,
                    dimensions: [{ name: 'Service', value: 'ingest' }],
                  },
                },
              },
              {
                id: 'tasks',
                metricStat: {
                  stat: 'Average',
                  metric: {
                    namespace: 'ECS/ContainerInsights',
                    metricName: 'RunningTaskCount',
                    dimensions: [
                      { name: 'ClusterName', value: expect.any(String) },
                      { name: 'ServiceName', value: 'Ingest' },
                    ],
                  },
                },
              },
              { id: 'backlog_per_task', expression: 'backlog / tasks', returnData: true },
            ],
          },
        },
      });
    },
  );

  it('keeps the DLQ processor and the scheduler at one task', async () => {
    const { resources } = await appRun('prod');

    for (const name of ['DlqProcessor', 'Scheduler']) {
      expect(one(resources, 'aws:appautoscaling/target:Target', `${name}AutoScalingTarget`).inputs).toMatchObject({
        minCapacity: 1,
        maxCapacity: 1,
      });
    }
    expect(
      parsed<unknown[]>(
        one(resources, 'aws:ecs/taskDefinition:TaskDefinition', 'IngestTask').inputs.containerDefinitions,
      ),
    ).toHaveLength(2);
  });
});

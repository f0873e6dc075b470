import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiRequests, sqsAttributesOutOfRange, sqsQueueRequests } from './api-requests';
import { loadServiceModel, validateRequest } from './botocore-model';
import {
  invalidFargateTasks,
  invalidGlueJobs,
  metricMathOverLimit,
  oversizedPolicies,
  rawTableFormatVersion,
  sharedContainerPorts,
} from './guardrails';
import { ofType } from './recorded';
import { type AppRun, appRun, type RecordedResource, ROOT } from './sst-harness';

const STAGES = ['dev', 'staging', 'prod'] as const;

function planted(type: string, name: string, inputs: Record<string, unknown>): RecordedResource {
  return { type, name, inputs, retainOnDelete: undefined, protect: undefined };
}

/** Every problem botocore's models find in the requests of `resources`. */
function modelProblems(resources: readonly RecordedResource[]): string[] {
  return apiRequests(resources).flatMap(({ service, operation, requests }) => {
    const model = loadServiceModel(service);
    return requests.flatMap(({ label, request }) => validateRequest(model, operation, request, label));
  });
}

/** A recorded resource of `run` with some inputs replaced: a planted violation beside the real ones. */
function mutated(run: AppRun, type: string, change: (inputs: Record<string, unknown>) => Record<string, unknown>) {
  const original = ofType(run.resources, type)[0];
  if (!original) throw new Error(`no ${type} recorded`);
  return planted(type, `Planted${original.name}`, change(structuredClone(original.inputs)));
}

describe.each(STAGES)('%s: AWS limits', (stage) => {
  it('keeps metric math within 10 metrics, IAM policies within their quotas, Fargate tasks and Glue jobs valid', async () => {
    const { resources } = await appRun(stage);

    expect(ofType(resources, 'aws:ecs/taskDefinition:TaskDefinition')).toHaveLength(3);
    expect(metricMathOverLimit(resources)).toEqual([]);
    expect(oversizedPolicies(resources)).toEqual([]);
    expect(invalidFargateTasks(resources)).toEqual([]);
    expect(sharedContainerPorts(resources)).toEqual([]);
    expect(invalidGlueJobs(resources)).toEqual([]);
  });

  it('sends requests botocore’s models accept: Firehose, Glue, ECS, SQS, DynamoDB, CloudWatch alarms', async () => {
    const { resources } = await appRun(stage);
    const requests = apiRequests(resources);

    for (const { service, requests: list } of requests) expect(list.length, service).toBeGreaterThan(0);
    expect(modelProblems(resources)).toEqual([]);
    expect(sqsAttributesOutOfRange(sqsQueueRequests(resources))).toEqual([]);
  });
});

it('creates the RAW table as Iceberg format version 2, the only one Firehose writes', () => {
  expect(rawTableFormatVersion(readFileSync(join(ROOT, 'jobs', 'sql', 'iceberg_ddl_raw.sql'), 'utf8'))).toEqual([]);
});

// Each check is shown to catch what it exists for: the real run plus one planted bad resource.
describe('the limit checks catch what they look for', () => {
  it('flags metric math over 11 metrics, in an alarm and in a scaling policy', async () => {
    const run = await appRun('prod');
    const eleven = Array.from({ length: 11 }, (_, i) => ({ id: `m${i}`, metricStat: { stat: 'Sum' } }));
    const resources = [
      ...run.resources,
      planted('aws:cloudwatch/metricAlarm:MetricAlarm', 'WideAlarm', {
        metricQueries: [...eleven.map(({ id }) => ({ id, metric: {} })), { id: 'e', expression: 'SUM(METRICS())' }],
      }),
      mutated(run, 'aws:appautoscaling/policy:Policy', (inputs) => ({
        ...inputs,
        targetTrackingScalingPolicyConfiguration: { customizedMetricSpecification: { metrics: eleven } },
      })),
    ];

    expect(metricMathOverLimit(resources)).toEqual([
      'WideAlarm: metric math over 11 metrics (CloudWatch allows 10)',
      'PlantedIngestBacklogPerTaskPolicy: metric math over 11 metrics (CloudWatch allows 10)',
    ]);
  });

  it('flags a role whose inline policies together exceed 10,240 characters, and a managed policy over 6,144', async () => {
    const run = await appRun('prod');
    const statement = (i: number) => ({
      Sid: `S${i}`,
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: `arn:aws:sqs:eu-west-1:123456789012:lean-ops-prod-topic-${String(i).padStart(4, '0')}`,
    });
    const policy = (from: number, count: number) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: Array.from({ length: count }, (_, i) => statement(from + i)),
      });
    const resources = [
      ...run.resources,
      // Two inline policies, each under the quota, over it together.
      planted('aws:iam/role:Role', 'BigRole', {
        inlinePolicies: [
          { name: 'a', policy: policy(0, 60) },
          { name: 'b', policy: policy(60, 60) },
        ],
      }),
      planted('aws:iam/policy:Policy', 'BigManaged', { policy: policy(0, 70) }),
      ...Array.from({ length: 11 }, (_, i) =>
        planted('aws:iam/rolePolicyAttachment:RolePolicyAttachment', `Attach${i}`, {
          role: 'ManyRole',
          policyArn: 'x',
        }),
      ),
    ];

    expect(oversizedPolicies(resources)).toEqual([
      'ManyRole: 11 managed policies (IAM allows 10)',
      expect.stringMatching(/^BigRole: inline policies of \d+ characters \(IAM allows 10240\)$/),
      expect.stringMatching(/^BigManaged: managed policy of \d+ characters \(IAM allows 6144\)$/),
    ]);
  });

  it('flags a cpu/memory pair Fargate has no size for, a stop timeout above 120 s and two containers on one port', async () => {
    const run = await appRun('prod');
    const resources = [
      ...run.resources,
      mutated(run, 'aws:ecs/taskDefinition:TaskDefinition', (inputs) => {
        const containers = JSON.parse(String(inputs.containerDefinitions)) as Record<string, unknown>[];
        // SST's default: every container maps 1-65535.
        const sstDefault = containers.map((c) => ({
          ...c,
          stopTimeout: 121,
          portMappings: [{ containerPortRange: '1-65535' }],
        }));
        return { ...inputs, cpu: '256', memory: '4096', containerDefinitions: JSON.stringify(sstDefault) };
      }),
    ];

    expect(invalidFargateTasks(resources)).toEqual([
      'PlantedIngestTask: Fargate has no 256 CPU / 4096 MiB size',
      'PlantedIngestTask/ingest: stopTimeout 121 s (Fargate allows 120)',
      'PlantedIngestTask/adot-collector: stopTimeout 121 s (Fargate allows 120)',
    ]);
    expect(sharedContainerPorts(resources)).toEqual([
      'PlantedIngestTask: containers ingest and adot-collector both map ports 1-65535',
    ]);
  });

  it('flags an unsupported Glue version, a worker type Glue 5 Spark does not run, one worker and the Glue 4 logging flag', async () => {
    const run = await appRun('prod');
    const resources = [
      ...run.resources,
      mutated(run, 'aws:glue/job:Job', (inputs) => ({
        ...inputs,
        glueVersion: '4.0',
        workerType: 'G.025X',
        numberOfWorkers: 1,
        defaultArguments: { ...(inputs.defaultArguments as object), '--enable-continuous-cloudwatch-log': 'true' },
      })),
    ];

    expect(invalidGlueJobs(resources)).toEqual([
      'PlantedbootstrapJob: Glue version 4.0',
      'PlantedbootstrapJob: worker type G.025X',
      'PlantedbootstrapJob: 1 workers (Spark jobs need 2)',
      'PlantedbootstrapJob: --enable-continuous-cloudwatch-log is a Glue ≤ 4 argument',
    ]);
  });

  it('flags Flex where Glue refuses it: other worker types, Glue < 3, a job that is not glueetl', async () => {
    const run = await appRun('dev');
    const flex = run.resources.filter((r) => r.type === 'aws:glue/job:Job' && r.inputs.executionClass === 'FLEX');
    const resources = [
      mutated(run, 'aws:glue/job:Job', (inputs) => ({
        ...inputs,
        executionClass: 'FLEX',
        workerType: 'G.4X',
        glueVersion: '2.0',
        command: { ...(inputs.command as object), name: 'pythonshell' },
      })),
    ];

    // dev runs curation, semantic and maintenance on Flex, within Glue's rules.
    expect(flex.map((r) => r.name).sort()).toEqual(['curationJob', 'maintenanceJob', 'semanticJob']);
    expect(invalidGlueJobs(run.resources)).toEqual([]);
    expect(invalidGlueJobs(resources)).toEqual(
      expect.arrayContaining([
        'PlantedbootstrapJob: FLEX on worker type G.4X',
        'PlantedbootstrapJob: FLEX on Glue 2.0',
        'PlantedbootstrapJob: FLEX on a pythonshell job',
      ]),
    );
  });

  it('flags a RAW DDL without format version 2', () => {
    expect(rawTableFormatVersion("TBLPROPERTIES ('format-version' = '3')")).toEqual([
      'RAW DDL: format-version 3 (Firehose writes version 2 only)',
    ]);
    expect(rawTableFormatVersion('USING iceberg')).toEqual([
      "RAW DDL: no 'format-version' (the engine's default may not be 2)",
    ]);
  });

  it('flags requests botocore’s models refuse, in each of the six APIs', async () => {
    const run = await appRun('prod');
    const resources = [
      mutated(run, 'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream', (inputs) => ({
        ...inputs,
        name: 'has spaces',
        icebergConfiguration: {
          ...(inputs.icebergConfiguration as object),
          bufferingInterval: 901,
          bufferingSize: 129,
          retryDuration: 7201,
        },
      })),
      mutated(run, 'aws:glue/job:Job', (inputs) => ({ ...inputs, workerType: 'G.3X', timeout: 0, glueVersion: '5' })),
      mutated(run, 'aws:ecs/taskDefinition:TaskDefinition', (inputs) => ({
        ...inputs,
        networkMode: 'vpc',
        requiresCompatibilities: ['LAMBDA'],
      })),
      mutated(run, 'aws:dynamodb/table:Table', (inputs) => ({
        ...inputs,
        billingMode: 'ON_DEMAND',
        attributes: [{ name: 'topic', type: 'STRING' }],
      })),
      mutated(run, 'aws:cloudwatch/metricAlarm:MetricAlarm', (inputs) => ({
        ...inputs,
        comparisonOperator: 'Above',
        statistic: 'Median',
        evaluationPeriods: 0,
      })),
    ];

    expect(modelProblems(resources)).toEqual([
      expect.stringMatching(/DeliveryStreamName: "has spaces" does not match/),
      expect.stringMatching(/BufferingHints.IntervalInSeconds: value 901 > max 900$/),
      expect.stringMatching(/BufferingHints.SizeInMBs: value 129 > max 128$/),
      expect.stringMatching(/RetryOptions.DurationInSeconds: value 7201 > max 7200$/),
      expect.stringMatching(/Timeout: value 0 < min 1$/),
      expect.stringMatching(/GlueVersion: "5" does not match/),
      expect.stringMatching(/WorkerType: "G.3X" is not one of/),
      expect.stringMatching(/networkMode: "vpc" is not one of bridge, host, awsvpc, none$/),
      expect.stringMatching(/requiresCompatibilities\[0\]: "LAMBDA" is not one of/),
      expect.stringMatching(/BillingMode: "ON_DEMAND" is not one of PROVISIONED, PAY_PER_REQUEST$/),
      expect.stringMatching(/AttributeDefinitions\[0\].AttributeType: "STRING" is not one of S, N, B$/),
      expect.stringMatching(/Statistic: "Median" is not one of/),
      expect.stringMatching(/EvaluationPeriods: value 0 < min 1$/),
      expect.stringMatching(/ComparisonOperator: "Above" is not one of/),
    ]);
    const queue = mutated(run, 'aws:sqs/queue:Queue', (inputs) => ({
      ...inputs,
      messageRetentionSeconds: 30,
      receiveWaitTimeSeconds: 21,
    }));
    expect(sqsAttributesOutOfRange(sqsQueueRequests([queue]))).toEqual([
      'Queue Plantedtopic-telemetry-dlq.Attributes.MessageRetentionPeriod: 30 outside 60–1209600',
      'Queue Plantedtopic-telemetry-dlq.Attributes.ReceiveMessageWaitTimeSeconds: 21 outside 0–20',
    ]);
    expect(
      validateRequest(loadServiceModel('sqs'), 'CreateQueue', { QueueName: 'q', Attributes: { Retention: '1' } }, 'q'),
    ).toEqual([expect.stringMatching(/q.Attributes\{Retention\}: "Retention" is not one of/)]);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import {
  broadStatements,
  exposedBuckets,
  identityPolicies,
  internetIngress,
  unencrypted,
  unexpectedManagedPolicies,
  unretainedData,
} from './guardrails';
import { ofType } from './recorded';
import { type AppRun, type RecordedResource, runAppUnderMocks } from './sst-harness';

const METRICS_PORT = 9464;

/** A recorded resource for planting into a real run. */
function planted(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  retainOnDelete?: boolean,
): RecordedResource {
  return { type, name, inputs, retainOnDelete, protect: undefined };
}

const runs: Record<'dev' | 'prod', AppRun | undefined> = { dev: undefined, prod: undefined };

function run(stage: 'dev' | 'prod'): AppRun {
  const result = runs[stage];
  if (!result) throw new Error(`${stage} did not run`);
  return result;
}

beforeAll(async () => {
  runs.prod = await runAppUnderMocks('prod');
  runs.dev = await runAppUnderMocks('dev');
});

describe.each(['dev', 'prod'] as const)('%s stage guardrails', (stage) => {
  it('names specific actions and resources in every IAM statement (no "*" on data resources)', () => {
    const policies = identityPolicies(run(stage).resources);

    // Task roles of the three services, their execution roles, three Glue jobs, a delivery stream per topic.
    expect(policies.length).toBeGreaterThanOrEqual(3 + 1 + 3 + 2);
    expect(broadStatements(policies)).toEqual([]);
    expect(unexpectedManagedPolicies(run(stage).resources)).toEqual([]);
  });

  it('encrypts every queue, bucket, table, delivery stream and topic with KMS', () => {
    const { resources } = run(stage);

    expect(ofType(resources, 'aws:sqs/queue:Queue')).toHaveLength(4);
    expect(ofType(resources, 'aws:s3/bucket:Bucket')).toHaveLength(4);
    expect(ofType(resources, 'aws:dynamodb/table:Table')).toHaveLength(3);
    expect(ofType(resources, 'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream')).toHaveLength(2);
    expect(unencrypted(resources)).toEqual([]);
  });

  it('blocks public access and plain HTTP on every bucket', () => {
    expect(exposedBuckets(run(stage).resources)).toEqual([]);
  });

  it('opens no port, the metrics port included, to the internet', () => {
    const { resources } = run(stage);

    expect(internetIngress(resources, METRICS_PORT)).toEqual([]);
    expect(internetIngress(resources, 22)).toEqual([]);
  });
});

describe('removal', () => {
  it('retains every bucket, table, queue, catalog database and the key in prod', () => {
    const { resources } = run('prod');

    expect(unretainedData(resources)).toEqual([]);
    expect(ofType(resources, 'aws:glue/catalogDatabase:CatalogDatabase')).toHaveLength(3);
    expect(ofType(resources, 'aws:kms/key:Key')).toHaveLength(1);
  });

  it('protects prod state tables against deletion, with point-in-time recovery', () => {
    for (const table of ofType(run('prod').resources, 'aws:dynamodb/table:Table')) {
      expect(table.inputs, table.name).toMatchObject({
        deletionProtectionEnabled: true,
        pointInTimeRecovery: { enabled: true },
      });
    }
  });

  it('lets dev remove everything: nothing retained, buckets emptied on removal', () => {
    const { resources } = run('dev');

    expect(unretainedData(resources).length).toBe(
      [
        'aws:s3/bucket:Bucket',
        'aws:dynamodb/table:Table',
        'aws:sqs/queue:Queue',
        'aws:glue/catalogDatabase:CatalogDatabase',
        'aws:kms/key:Key',
      ]
        .map((type) => ofType(resources, type).length)
        .reduce((a, b) => a + b),
    );
    for (const bucket of ofType(resources, 'aws:s3/bucket:Bucket')) expect(bucket.inputs.forceDestroy).toBe(true);
    for (const bucket of ofType(run('prod').resources, 'aws:s3/bucket:Bucket'))
      expect(bucket.inputs.forceDestroy).toBe(false);
  });
});

// Each check is shown to catch what it exists for: the real run plus one planted bad resource.
describe('the checks catch what they look for', () => {
  it('flags a "*" resource on a data action, a wildcard action and an unconditioned PutMetricData', () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadAnything', Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' },
        { Sid: 'AllOfSqs', Effect: 'Allow', Action: 'sqs:*', Resource: ['arn:aws:sqs:eu-west-1:1:q'] },
        { Sid: 'AnyNamespace', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*' },
        { Sid: 'RefusalsAreFine', Effect: 'Deny', Action: '*', Resource: '*' },
      ],
    });
    const resources = [
      ...run('prod').resources,
      planted('aws:iam/rolePolicy:RolePolicy', 'Planted', { policy }),
      planted('aws:iam/role:Role', 'PlantedAdmin', {
        managedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      }),
    ];

    expect(broadStatements(identityPolicies(resources))).toEqual([
      'Planted/ReadAnything: s3:GetObject on resource "*"',
      'Planted/AllOfSqs: wildcard action sqs:*',
      'Planted/AnyNamespace: cloudwatch:PutMetricData without a cloudwatch:namespace condition',
    ]);
    expect(unexpectedManagedPolicies(resources)).toEqual(['PlantedAdmin: arn:aws:iam::aws:policy/AdministratorAccess']);
  });

  it('flags an unencrypted queue, bucket, table, stream and topic', () => {
    const resources = [
      ...run('prod').resources,
      planted('aws:sqs/queue:Queue', 'PlainQueue', { name: 'plain' }),
      planted('aws:s3/bucket:Bucket', 'PlainBucket', {}),
      planted('aws:dynamodb/table:Table', 'PlainTable', { serverSideEncryption: { enabled: true } }),
      planted('aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream', 'PlainStream', {
        serverSideEncryption: { enabled: true, keyType: 'AWS_OWNED_CMK' },
      }),
      planted('aws:sns/topic:Topic', 'PlainTopic', {}),
    ];

    expect(unencrypted(resources)).toEqual([
      'aws:sqs/queue:Queue PlainQueue',
      'aws:s3/bucket:Bucket PlainBucket',
      'aws:dynamodb/table:Table PlainTable',
      'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream PlainStream',
      'aws:sns/topic:Topic PlainTopic',
    ]);
    expect(exposedBuckets(resources)).toEqual([
      'PlainBucket: public access not fully blocked',
      'PlainBucket: no TLS-only bucket policy',
    ]);
  });

  it('flags the metrics port open to 0.0.0.0/0, in a group or as a rule, and all-traffic rules', () => {
    const resources = [
      ...run('prod').resources,
      planted('aws:ec2/securityGroup:SecurityGroup', 'OpenMetrics', {
        ingress: [{ protocol: 'tcp', fromPort: 9000, toPort: 9999, cidrBlocks: ['0.0.0.0/0'] }],
      }),
      planted('aws:ec2/securityGroup:SecurityGroup', 'OpenEverything', {
        ingress: [{ protocol: '-1', fromPort: 0, toPort: 0, ipv6CidrBlocks: ['::/0'] }],
      }),
      planted('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', 'OpenRule', {
        ipProtocol: 'tcp',
        fromPort: METRICS_PORT,
        toPort: METRICS_PORT,
        cidrIpv4: '0.0.0.0/0',
      }),
      planted('aws:ec2/securityGroup:SecurityGroup', 'OtherPortOnly', {
        ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'] }],
      }),
    ];

    expect(internetIngress(resources, METRICS_PORT)).toEqual([
      'OpenMetrics: tcp 9000-9999 from anywhere',
      'OpenEverything: -1 0-0 from anywhere',
      'OpenRule: tcp 9464-9464 from anywhere',
    ]);
  });

  it('flags a prod data resource that would be deleted with the stage', () => {
    const resources = [
      ...run('prod').resources,
      planted('aws:sqs/queue:Queue', 'Forgotten', { kmsMasterKeyId: 'k' }, false),
      planted('aws:glue/catalogDatabase:CatalogDatabase', 'Unset', {}),
    ];

    expect(unretainedData(resources)).toEqual([
      'aws:sqs/queue:Queue Forgotten',
      'aws:glue/catalogDatabase:CatalogDatabase Unset',
    ]);
  });
});

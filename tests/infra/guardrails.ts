/**
 * Checks over recorded resources that every stage must pass: least-privilege IAM, encryption
 * at rest, no internet ingress to the metrics port, data retained in prod. Each returns the
 * violations it found (empty when none), so a test can show them and a planted bad resource
 * can prove the check catches it.
 */
import { asList, ofType, type PolicyDocument, parsed } from './recorded';
import type { RecordedResource } from './sst-harness';

type Resources = readonly RecordedResource[];

/**
 * Actions IAM cannot scope to a resource: `*` is their only possible resource. Nothing else may
 * use `*`. PutMetricData must then be pinned to a namespace by a condition.
 */
export const NO_RESOURCE_LEVEL_ACTIONS: ReadonlySet<string> = new Set([
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'cloudwatch:PutMetricData',
  'lakeformation:GetDataAccess',
]);

/** AWS managed policies a role may carry: ECS's execution policy (image pull, log writes; no data). */
export const ALLOWED_MANAGED_POLICIES: ReadonlySet<string> = new Set([
  'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
  // SST's NAT instance (dev and staging): Session Manager access to the instance, no data.
  'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
]);

export interface OwnedPolicy {
  readonly owner: string;
  readonly document: PolicyDocument;
}

/** The identity policies of every role: inline policies, role policies and standalone policies. */
export function identityPolicies(resources: Resources): OwnedPolicy[] {
  const inline = ofType(resources, 'aws:iam/role:Role').flatMap((role) =>
    ((role.inputs.inlinePolicies as { policy?: string }[] | undefined) ?? [])
      .filter((p) => p.policy !== undefined)
      .map((p) => ({ owner: role.name, document: parsed<PolicyDocument>(p.policy) })),
  );
  const attached = [
    ...ofType(resources, 'aws:iam/rolePolicy:RolePolicy'),
    ...ofType(resources, 'aws:iam/policy:Policy'),
  ].map((p) => ({ owner: p.name, document: parsed<PolicyDocument>(p.inputs.policy) }));
  return [...inline, ...attached];
}

/** Allow statements that are broader than named actions on named resources. */
export function broadStatements(policies: readonly OwnedPolicy[]): string[] {
  return policies.flatMap(({ owner, document }) =>
    document.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => {
      const where = `${owner}${s.Sid ? `/${s.Sid}` : ''}`;
      const actions = asList(s.Action);
      const problems = actions.filter((a) => a.includes('*')).map((a) => `${where}: wildcard action ${a}`);
      if (asList(s.Resource).includes('*')) {
        for (const action of actions.filter((a) => !NO_RESOURCE_LEVEL_ACTIONS.has(a))) {
          problems.push(`${where}: ${action} on resource "*"`);
        }
        if (actions.includes('cloudwatch:PutMetricData') && !s.Condition?.StringEquals?.['cloudwatch:namespace']) {
          problems.push(`${where}: cloudwatch:PutMetricData without a cloudwatch:namespace condition`);
        }
      }
      return problems;
    }),
  );
}

/** Managed policies outside {@link ALLOWED_MANAGED_POLICIES}. */
export function unexpectedManagedPolicies(resources: Resources): string[] {
  return ofType(resources, 'aws:iam/role:Role').flatMap((role) =>
    ((role.inputs.managedPolicyArns as string[] | undefined) ?? [])
      .filter((arn) => !ALLOWED_MANAGED_POLICIES.has(arn))
      .map((arn) => `${role.name}: ${arn}`),
  );
}

/** Queues, buckets, tables, streams, topics and secrets not encrypted with a KMS key. */
export function unencrypted(resources: Resources): string[] {
  const kmsEncryptedBuckets = new Set(
    ofType(resources, 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration')
      .filter((c) =>
        (
          c.inputs.rules as {
            applyServerSideEncryptionByDefault?: { sseAlgorithm?: string; kmsMasterKeyId?: string };
          }[]
        ).some(
          (r) =>
            r.applyServerSideEncryptionByDefault?.sseAlgorithm === 'aws:kms' &&
            r.applyServerSideEncryptionByDefault.kmsMasterKeyId,
        ),
      )
      .map((c) => c.inputs.bucket),
  );
  const checks: [string, (r: RecordedResource) => boolean][] = [
    ['aws:sqs/queue:Queue', (r) => Boolean(r.inputs.kmsMasterKeyId)],
    ['aws:s3/bucket:Bucket', (r) => kmsEncryptedBuckets.has(`${r.name}-id`)],
    [
      'aws:dynamodb/table:Table',
      (r) => {
        const sse = r.inputs.serverSideEncryption as { enabled?: boolean; kmsKeyArn?: string } | undefined;
        return sse?.enabled === true && Boolean(sse.kmsKeyArn);
      },
    ],
    [
      'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream',
      (r) => {
        const sse = r.inputs.serverSideEncryption as
          | { enabled?: boolean; keyType?: string; keyArn?: string }
          | undefined;
        return sse?.enabled === true && sse.keyType === 'CUSTOMER_MANAGED_CMK' && Boolean(sse.keyArn);
      },
    ],
    ['aws:sns/topic:Topic', (r) => Boolean(r.inputs.kmsMasterKeyId)],
  ];
  return checks.flatMap(([type, encrypted]) =>
    ofType(resources, type)
      .filter((r) => !encrypted(r))
      .map((r) => `${type} ${r.name}`),
  );
}

/** Buckets missing a full public access block or a bucket policy refusing plain HTTP. */
export function exposedBuckets(resources: Resources): string[] {
  const blocked = new Set(
    ofType(resources, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock')
      .filter((b) =>
        ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'].every(
          (flag) => b.inputs[flag] === true,
        ),
      )
      .map((b) => b.inputs.bucket),
  );
  const tlsOnly = new Set(
    ofType(resources, 'aws:s3/bucketPolicy:BucketPolicy')
      .filter((p) =>
        parsed<PolicyDocument>(p.inputs.policy).Statement.some(
          (s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
        ),
      )
      .map((p) => p.inputs.bucket),
  );
  return ofType(resources, 'aws:s3/bucket:Bucket').flatMap((b) => [
    ...(blocked.has(`${b.name}-id`) ? [] : [`${b.name}: public access not fully blocked`]),
    ...(tlsOnly.has(`${b.name}-id`) ? [] : [`${b.name}: no TLS-only bucket policy`]),
  ]);
}

interface IngressRule {
  protocol?: string;
  fromPort?: number;
  toPort?: number;
  cidrBlocks?: string[];
  ipv6CidrBlocks?: string[];
}

const ANYWHERE = new Set(['0.0.0.0/0', '::/0']);

/** Security group ingress rules that let the whole internet reach `port`. */
export function internetIngress(resources: Resources, port: number): string[] {
  const groups = [
    ...ofType(resources, 'aws:ec2/securityGroup:SecurityGroup'),
    ...ofType(resources, 'aws:ec2/defaultSecurityGroup:DefaultSecurityGroup'),
  ];
  const rules = groups.flatMap((g) =>
    ((g.inputs.ingress as IngressRule[] | undefined) ?? []).map((rule) => ({ owner: g.name, rule })),
  );
  for (const r of ofType(resources, 'aws:ec2/securityGroupRule:SecurityGroupRule')) {
    if (r.inputs.type === 'ingress') rules.push({ owner: r.name, rule: r.inputs as IngressRule });
  }
  for (const r of ofType(resources, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule')) {
    const rule = r.inputs as {
      ipProtocol?: string;
      fromPort?: number;
      toPort?: number;
      cidrIpv4?: string;
      cidrIpv6?: string;
    };
    rules.push({
      owner: r.name,
      rule: {
        protocol: rule.ipProtocol,
        fromPort: rule.fromPort,
        toPort: rule.toPort,
        cidrBlocks: rule.cidrIpv4 ? [rule.cidrIpv4] : [],
        ipv6CidrBlocks: rule.cidrIpv6 ? [rule.cidrIpv6] : [],
      },
    });
  }
  return rules
    .filter(({ rule }) => {
      const allPorts = rule.protocol === '-1' || rule.protocol === 'all';
      const covers = allPorts || ((rule.fromPort ?? 0) <= port && port <= (rule.toPort ?? 65_535));
      const open = [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])].some((c) => ANYWHERE.has(c));
      return covers && open;
    })
    .map(
      ({ owner, rule }) =>
        `${owner}: ${rule.protocol ?? '?'} ${rule.fromPort ?? '?'}-${rule.toPort ?? '?'} from anywhere`,
    );
}

/** Resource types that hold data (or the key to it) and must outlive `sst remove` in prod. */
export const DATA_TYPES = [
  'aws:s3/bucket:Bucket',
  'aws:dynamodb/table:Table',
  'aws:sqs/queue:Queue',
  'aws:glue/catalogDatabase:CatalogDatabase',
  'aws:kms/key:Key',
] as const;

/** Data-holding resources that `sst remove` would delete. */
export function unretainedData(resources: Resources): string[] {
  return DATA_TYPES.flatMap((type) => ofType(resources, type))
    .filter((r) => r.retainOnDelete !== true)
    .map((r) => `${r.type} ${r.name}`);
}

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

/** CloudWatch: a metric-math alarm (and so a target-tracking policy) may reference at most 10 metrics. */
export const MAX_METRICS_PER_EXPRESSION = 10;

interface MetricQuery {
  id?: string;
  expression?: string;
  metricStat?: unknown;
  metric?: unknown;
}

/** Alarms and scaling policies whose metric math references more than {@link MAX_METRICS_PER_EXPRESSION} metrics. */
export function metricMathOverLimit(resources: Resources): string[] {
  const queries: { owner: string; metrics: MetricQuery[] }[] = [
    ...ofType(resources, 'aws:cloudwatch/metricAlarm:MetricAlarm').map((a) => ({
      owner: a.name,
      metrics: (a.inputs.metricQueries as MetricQuery[] | undefined) ?? [],
    })),
    ...ofType(resources, 'aws:appautoscaling/policy:Policy').map((p) => ({
      owner: p.name,
      metrics:
        (
          p.inputs.targetTrackingScalingPolicyConfiguration as
            | { customizedMetricSpecification?: { metrics?: MetricQuery[] } }
            | undefined
        )?.customizedMetricSpecification?.metrics ?? [],
    })),
  ];
  return queries.flatMap(({ owner, metrics }) => {
    const referenced = metrics.filter((m) => m.metricStat !== undefined || m.metric !== undefined).length;
    return referenced > MAX_METRICS_PER_EXPRESSION
      ? [`${owner}: metric math over ${referenced} metrics (CloudWatch allows ${MAX_METRICS_PER_EXPRESSION})`]
      : [];
  });
}

/** IAM quotas, in characters without whitespace: all inline policies of a role together, and one managed policy. */
export const IAM_ROLE_INLINE_POLICIES_MAX_CHARS = 10_240;
export const IAM_MANAGED_POLICY_MAX_CHARS = 6_144;

/** IAM's default quota of managed policies attached to one role. */
export const IAM_MANAGED_POLICIES_PER_ROLE = 10;

/**
 * The mocks' ARNs (`arn:aws:mock:<region>:<account>:aws:sqs/queue:Queue/<name>`) as long as a
 * real one of that service (`arn:aws:sqs:<region>:<account>:<name>`), so sizes are realistic.
 */
export function withRealisticArns(policy: string): string {
  return policy.replace(
    /arn:aws:mock:([a-z0-9-]+):(\d{12}):[a-z0-9-]+:([a-z0-9]+)\/[A-Za-z0-9]+:[A-Za-z0-9]+\/([A-Za-z0-9_.-]+)/g,
    'arn:aws:$3:$1:$2:$4',
  );
}

/** The size IAM counts: the policy JSON without whitespace. */
export function iamPolicySize(policy: string): number {
  return withRealisticArns(policy).replace(/\s+/g, '').length;
}

/**
 * Roles whose inline policies (`inlinePolicies` and `aws.iam.RolePolicy`s naming the role) exceed
 * IAM's aggregate quota, managed policies over theirs, and roles with more managed policies
 * attached than IAM's default quota.
 */
export function oversizedPolicies(resources: Resources): string[] {
  // Attachments name a role by its physical name (SST's `<app>-<stage>-<Name>-<suffix>`).
  const roleNames = new Map(
    ofType(resources, 'aws:iam/role:Role').map((role) => [String(role.inputs.name ?? role.name), role.name]),
  );
  const roleOf = (value: unknown) => {
    const physical = String(value).replace(/-id$/, '');
    return roleNames.get(physical) ?? physical;
  };
  const sizes = new Map<string, number>();
  for (const role of ofType(resources, 'aws:iam/role:Role')) {
    const inline = (role.inputs.inlinePolicies as { policy?: string }[] | undefined) ?? [];
    sizes.set(
      role.name,
      inline.reduce((sum, p) => sum + (p.policy ? iamPolicySize(p.policy) : 0), 0),
    );
  }
  for (const policy of ofType(resources, 'aws:iam/rolePolicy:RolePolicy')) {
    const role = roleOf(policy.inputs.role);
    sizes.set(role, (sizes.get(role) ?? 0) + iamPolicySize(String(policy.inputs.policy)));
  }
  const attached = new Map<string, number>();
  for (const role of ofType(resources, 'aws:iam/role:Role')) {
    attached.set(role.name, ((role.inputs.managedPolicyArns as string[] | undefined) ?? []).length);
  }
  for (const attachment of ofType(resources, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment')) {
    const role = roleOf(attachment.inputs.role);
    attached.set(role, (attached.get(role) ?? 0) + 1);
  }
  return [
    ...[...attached]
      .filter(([, count]) => count > IAM_MANAGED_POLICIES_PER_ROLE)
      .map(([role, count]) => `${role}: ${count} managed policies (IAM allows ${IAM_MANAGED_POLICIES_PER_ROLE})`),
    ...[...sizes]
      .filter(([, size]) => size > IAM_ROLE_INLINE_POLICIES_MAX_CHARS)
      .map(
        ([role, size]) =>
          `${role}: inline policies of ${size} characters (IAM allows ${IAM_ROLE_INLINE_POLICIES_MAX_CHARS})`,
      ),
    ...ofType(resources, 'aws:iam/policy:Policy')
      .filter((p) => iamPolicySize(String(p.inputs.policy)) > IAM_MANAGED_POLICY_MAX_CHARS)
      .map(
        (p) =>
          `${p.name}: managed policy of ${iamPolicySize(String(p.inputs.policy))} characters (IAM allows ${IAM_MANAGED_POLICY_MAX_CHARS})`,
      ),
  ];
}

/** Fargate's largest container stopTimeout. */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

/** Fargate task sizes (CPU units → memory MiB accepted), from the ECS developer guide. */
export function fargateMemoryChoices(cpu: number): number[] {
  const range = (from: number, to: number, step: number) =>
    Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
  switch (cpu) {
    case 256:
      return [512, 1024, 2048];
    case 512:
      return range(1024, 4096, 1024);
    case 1024:
      return range(2048, 8192, 1024);
    case 2048:
      return range(4096, 16_384, 1024);
    case 4096:
      return range(8192, 30_720, 1024);
    case 8192:
      return range(16_384, 61_440, 4096);
    case 16_384:
      return range(32_768, 122_880, 8192);
    default:
      return [];
  }
}

interface TaskContainer {
  name: string;
  stopTimeout?: number;
  portMappings?: { containerPort?: number; containerPortRange?: string }[];
}

function containersOfTask(task: RecordedResource): TaskContainer[] {
  return parsed<TaskContainer[]>(task.inputs.containerDefinitions);
}

/** Task definitions Fargate refuses: a cpu/memory pair outside its table, a stop timeout above 120 s. */
export function invalidFargateTasks(resources: Resources): string[] {
  return ofType(resources, 'aws:ecs/taskDefinition:TaskDefinition').flatMap((task) => {
    const cpu = Number(task.inputs.cpu);
    const memory = Number(task.inputs.memory);
    const problems = fargateMemoryChoices(cpu).includes(memory)
      ? []
      : [`${task.name}: Fargate has no ${cpu} CPU / ${memory} MiB size`];
    for (const c of containersOfTask(task)) {
      if ((c.stopTimeout ?? 30) > FARGATE_MAX_STOP_TIMEOUT_SECONDS) {
        problems.push(
          `${task.name}/${c.name}: stopTimeout ${c.stopTimeout} s (Fargate allows ${FARGATE_MAX_STOP_TIMEOUT_SECONDS})`,
        );
      }
    }
    return problems;
  });
}

/** The ports a container maps, as [first, last] ranges. */
function portRanges(container: TaskContainer): [number, number][] {
  return (container.portMappings ?? []).map((m) => {
    if (m.containerPortRange) {
      const [from, to] = m.containerPortRange.split('-').map(Number);
      return [from ?? 0, to ?? from ?? 0];
    }
    return [m.containerPort ?? 0, m.containerPort ?? 0];
  });
}

/** Task definitions where two containers map one port (ECS refuses them in awsvpc mode). */
export function sharedContainerPorts(resources: Resources): string[] {
  return ofType(resources, 'aws:ecs/taskDefinition:TaskDefinition').flatMap((task) => {
    const containers = containersOfTask(task);
    const problems: string[] = [];
    containers.forEach((a, i) => {
      for (const b of containers.slice(i + 1)) {
        for (const [aFrom, aTo] of portRanges(a)) {
          for (const [bFrom, bTo] of portRanges(b)) {
            if (aFrom <= bTo && bFrom <= aTo) {
              problems.push(
                `${task.name}: containers ${a.name} and ${b.name} both map ports ${Math.max(aFrom, bFrom)}-${Math.min(aTo, bTo)}`,
              );
            }
          }
        }
      }
    });
    return problems;
  });
}

/** Glue versions this project's jobs are built for (Spark 3.5, Iceberg through the Glue catalog). */
export const SUPPORTED_GLUE_VERSIONS: ReadonlySet<string> = new Set(['5.0', '5.1']);
/** Worker types Glue 5.x runs Spark ETL jobs on (G.025X is for streaming jobs, Standard for Glue ≤ 1). */
export const GLUE_5_SPARK_WORKER_TYPES: ReadonlySet<string> = new Set([
  'G.1X',
  'G.2X',
  'G.4X',
  'G.8X',
  'G.12X',
  'G.16X',
  'R.1X',
  'R.2X',
  'R.4X',
  'R.8X',
]);
/** Job arguments Glue 5.x no longer takes (it always logs in real time). */
export const GLUE_4_ONLY_ARGUMENTS: readonly string[] = [
  '--enable-continuous-cloudwatch-log',
  '--enable-continuous-log-filter',
];

/** Worker types a `FLEX` job run may use (Glue API reference, `ExecutionClass`). */
export const GLUE_FLEX_WORKER_TYPES: ReadonlySet<string> = new Set(['G.1X', 'G.2X']);

/** Flex runs only Spark (`glueetl`) jobs of Glue 3.0 or later on G.1X or G.2X workers. */
function flexProblems(name: string, inputs: Record<string, unknown>): string[] {
  if (inputs.executionClass !== 'FLEX') return [];
  const command = (inputs.command ?? {}) as { name?: string };
  return [
    ...(GLUE_FLEX_WORKER_TYPES.has(String(inputs.workerType))
      ? []
      : [`${name}: FLEX on worker type ${inputs.workerType}`]),
    ...(Number.parseFloat(String(inputs.glueVersion)) >= 3 ? [] : [`${name}: FLEX on Glue ${inputs.glueVersion}`]),
    ...(command.name === 'glueetl' ? [] : [`${name}: FLEX on a ${command.name} job`]),
  ];
}

/**
 * Glue jobs with an unsupported version, a worker type Glue 5.x Spark does not run, < 2
 * workers, a Glue ≤ 4 argument, or a Flex execution class Glue refuses for the job.
 */
export function invalidGlueJobs(resources: Resources): string[] {
  return ofType(resources, 'aws:glue/job:Job').flatMap((job) => {
    const { glueVersion, workerType, numberOfWorkers } = job.inputs as {
      glueVersion?: string;
      workerType?: string;
      numberOfWorkers?: number;
    };
    const args = (job.inputs.defaultArguments as Record<string, string> | undefined) ?? {};
    return [
      ...(SUPPORTED_GLUE_VERSIONS.has(String(glueVersion)) ? [] : [`${job.name}: Glue version ${glueVersion}`]),
      ...(GLUE_5_SPARK_WORKER_TYPES.has(String(workerType)) ? [] : [`${job.name}: worker type ${workerType}`]),
      ...((numberOfWorkers ?? 0) >= 2 ? [] : [`${job.name}: ${numberOfWorkers} workers (Spark jobs need 2)`]),
      ...GLUE_4_ONLY_ARGUMENTS.filter((a) => a in args).map((a) => `${job.name}: ${a} is a Glue ≤ 4 argument`),
      ...flexProblems(job.name, job.inputs),
    ];
  });
}

/** Problems with the RAW table DDL: Firehose writes Iceberg format version 2 only. */
export function rawTableFormatVersion(ddl: string): string[] {
  const versions = [...ddl.matchAll(/'format-version'\s*=\s*'(\d+)'/g)].map((m) => m[1]);
  if (versions.length === 0) return ["RAW DDL: no 'format-version' (the engine's default may not be 2)"];
  return versions.filter((v) => v !== '2').map((v) => `RAW DDL: format-version ${v} (Firehose writes version 2 only)`);
}

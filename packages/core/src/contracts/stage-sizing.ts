/**
 * How big each stage is: the part of the per-stage configuration (stacks/stage.ts, which wraps
 * this table into `StageConfig`) that `lean-ops cost` prices. One definition for the stacks
 * and the CLI, so the CLI needs nothing of stacks/.
 *
 * Stages: `prod`, `staging` (prod-shaped, smaller and disposable) and `dev`; any other valid
 * name (personal stages such as `alice`, CI's `ci`, `pr-123`) gets the `dev` sizes.
 */

/** The settings profile of a stage. */
export type StageProfile = 'dev' | 'staging' | 'prod';

/** `sst.aws.Service` CPU/memory pairs that Fargate accepts (SST validates the same table). */
export type FargateSize =
  | { readonly cpu: '0.25 vCPU'; readonly memory: '0.5 GB' | '1 GB' | '2 GB' }
  | { readonly cpu: '0.5 vCPU'; readonly memory: '1 GB' | '2 GB' | '3 GB' | '4 GB' }
  | { readonly cpu: '1 vCPU'; readonly memory: '2 GB' | '3 GB' | '4 GB' | '5 GB' | '6 GB' | '7 GB' | '8 GB' }
  | { readonly cpu: '2 vCPU'; readonly memory: '4 GB' | '6 GB' | '8 GB' | '12 GB' | '16 GB' };

/** Glue worker types of Glue 5.x Spark jobs this project sizes for (both run Flex too). */
export type GlueWorkerType = 'G.1X' | 'G.2X';

/**
 * Glue's execution classes: `FLEX` runs on spare capacity at a lower DPU-hour price (Glue ≥ 3.0
 * Spark jobs on G.1X or G.2X), and may start later; `STANDARD` starts at once.
 */
export type GlueExecutionClass = 'STANDARD' | 'FLEX';

/** Stage names SST, CloudFormation-style resource names and S3 bucket prefixes all accept. */
export const STAGE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;

export interface StageSizing {
  /** NAT for the private subnets the tasks run in: `ec2` (fck-nat instance, cheap) or `managed` (NAT Gateway). */
  readonly nat: 'ec2' | 'managed';
  /**
   * Interface VPC endpoints (SQS, Firehose, ECR, CloudWatch Logs and metrics, Secrets Manager,
   * STS, Glue) in the private subnets, so AWS API calls leave neither through NAT nor over the
   * internet. The S3 and DynamoDB gateway endpoints exist on every stage (they are free).
   */
  readonly vpcEndpoints: boolean;
  readonly ingest: {
    /** Fewest ingest tasks the service scales in to. */
    readonly minTasks: number;
    /** Most ingest tasks the service scales out to. */
    readonly maxTasks: number;
    /** Target of the scaling policy: visible messages (all topic queues) per running task. */
    readonly backlogPerTaskTarget: number;
    readonly size: FargateSize;
  };
  /** The DLQ processor: one task. */
  readonly dlqProcessor: { readonly size: FargateSize };
  /** The scheduler: exactly one task (BullMQ job schedulers are upserted from one place). */
  readonly scheduler: { readonly size: FargateSize };
  /** Firehose → Iceberg buffering hints (Iceberg destination: 0–900 s, 1–128 MiB). */
  readonly firehose: {
    readonly bufferingIntervalSeconds: number;
    readonly bufferingSizeMiB: number;
  };
  /** ElastiCache (Valkey) for BullMQ: node type without the `cache.` prefix, and read replicas. */
  readonly redis: { readonly instance: string; readonly replicas: number };
  /**
   * The curation and semantic Glue jobs, sized with the cost model (packages/cost,
   * docs/cost.md): one run of each serves every topic with pending data.
   */
  readonly glue: {
    readonly workerType: GlueWorkerType;
    /** Workers per curation / semantic run (bootstrap runs on the minimum of 2). */
    readonly workers: number;
    /** Execution class of the curation and semantic jobs (bootstrap runs standard). */
    readonly executionClass: GlueExecutionClass;
    /**
     * Fewest seconds between two Glue runs of a kind, whatever triggers them (RAW advancing,
     * the timer, the backlog loop): a burst of Firehose commits becomes one run. The
     * scheduler reads it from its environment.
     */
    readonly minRunIntervalSeconds: number;
  };
  /** Amazon Managed Prometheus workspace and an ADOT collector sidecar in every task. */
  readonly managedPrometheus: boolean;
}

export const STAGE_SIZING = {
  dev: {
    /** @defaultValue fck-nat on a t4g.nano: a NAT Gateway per AZ would cost more than the rest of the stage. */
    nat: 'ec2',
    /** @defaultValue off: ten interface endpoints in two AZs cost more than the rest of a dev stage. */
    vpcEndpoints: false,
    ingest: {
      /** @defaultValue 1..2 tasks: enough to see scaling happen, cheap to leave running. */
      minTasks: 1,
      maxTasks: 2,
      /** @defaultValue 1,000 messages per task: a small backlog already scales out, so scaling is easy to watch. */
      backlogPerTaskTarget: 1_000,
      /** @defaultValue 0.25 vCPU / 1 GB: one worker peaks near 225 MB RSS (docs/ingest.md bench), 64 MiB buffer cap. */
      size: { cpu: '0.25 vCPU', memory: '1 GB' },
    },
    dlqProcessor: { size: { cpu: '0.25 vCPU', memory: '0.5 GB' } },
    scheduler: { size: { cpu: '0.25 vCPU', memory: '0.5 GB' } },
    /** @defaultValue 60 s / 1 MiB: data shows up in RAW within a minute; small files do not matter here. */
    firehose: { bufferingIntervalSeconds: 60, bufferingSizeMiB: 1 },
    /** @defaultValue t4g.micro, no replica: BullMQ state of a dev stage is disposable. */
    redis: { instance: 't4g.micro', replicas: 0 },
    /**
     * @defaultValue 2 × G.1X (Glue's smallest Spark job), Flex, a run per 10 min at most: while
     * test data flows, a day of Glue costs ≈ $2.80, against ≈ $8.45 standard every 5 min (docs/cost.md).
     */
    glue: { workerType: 'G.1X', workers: 2, executionClass: 'FLEX', minRunIntervalSeconds: 600 },
    /** @defaultValue off: a Prometheus in the VPC (or none) scrapes dev through Cloud Map. */
    managedPrometheus: false,
  },
  staging: {
    nat: 'ec2',
    /** @defaultValue off, as dev: staging's traffic does not pay for the endpoints (docs/deploy.md). */
    vpcEndpoints: false,
    ingest: {
      /** @defaultValue 1..4 tasks: exercises scale-out under load tests without prod's floor. */
      minTasks: 1,
      maxTasks: 4,
      /** @defaultValue 10,000 messages per task: prod's target, so load tests scale as prod will. */
      backlogPerTaskTarget: 10_000,
      /** @defaultValue 0.5 vCPU / 1 GB: half of prod's task, so load tests show per-task limits early. */
      size: { cpu: '0.5 vCPU', memory: '1 GB' },
    },
    dlqProcessor: { size: { cpu: '0.25 vCPU', memory: '0.5 GB' } },
    scheduler: { size: { cpu: '0.25 vCPU', memory: '1 GB' } },
    /** @defaultValue 300 s / 64 MiB: prod's latency, smaller files because traffic is lower. */
    firehose: { bufferingIntervalSeconds: 300, bufferingSizeMiB: 64 },
    redis: { instance: 't4g.small', replicas: 0 },
    /** @defaultValue 4 × G.1X, Flex (a third cheaper; a late start only delays a rehearsal), prod's 6 min between runs. */
    glue: { workerType: 'G.1X', workers: 4, executionClass: 'FLEX', minRunIntervalSeconds: 360 },
    /** @defaultValue on, as in prod: the ADOT sidecar runs here before prod ever starts it. */
    managedPrometheus: true,
  },
  prod: {
    /** @defaultValue managed NAT Gateways: no single instance between the workers and AWS APIs. */
    nat: 'managed',
    /** @defaultValue on: AWS API traffic stays private and skips the NAT Gateway's per-GB charge. */
    vpcEndpoints: true,
    ingest: {
      /** @defaultValue 2..10 tasks: two keep ingest up through a task or AZ loss; 10 × ~4k msg/s (bench) ≈ 40k msg/s. */
      minTasks: 2,
      maxTasks: 10,
      /** @defaultValue 10,000 messages per task: ~2.5 s of work for one task at the measured ~4k msg/s. */
      backlogPerTaskTarget: 10_000,
      /** @defaultValue 1 vCPU / 2 GB: Node uses one core (~263 µs CPU per message measured); 2 GB is ~9× the peak RSS. */
      size: { cpu: '1 vCPU', memory: '2 GB' },
    },
    dlqProcessor: { size: { cpu: '0.5 vCPU', memory: '1 GB' } },
    scheduler: { size: { cpu: '0.5 vCPU', memory: '1 GB' } },
    /** @defaultValue 300 s / 128 MiB: fewer, larger Iceberg files; 5 min stays well inside the 15 min trigger. */
    firehose: { bufferingIntervalSeconds: 300, bufferingSizeMiB: 128 },
    /** @defaultValue m7g.large with one replica in another AZ: BullMQ state survives a node loss. */
    redis: { instance: 'm7g.large', replicas: 1 },
    /**
     * @defaultValue 6 × G.2X (12 DPU), standard, at most a run per 6 min. The model (docs/cost.md)
     * at 20 topics and 1,000 msg/s: semantic freshness p99 ≈ 13.7 min (≤ 15) and Glue ≈ $58/day,
     * 17 % of the seeds' per-topic design on the same workers. 12 DPU is the fewest with which
     * a run at the ingest fleet's peak (10 tasks × ~3,950 msg/s) still fits in the 6 minutes.
     */
    glue: { workerType: 'G.2X', workers: 6, executionClass: 'STANDARD', minRunIntervalSeconds: 360 },
    /** @defaultValue on: metrics land in AMP without operating a Prometheus server. */
    managedPrometheus: true,
  },
} as const satisfies Record<StageProfile, StageSizing>;

/** The settings profile a stage uses: its own for `staging` and `prod`, `dev` for any other. */
export function stageProfile(stage: string): StageProfile {
  return stage === 'prod' || stage === 'staging' ? stage : 'dev';
}

/** Thrown for a stage name {@link STAGE_NAME_PATTERN} refuses. */
export class InvalidStageNameError extends Error {
  override readonly name = 'InvalidStageNameError';
  constructor(readonly stage: string) {
    super(
      `invalid stage name ${JSON.stringify(stage)}: a stage must match ${STAGE_NAME_PATTERN} ` +
        '(lowercase letter first, then up to 30 lowercase letters, digits or hyphens); pass --stage <name>',
    );
  }
}

/**
 * The sizes of `stage`, a deep copy (a caller that mutates it changes nobody else's).
 *
 * @throws InvalidStageNameError when the name does not match {@link STAGE_NAME_PATTERN}.
 */
export function stageSizing(stage: string): StageSizing & { readonly stage: string; readonly profile: StageProfile } {
  if (!STAGE_NAME_PATTERN.test(stage)) throw new InvalidStageNameError(stage);
  const profile = stageProfile(stage);
  return { stage, profile, ...(structuredClone(STAGE_SIZING[profile]) as StageSizing) };
}

/**
 * Per-stage configuration: the one place that says how big, how durable and how watched a
 * stage is. Every stack reads `stageConfig($app.stage)`; no stack compares stage names itself.
 *
 * Stages: `prod`, `staging` (prod-shaped, smaller and disposable) and `dev`; any other valid
 * name (personal stages such as `alice`, CI's `ci`, `pr-123`) gets the `dev` settings.
 *
 * Plain TypeScript with no imports, so that it runs under vitest and the root tsconfig
 * without the SST platform.
 */

/** `sst.aws.Service` CPU/memory pairs that Fargate accepts (SST validates the same table). */
export type FargateSize =
  | { readonly cpu: '0.25 vCPU'; readonly memory: '0.5 GB' | '1 GB' | '2 GB' }
  | { readonly cpu: '0.5 vCPU'; readonly memory: '1 GB' | '2 GB' | '3 GB' | '4 GB' }
  | { readonly cpu: '1 vCPU'; readonly memory: '2 GB' | '3 GB' | '4 GB' | '5 GB' | '6 GB' | '7 GB' | '8 GB' }
  | { readonly cpu: '2 vCPU'; readonly memory: '4 GB' | '6 GB' | '8 GB' | '12 GB' | '16 GB' };

/** The values CloudWatch Logs accepts for `retentionInDays` (up to two years). */
export type LogRetentionDays = 1 | 3 | 5 | 7 | 14 | 30 | 60 | 90 | 120 | 150 | 180 | 365 | 400 | 545 | 731;

/** Alarm and scheduling thresholds: pipeline contract §7, same names as the app config's `thresholds`. */
export interface Thresholds {
  /** DLQ oldest-message age alarm. @defaultValue 604800 (7 days, contract §7) */
  readonly dlqMaxAgeSeconds: number;
  /** Curation backlog alarm: RAW records not yet curated. @defaultValue 100000 (contract §7) */
  readonly curationPendingRecords: number;
  /** Semantic lag alarm. @defaultValue 7200 (2 hours, contract §7) */
  readonly semanticLagSeconds: number;
  /** Scheduled pipeline run per topic. @defaultValue 900 (every 15 minutes, contract §7) */
  readonly triggerIntervalSeconds: number;
  /** A run that wrote more records than this starts again at once. @defaultValue 10000 (contract §6, §7) */
  readonly backlogRecords: number;
}

export interface StageConfig {
  /** The stage name this configuration was built for. */
  readonly stage: string;
  /** Which settings table applied: `dev` for every stage that is not `staging` or `prod`. */
  readonly profile: StageProfile;
  /** SST removal policy: `retain` keeps buckets and tables on `sst remove`. */
  readonly removal: 'retain' | 'remove';
  /** SST `protect`: refuses `sst remove` on the stage. */
  readonly protect: boolean;
  readonly ingest: {
    /** Fewest ingest tasks the service scales in to. */
    readonly minTasks: number;
    /** Most ingest tasks the service scales out to. */
    readonly maxTasks: number;
    readonly size: FargateSize;
  };
  readonly dlq: {
    /** Receives before SQS moves a message to the topic's DLQ. */
    readonly maxReceiveCount: number;
  };
  /** CloudWatch log group retention for services and jobs. */
  readonly logRetentionDays: LogRetentionDays;
  /** Firehose → Iceberg buffering hints (Iceberg destination: 0–900 s, 1–128 MiB). */
  readonly firehose: {
    readonly bufferingIntervalSeconds: number;
    readonly bufferingSizeMiB: number;
  };
  /** DynamoDB point-in-time recovery on the state tables (checkpoints, registry). */
  readonly pointInTimeRecovery: boolean;
  readonly thresholds: Thresholds;
}

export type StageProfile = 'dev' | 'staging' | 'prod';

/** What a profile decides; `stage` and `profile` are added by {@link stageConfig}. */
type ProfileSettings = Omit<StageConfig, 'stage' | 'profile'>;

/** Stage names SST, CloudFormation-style resource names and S3 bucket prefixes all accept. */
export const STAGE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;

/** Contract §7 defaults; the same on every stage so that an alarm means the same thing everywhere. */
export const CONTRACT_THRESHOLDS: Thresholds = Object.freeze({
  dlqMaxAgeSeconds: 7 * 24 * 60 * 60,
  curationPendingRecords: 100_000,
  semanticLagSeconds: 2 * 60 * 60,
  triggerIntervalSeconds: 15 * 60,
  backlogRecords: 10_000,
} satisfies Thresholds);

const PROFILES = {
  dev: {
    /** @defaultValue `remove`, unprotected: dev and personal stages are disposable. */
    removal: 'remove',
    protect: false,
    ingest: {
      /** @defaultValue 1..2 tasks: enough to see scaling happen, cheap to leave running. */
      minTasks: 1,
      maxTasks: 2,
      /** @defaultValue 0.25 vCPU / 1 GB: one worker peaks near 225 MB RSS (docs/ingest.md bench), 64 MiB buffer cap. */
      size: { cpu: '0.25 vCPU', memory: '1 GB' },
    },
    /** @defaultValue 3: a failing message reaches the DLQ within seconds while developing. */
    dlq: { maxReceiveCount: 3 },
    /** @defaultValue 7 days: long enough to debug last week's run, short enough to cost nothing. */
    logRetentionDays: 7,
    /** @defaultValue 60 s / 1 MiB: data shows up in RAW within a minute; small files do not matter here. */
    firehose: { bufferingIntervalSeconds: 60, bufferingSizeMiB: 1 },
    /** @defaultValue off: dev tables are thrown away with the stage. */
    pointInTimeRecovery: false,
    thresholds: CONTRACT_THRESHOLDS,
  },
  staging: {
    /** @defaultValue `remove`, unprotected: staging is rebuilt from code and holds no data of record. */
    removal: 'remove',
    protect: false,
    ingest: {
      /** @defaultValue 1..4 tasks: exercises scale-out under load tests without prod's floor. */
      minTasks: 1,
      maxTasks: 4,
      /** @defaultValue 0.5 vCPU / 1 GB: half of prod's task, so load tests show per-task limits early. */
      size: { cpu: '0.5 vCPU', memory: '1 GB' },
    },
    /** @defaultValue 10: same as prod, so retry and DLQ behaviour is rehearsed as it will run. */
    dlq: { maxReceiveCount: 10 },
    /** @defaultValue 30 days: covers a release cycle of investigations. */
    logRetentionDays: 30,
    /** @defaultValue 300 s / 64 MiB: prod's latency, smaller files because traffic is lower. */
    firehose: { bufferingIntervalSeconds: 300, bufferingSizeMiB: 64 },
    /** @defaultValue on: restores are rehearsed here before they are needed in prod. */
    pointInTimeRecovery: true,
    thresholds: CONTRACT_THRESHOLDS,
  },
  prod: {
    /** @defaultValue `retain` and protected: buckets and tables outlive a mistaken `sst remove`. */
    removal: 'retain',
    protect: true,
    ingest: {
      /** @defaultValue 2..10 tasks: two keep ingest up through a task or AZ loss; 10 × ~4k msg/s (bench) ≈ 40k msg/s. */
      minTasks: 2,
      maxTasks: 10,
      /** @defaultValue 1 vCPU / 2 GB: Node uses one core (~263 µs CPU per message measured); 2 GB is ~9× the peak RSS. */
      size: { cpu: '1 vCPU', memory: '2 GB' },
    },
    /**
     * @defaultValue 10: RETRY backoff (2 s × 2^(n−1), capped at 300 s) then spans ~13 minutes of
     * transient errors, and receives spent on worker restarts during deploys rarely reach the limit.
     */
    dlq: { maxReceiveCount: 10 },
    /** @defaultValue 90 days: a quarter of history for incident review. */
    logRetentionDays: 90,
    /** @defaultValue 300 s / 128 MiB: fewer, larger Iceberg files; 5 min stays well inside the 15 min trigger. */
    firehose: { bufferingIntervalSeconds: 300, bufferingSizeMiB: 128 },
    /** @defaultValue on: checkpoints and registries are the pipeline's memory. */
    pointInTimeRecovery: true,
    thresholds: CONTRACT_THRESHOLDS,
  },
} as const satisfies Record<StageProfile, ProfileSettings>;

/** The settings profile a stage uses: its own for `staging` and `prod`, `dev` for any other. */
export function stageProfile(stage: string): StageProfile {
  return stage === 'prod' || stage === 'staging' ? stage : 'dev';
}

/**
 * The configuration of `stage`.
 *
 * @throws Error naming the stage when it does not match {@link STAGE_NAME_PATTERN}.
 */
export function stageConfig(stage: string): StageConfig {
  if (!STAGE_NAME_PATTERN.test(stage)) {
    throw new Error(
      `invalid stage name ${JSON.stringify(stage)}: a stage must match ${STAGE_NAME_PATTERN} ` +
        '(lowercase letter first, then up to 30 lowercase letters, digits or hyphens); pass --stage <name>',
    );
  }
  const profile = stageProfile(stage);
  const settings: ProfileSettings = PROFILES[profile];
  // Fresh nested objects on every call: a caller that mutates its copy cannot change another stack's.
  return {
    stage,
    profile,
    removal: settings.removal,
    protect: settings.protect,
    ingest: { ...settings.ingest, size: { ...settings.ingest.size } },
    dlq: { ...settings.dlq },
    logRetentionDays: settings.logRetentionDays,
    firehose: { ...settings.firehose },
    pointInTimeRecovery: settings.pointInTimeRecovery,
    thresholds: { ...settings.thresholds },
  };
}

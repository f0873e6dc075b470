/**
 * Per-stage configuration: the one place that says how big, how durable and how watched a
 * stage is. Every stack reads `stageConfig($app.stage)`; no stack compares stage names itself.
 *
 * Stages: `prod`, `staging` (prod-shaped, smaller and disposable) and `dev`; any other valid
 * name (personal stages such as `alice`, CI's `ci`, `pr-123`) gets the `dev` settings.
 *
 * Alarm thresholds are not here: they come from the app config file's `thresholds` (contract
 * §7 defaults), the same file the scheduler reads, so a process and its alarm cannot disagree.
 *
 * Plain TypeScript that imports only the contract (packages/core) and alarm-subscribers.ts, so that it runs under
 * vitest and the root tsconfig without the SST platform.
 */

import { DEFAULT_METRIC_NAMESPACE } from '@lean-ops/core';
import { checkAlarmSubscribers } from './alarm-subscribers';

/** `sst.aws.Service` CPU/memory pairs that Fargate accepts (SST validates the same table). */
export type FargateSize =
  | { readonly cpu: '0.25 vCPU'; readonly memory: '0.5 GB' | '1 GB' | '2 GB' }
  | { readonly cpu: '0.5 vCPU'; readonly memory: '1 GB' | '2 GB' | '3 GB' | '4 GB' }
  | { readonly cpu: '1 vCPU'; readonly memory: '2 GB' | '3 GB' | '4 GB' | '5 GB' | '6 GB' | '7 GB' | '8 GB' }
  | { readonly cpu: '2 vCPU'; readonly memory: '4 GB' | '6 GB' | '8 GB' | '12 GB' | '16 GB' };

/** The values CloudWatch Logs accepts for `retentionInDays` (up to two years). */
export type LogRetentionDays = 1 | 3 | 5 | 7 | 14 | 30 | 60 | 90 | 120 | 150 | 180 | 365 | 400 | 545 | 731;

/** Glue worker types of Glue 5.x Spark jobs this project sizes for (both run Flex too). */
export type GlueWorkerType = 'G.1X' | 'G.2X';

/**
 * Glue's execution classes: `FLEX` runs on spare capacity at a lower DPU-hour price (Glue ≥ 3.0
 * Spark jobs on G.1X or G.2X), and may start later; `STANDARD` starts at once.
 */
export type GlueExecutionClass = 'STANDARD' | 'FLEX';

export interface StageConfig {
  /** The stage name this configuration was built for. */
  readonly stage: string;
  /** Which settings table applied: `dev` for every stage that is not `staging` or `prod`. */
  readonly profile: StageProfile;
  /** SST removal policy: `retain` keeps buckets, tables, queues, keys and catalog on `sst remove`. */
  readonly removal: 'retain' | 'remove';
  /** SST `protect`: refuses `sst remove` on the stage. */
  readonly protect: boolean;
  /** DynamoDB deletion protection on the state tables. */
  readonly deletionProtection: boolean;
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
  readonly dlq: {
    /** Receives before SQS moves a message to the topic's DLQ. */
    readonly maxReceiveCount: number;
  };
  /** SQS message retention (SQS accepts 60 s to 14 days). */
  readonly queueRetentionSeconds: { readonly source: number; readonly dlq: number };
  /** CloudWatch log group retention for services, jobs and delivery streams. */
  readonly logRetentionDays: LogRetentionDays;
  /** S3 lifecycle expirations, in days, of what is only kept for investigation. */
  readonly expirationDays: {
    readonly quarantine: number;
    readonly firehoseErrors: number;
    readonly jobResults: number;
  };
  /** Firehose → Iceberg buffering hints (Iceberg destination: 0–900 s, 1–128 MiB). */
  readonly firehose: {
    readonly bufferingIntervalSeconds: number;
    readonly bufferingSizeMiB: number;
  };
  /** DynamoDB point-in-time recovery on the state tables (checkpoints, schemas, drift log). */
  readonly pointInTimeRecovery: boolean;
  /** ElastiCache (Valkey) for BullMQ: node type without the `cache.` prefix, and read replicas. */
  readonly redis: { readonly instance: string; readonly replicas: number };
  /** Operator alarms beyond contract §7 (stacks/operator-alarms.ts) and who the alarm topic notifies. */
  readonly alarms: AlarmSettings;
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
    /** Job timeouts in minutes: a stuck run is stopped and the scheduler retries it (maintenance: at its next interval). */
    readonly timeoutMinutes: {
      readonly bootstrap: number;
      readonly curation: number;
      readonly semantic: number;
      readonly maintenance: number;
    };
  };
  /**
   * Table maintenance (docs/maintenance.md): the Glue job `maintenance`, started by the
   * scheduler per topic after a run of the topic, with the policy below as its default arguments.
   */
  readonly maintenance: {
    /** Seconds between maintenances of a topic (the scheduler's `LEAN_OPS_MAINTENANCE_INTERVAL_SECONDS`); 0 = off. */
    readonly intervalSeconds: number;
    /**
     * Snapshots younger than this are kept (`--retention_seconds`), besides every snapshot a
     * checkpoint needs. A deploy refuses a config whose `thresholds.semanticLagSeconds` is not
     * below it: the lag alarm must fire before retention would bite.
     */
    readonly retentionSeconds: number;
    /** Unreferenced files younger than this stay (`--orphan_older_than_seconds`); Iceberg refuses under 86,400. */
    readonly orphanOlderThanSeconds: number;
    /** Workers per maintenance run (in the stage's worker type and execution class). */
    readonly workers: number;
  };
  /** Amazon Managed Prometheus workspace and an ADOT collector sidecar in every task. */
  readonly managedPrometheus: boolean;
  /**
   * `sst deploy` waits until every service is stable (its tasks pass their health checks), so
   * a crash-looping image fails the deploy instead of reporting success (`wait` of the service).
   */
  readonly waitForSteadyState: boolean;
  /**
   * The account and region the stage may deploy into; `sst deploy` refuses any other before
   * it touches a resource. `undefined`: any (dev and personal stages).
   */
  readonly deployTarget: DeployTarget;
  /** CloudWatch namespace of the scheduler's metrics and of the alarms on them. */
  readonly cloudwatchNamespace: string;
}

export type StageProfile = 'dev' | 'staging' | 'prod';

/** One subscriber of the alarm topic: an e-mail address (AWS mails a confirmation link first) or an HTTPS endpoint. */
export type AlarmSubscriber =
  | { readonly protocol: 'email'; readonly endpoint: string }
  | { readonly protocol: 'https'; readonly endpoint: string };

/** Operator alarm settings (see {@link StageConfig.alarms}). */
export interface AlarmSettings {
  /** Who the alarm topic notifies; empty: nobody until someone subscribes (docs/deploy.md). */
  readonly subscribers: readonly AlarmSubscriber[];
  /** A topic's source queue holding a message this old means ingest does not keep up. */
  readonly sourceQueueMaxAgeSeconds: number;
  /** Redis `DatabaseMemoryUsagePercentage` that alarms: with `noeviction` a full Redis refuses BullMQ's writes. */
  readonly redisMemoryPercent: number;
  /** Minutes a service may run fewer tasks than desired (a deploy or a scale-out takes a few) before it alarms. */
  readonly tasksBelowDesiredMinutes: number;
}

/** Where a stage may deploy (see {@link StageConfig.deployTarget}). */
export interface DeployTarget {
  /** 12-digit AWS account id. */
  readonly accountId: string | undefined;
  readonly region: string | undefined;
}

/**
 * The AWS documentation's example account: the value staging and prod ship with. A deploy with
 * real credentials refuses it, naming the account it found: put your accounts here first.
 */
export const PLACEHOLDER_ACCOUNT_ID = '123456789012';

/** What a profile decides; `stage`, `profile` and the stage-derived values are added by {@link stageConfig}. */
type ProfileSettings = Omit<StageConfig, 'stage' | 'profile' | 'cloudwatchNamespace'>;

/** Stage names SST, CloudFormation-style resource names and S3 bucket prefixes all accept. */
export const STAGE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;

/** The scheduler's default namespace; prod uses it as is. */
export const CLOUDWATCH_NAMESPACE = DEFAULT_METRIC_NAMESPACE;

const DAY = 24 * 60 * 60;

const PROFILES = {
  dev: {
    /** @defaultValue `remove`, unprotected: dev and personal stages are disposable. */
    removal: 'remove',
    protect: false,
    deletionProtection: false,
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
    /** @defaultValue 3: a failing message reaches the DLQ within seconds while developing. */
    dlq: { maxReceiveCount: 3 },
    /** @defaultValue 4 days (SQS default) / 14 days: the DLQ keeps messages past the 7-day age alarm. */
    queueRetentionSeconds: { source: 4 * DAY, dlq: 14 * DAY },
    /** @defaultValue 7 days: long enough to debug last week's run, short enough to cost nothing. */
    logRetentionDays: 7,
    expirationDays: { quarantine: 14, firehoseErrors: 14, jobResults: 7 },
    /** @defaultValue 60 s / 1 MiB: data shows up in RAW within a minute; small files do not matter here. */
    firehose: { bufferingIntervalSeconds: 60, bufferingSizeMiB: 1 },
    /** @defaultValue off: dev tables are thrown away with the stage. */
    pointInTimeRecovery: false,
    /** @defaultValue t4g.micro, no replica: BullMQ state of a dev stage is disposable. */
    redis: { instance: 't4g.micro', replicas: 0 },
    /** @defaultValue no subscribers; 1 h queue age, 80 % Redis memory, 10 min below desired tasks. */
    alarms: { subscribers: [], sourceQueueMaxAgeSeconds: 3600, redisMemoryPercent: 80, tasksBelowDesiredMinutes: 10 },
    /**
     * @defaultValue 2 × G.1X (Glue's smallest Spark job), Flex, a run per 10 min at most: while
     * test data flows, a day of Glue costs ≈ $2.80, against ≈ $8.45 standard every 5 min (docs/cost.md).
     */
    glue: {
      workerType: 'G.1X',
      workers: 2,
      executionClass: 'FLEX',
      minRunIntervalSeconds: 600,
      timeoutMinutes: { bootstrap: 30, curation: 60, semantic: 60, maintenance: 120 },
    },
    /** @defaultValue daily, 2 days of snapshots, 3 days for orphans, Glue's smallest job: maintenance is cheap here. */
    maintenance: { intervalSeconds: DAY, retentionSeconds: 2 * DAY, orphanOlderThanSeconds: 3 * DAY, workers: 2 },
    /** @defaultValue off: a Prometheus in the VPC (or none) scrapes dev through Cloud Map. */
    managedPrometheus: false,
    /** @defaultValue off: a dev deploy returns as soon as the changes are submitted. */
    waitForSteadyState: false,
    /** @defaultValue any account and region: personal stages deploy wherever their credentials point. */
    deployTarget: { accountId: undefined, region: undefined },
  },
  staging: {
    /** @defaultValue `remove`, unprotected: staging is rebuilt from code and holds no data of record. */
    removal: 'remove',
    protect: false,
    deletionProtection: false,
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
    /** @defaultValue 10: same as prod, so retry and DLQ behaviour is rehearsed as it will run. */
    dlq: { maxReceiveCount: 10 },
    queueRetentionSeconds: { source: 4 * DAY, dlq: 14 * DAY },
    /** @defaultValue 30 days: covers a release cycle of investigations. */
    logRetentionDays: 30,
    expirationDays: { quarantine: 30, firehoseErrors: 30, jobResults: 14 },
    /** @defaultValue 300 s / 64 MiB: prod's latency, smaller files because traffic is lower. */
    firehose: { bufferingIntervalSeconds: 300, bufferingSizeMiB: 64 },
    /** @defaultValue on: restores are rehearsed here before they are needed in prod. */
    pointInTimeRecovery: true,
    redis: { instance: 't4g.small', replicas: 0 },
    /** @defaultValue as prod, so alarms are rehearsed here; add subscribers before the first deploy. */
    alarms: { subscribers: [], sourceQueueMaxAgeSeconds: 900, redisMemoryPercent: 80, tasksBelowDesiredMinutes: 5 },
    /** @defaultValue 4 × G.1X, Flex (a third cheaper; a late start only delays a rehearsal), prod's 6 min between runs. */
    glue: {
      workerType: 'G.1X',
      workers: 4,
      executionClass: 'FLEX',
      minRunIntervalSeconds: 360,
      timeoutMinutes: { bootstrap: 30, curation: 120, semantic: 120, maintenance: 120 },
    },
    /** @defaultValue as prod: the maintenance job is rehearsed here. */
    maintenance: { intervalSeconds: DAY, retentionSeconds: 5 * DAY, orphanOlderThanSeconds: 3 * DAY, workers: 2 },
    /** @defaultValue on, as in prod: the ADOT sidecar runs here before prod ever starts it. */
    managedPrometheus: true,
    /** @defaultValue on: a deploy that cannot start healthy tasks fails here first. */
    waitForSteadyState: true,
    /** @defaultValue placeholders: set the staging account and region before the first deploy. */
    deployTarget: { accountId: PLACEHOLDER_ACCOUNT_ID, region: 'eu-west-1' },
  },
  prod: {
    /** @defaultValue `retain` and protected: buckets and tables outlive a mistaken `sst remove`. */
    removal: 'retain',
    protect: true,
    deletionProtection: true,
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
    /**
     * @defaultValue 10: RETRY backoff (2 s × 2^(n−1), capped at 300 s) then spans ~13 minutes of
     * transient errors, and receives spent on worker restarts during deploys rarely reach the limit.
     */
    dlq: { maxReceiveCount: 10 },
    /** @defaultValue 14 days (SQS maximum) on both: a long ingest outage loses nothing for two weeks. */
    queueRetentionSeconds: { source: 14 * DAY, dlq: 14 * DAY },
    /** @defaultValue 90 days: a quarter of history for incident review. */
    logRetentionDays: 90,
    /** @defaultValue a year of quarantine (evidence for device owners), 90 days of delivery errors and results. */
    expirationDays: { quarantine: 365, firehoseErrors: 90, jobResults: 90 },
    /** @defaultValue 300 s / 128 MiB: fewer, larger Iceberg files; 5 min stays well inside the 15 min trigger. */
    firehose: { bufferingIntervalSeconds: 300, bufferingSizeMiB: 128 },
    /** @defaultValue on: checkpoints and registries are the pipeline's memory. */
    pointInTimeRecovery: true,
    /** @defaultValue m7g.large with one replica in another AZ: BullMQ state survives a node loss. */
    redis: { instance: 'm7g.large', replicas: 1 },
    /** @defaultValue 15 min queue age, 80 % Redis memory, 5 min below desired tasks; add subscribers before the first deploy. */
    alarms: { subscribers: [], sourceQueueMaxAgeSeconds: 900, redisMemoryPercent: 80, tasksBelowDesiredMinutes: 5 },
    /**
     * @defaultValue 6 × G.2X (12 DPU), standard, at most a run per 6 min. The model (docs/cost.md)
     * at 20 topics and 1,000 msg/s: semantic freshness p99 ≈ 13.7 min (≤ 15) and Glue ≈ $58/day,
     * 17 % of the seeds' per-topic design on the same workers. 12 DPU is the fewest with which
     * a run at the ingest fleet's peak (10 tasks × ~3,950 msg/s) still fits in the 6 minutes.
     */
    glue: {
      workerType: 'G.2X',
      workers: 6,
      executionClass: 'STANDARD',
      minRunIntervalSeconds: 360,
      timeoutMinutes: { bootstrap: 30, curation: 180, semantic: 180, maintenance: 120 },
    },
    /**
     * @defaultValue daily, 5 days of snapshots (Iceberg's default; the semantic lag alarm fires
     * long before), 3 days for orphans, 4 workers: compaction reads and rewrites a day of files.
     */
    maintenance: { intervalSeconds: DAY, retentionSeconds: 5 * DAY, orphanOlderThanSeconds: 3 * DAY, workers: 4 },
    /** @defaultValue on: metrics land in AMP without operating a Prometheus server. */
    managedPrometheus: true,
    /** @defaultValue on: `sst deploy` fails (and ECS rolls back) when the new tasks do not become healthy. */
    waitForSteadyState: true,
    /** @defaultValue placeholders: set the prod account and region before the first deploy. */
    deployTarget: { accountId: PLACEHOLDER_ACCOUNT_ID, region: 'eu-west-1' },
  },
} as const satisfies Record<StageProfile, ProfileSettings>;

/** The settings profile a stage uses: its own for `staging` and `prod`, `dev` for any other. */
export function stageProfile(stage: string): StageProfile {
  return stage === 'prod' || stage === 'staging' ? stage : 'dev';
}

/** Iceberg 1.10's `remove_orphan_files` refuses `older_than` under 24 h (a write in progress is younger). */
export const MIN_ORPHAN_OLDER_THAN_SECONDS = DAY;

function checkMaintenance(stage: string, m: StageConfig['maintenance']): void {
  const problems: string[] = [];
  if (m.orphanOlderThanSeconds < MIN_ORPHAN_OLDER_THAN_SECONDS)
    problems.push(`orphanOlderThanSeconds: ${m.orphanOlderThanSeconds} is under ${MIN_ORPHAN_OLDER_THAN_SECONDS}`);
  if (m.retentionSeconds <= 0) problems.push(`retentionSeconds: ${m.retentionSeconds} must be positive`);
  if (m.intervalSeconds < 0) problems.push(`intervalSeconds: ${m.intervalSeconds} must be 0 (off) or more`);
  if (problems.length > 0) {
    throw new Error(`stage ${stage}: invalid maintenance settings (stacks/stage.ts): ${problems.join('; ')}`);
  }
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
  // A deep copy on every call: a caller that mutates its copy cannot change another stack's.
  const settings: ProfileSettings = structuredClone(PROFILES[profile]);
  // A mistyped subscriber would only show as alarms that never arrive: refuse it before any deploy.
  checkAlarmSubscribers(stage, settings.alarms.subscribers);
  checkMaintenance(stage, settings.maintenance);
  return {
    stage,
    profile,
    ...settings,
    // Stages sharing an account (dev and personal stages) must not feed each other's alarms.
    cloudwatchNamespace: profile === 'prod' ? CLOUDWATCH_NAMESPACE : `${CLOUDWATCH_NAMESPACE}/${stage}`,
  };
}

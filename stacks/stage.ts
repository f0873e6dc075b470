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
 * Plain TypeScript that imports only the contracts (packages/core, the config schema of packages/config) and alarm-subscribers.ts, so that it runs under
 * vitest and the root tsconfig without the SST platform.
 */

import { maintenanceWindowSchema, type SnowflakeSection } from '@lean-ops/config';
import {
  DEFAULT_METRIC_NAMESPACE,
  formatZodIssues,
  type StageProfile,
  type StageSizing,
  stageSizing,
} from '@lean-ops/core';
import { checkAlarmSubscribers } from './alarm-subscribers';

export {
  type FargateSize,
  type GlueExecutionClass,
  type GlueWorkerType,
  STAGE_NAME_PATTERN,
  type StageProfile,
  stageProfile,
} from '@lean-ops/core';

/** The values CloudWatch Logs accepts for `retentionInDays` (up to two years). */
export type LogRetentionDays = 1 | 3 | 5 | 7 | 14 | 30 | 60 | 90 | 120 | 150 | 180 | 365 | 400 | 545 | 731;

/** When a stage's table maintenance may run (the scheduler's `scheduler.maintenanceWindow`). */
export interface MaintenanceWindowSetting {
  /** Cron pattern of the window's start (5 fields, or 6 with seconds first), e.g. `0 2 * * *`. */
  readonly pattern: string;
  /** IANA time zone of the pattern. */
  readonly tz: string;
  /** How long the window stays open after each firing (300 – 604,800); checked by the scheduler's schema. */
  readonly durationSeconds: number;
}

/** A stage's configuration: its sizes (`StageSizing`, packages/core, which `lean-ops cost` prices) and the rest. */
export interface StageConfig extends StageSizing {
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
  /** DynamoDB point-in-time recovery on the state tables (checkpoints, schemas, drift log). */
  readonly pointInTimeRecovery: boolean;
  /** Operator alarms beyond contract §7 (stacks/operator-alarms.ts) and who the alarm topic notifies. */
  readonly alarms: AlarmSettings;
  /** The Glue jobs: their sizes (`StageSizing`) and timeouts. */
  readonly glue: StageSizing['glue'] & {
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
    /**
     * Off-peak window (the scheduler's `LEAN_OPS_MAINTENANCE_WINDOW`): maintenance is due only
     * from a firing of the cron `pattern` in time zone `tz`, for `durationSeconds`, once the
     * interval has passed; null = any time.
     */
    readonly window: MaintenanceWindowSetting | null;
    /** Snapshots kept whatever their age (`--retain_last`, ≥ 1). */
    readonly retainLast: number;
    /** Files under this many bytes count as small in the health figures (`--small_file_bytes`). */
    readonly smallFileBytes: number;
    /** Size compaction writes its files at (`--target_file_bytes`); above `smallFileBytes`. */
    readonly targetFileBytes: number;
    /** A file group is compacted once it holds this many files (`--min_input_files`, ≥ 2). */
    readonly minInputFiles: number;
    /** A data file with this many delete files or more is rewritten, its deletes folded (`--delete_file_threshold`, ≥ 1). */
    readonly deleteFileThreshold: number;
  };
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
  /** Snowflake's read-only role on the semantic layer (stacks/snowflake.ts); off unless {@link SNOWFLAKE_STAGES} lists the stage. */
  readonly snowflake: SnowflakeAccess;
}

/**
 * Snowflake reads the stage's semantic tables (and, with `includeCurated`, its curated ones)
 * through an IAM role this stage creates (docs/deploy.md, "Snowflake"). The principal and
 * external ID are Snowflake's: `DESCRIBE CATALOG INTEGRATION` (`API_AWS_IAM_USER_ARN`,
 * `API_AWS_EXTERNAL_ID`) or `DESC EXTERNAL VOLUME` (`STORAGE_AWS_IAM_USER_ARN`,
 * `STORAGE_AWS_EXTERNAL_ID`). Enabled with both undefined, the role is created trusting only
 * the stage's own account (the first of the two deploys the setup takes) and the deploy warns.
 */
export interface SnowflakeAccess {
  readonly enabled: boolean;
  /** Snowflake's IAM user, `arn:aws:iam::<12 digits>:user/<name>`. */
  readonly principalArn: string | undefined;
  /** The external ID Snowflake presents when it assumes the role. */
  readonly externalId: string | undefined;
  /** Also let the role read the curated tables (the app config's `snowflake.includeCurated` must match). */
  readonly includeCurated: boolean;
}

/**
 * Refuses a stage whose Snowflake role would not read exactly what the app config's DDL
 * exposes (`snowflake.includeCurated` of the config file `file`).
 *
 * @throws Error naming both settings.
 */
export function checkSnowflakeAgainstConfig(
  stage: StageConfig,
  section: SnowflakeSection | undefined,
  file: string,
): void {
  if (!stage.snowflake.enabled || section === undefined) return;
  if (section.includeCurated !== stage.snowflake.includeCurated) {
    throw new Error(
      `snowflake.includeCurated is ${section.includeCurated} in ${file} but ${stage.snowflake.includeCurated} in ` +
        `stage ${stage.stage}'s snowflake settings (stacks/stage.ts): the role must read exactly the tables the DDL exposes`,
    );
  }
}

/** The deploy's warning while an enabled stage awaits Snowflake's principal and external ID; undefined otherwise. */
export function snowflakeSetupWarning(stage: StageConfig, roleName: string): string | undefined {
  const { enabled, principalArn } = stage.snowflake;
  if (!enabled || principalArn !== undefined) return undefined;
  return (
    `stage ${stage.stage}: the Snowflake role ${roleName} trusts only this account until Snowflake's principalArn ` +
    'and externalId are in stacks/stage.ts (SNOWFLAKE_STAGES): create the catalog integration, DESCRIBE it, ' +
    'add both, deploy again (docs/deploy.md, "Snowflake")'
  );
}

/** What every stage gets unless {@link SNOWFLAKE_STAGES} lists it. */
export const SNOWFLAKE_OFF: SnowflakeAccess = {
  enabled: false,
  principalArn: undefined,
  externalId: undefined,
  includeCurated: false,
};

/**
 * Stages Snowflake reads, by stage name (opt-in per stage: `prod`, `staging` or a personal
 * stage). Empty: no stage creates the role. E.g.
 * `prod: { enabled: true, principalArn: 'arn:aws:iam::…:user/…', externalId: '…', includeCurated: false }`.
 */
export const SNOWFLAKE_STAGES: Readonly<Record<string, SnowflakeAccess>> = {};

/** Snowflake's IAM user in its own AWS account (any partition: Snowflake also runs in GovCloud). */
export const SNOWFLAKE_PRINCIPAL_PATTERN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:user\/[\w+=,.@/-]{1,512}$/;

/** Refuses Snowflake settings with an error naming each bad field. */
export function checkSnowflake(stage: string, s: SnowflakeAccess): void {
  const problems: string[] = [];
  const pending = s.principalArn === undefined && s.externalId === undefined;
  if (!pending) {
    if (s.principalArn === undefined || !SNOWFLAKE_PRINCIPAL_PATTERN.test(s.principalArn))
      problems.push(
        `principalArn: ${JSON.stringify(s.principalArn)} is not an IAM user ARN (arn:aws:iam::<12 digits>:user/<name>; ` +
          'API_AWS_IAM_USER_ARN of DESCRIBE CATALOG INTEGRATION)',
      );
    if (s.externalId === undefined || s.externalId.trim() === '')
      problems.push(
        `externalId: ${JSON.stringify(s.externalId)} must be non-empty (API_AWS_EXTERNAL_ID of DESCRIBE CATALOG INTEGRATION)`,
      );
  }
  if (!s.enabled && (!pending || s.includeCurated))
    problems.push(
      'enabled is false but other settings are set: enable the role or remove the stage from SNOWFLAKE_STAGES',
    );
  if (problems.length > 0) {
    throw new Error(
      `stage ${stage}: invalid snowflake settings (stacks/stage.ts SNOWFLAKE_STAGES): ${problems.join('; ')}`,
    );
  }
}

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

/**
 * What a profile decides beyond its sizes (`STAGE_SIZING`, packages/core); `stage`, `profile`
 * and the stage-derived values are added by {@link stageConfig}.
 */
type ProfileSettings = Omit<
  StageConfig,
  'stage' | 'profile' | 'cloudwatchNamespace' | 'snowflake' | keyof StageSizing
> & {
  readonly glue: Omit<StageConfig['glue'], keyof StageSizing['glue']>;
};

/** The scheduler's default namespace; prod uses it as is. */
export const CLOUDWATCH_NAMESPACE = DEFAULT_METRIC_NAMESPACE;

const DAY = 24 * 60 * 60;
const MIB = 1024 * 1024;

/**
 * The compaction policy every profile starts from (the Glue maintenance job's defaults, but
 * for the target size): one snapshot kept beyond retention, files under 32 MiB small,
 * compaction writes 128 MiB files (the table's own target is Iceberg's 512 MiB, more than a
 * topic's daily volume fills) once a group holds 5 files, and folds a data file's deletes
 * as soon as it has one.
 */
const MAINTENANCE_POLICY = {
  retainLast: 1,
  smallFileBytes: 32 * MIB,
  targetFileBytes: 128 * MIB,
  minInputFiles: 5,
  deleteFileThreshold: 1,
} as const;

/** 02:00–06:00 UTC: the night of the stage's European users, between the evening and morning peaks. */
const OFF_PEAK_WINDOW = { pattern: '0 2 * * *', tz: 'UTC', durationSeconds: 4 * 60 * 60 } as const;

const PROFILES = {
  dev: {
    /** @defaultValue `remove`, unprotected: dev and personal stages are disposable. */
    removal: 'remove',
    protect: false,
    deletionProtection: false,
    /** @defaultValue 3: a failing message reaches the DLQ within seconds while developing. */
    dlq: { maxReceiveCount: 3 },
    /** @defaultValue 4 days (SQS default) / 14 days: the DLQ keeps messages past the 7-day age alarm. */
    queueRetentionSeconds: { source: 4 * DAY, dlq: 14 * DAY },
    /** @defaultValue 7 days: long enough to debug last week's run, short enough to cost nothing. */
    logRetentionDays: 7,
    expirationDays: { quarantine: 14, firehoseErrors: 14, jobResults: 7 },
    /** @defaultValue off: dev tables are thrown away with the stage. */
    pointInTimeRecovery: false,
    /** @defaultValue no subscribers; 1 h queue age, 80 % Redis memory, 10 min below desired tasks. */
    alarms: { subscribers: [], sourceQueueMaxAgeSeconds: 3600, redisMemoryPercent: 80, tasksBelowDesiredMinutes: 10 },
    glue: { timeoutMinutes: { bootstrap: 30, curation: 60, semantic: 60, maintenance: 120 } },
    /**
     * @defaultValue daily at any time (no window: a dev stage is rarely up at night), 2 days of
     * snapshots, 3 days for orphans, Glue's smallest job: maintenance is cheap here.
     */
    maintenance: {
      intervalSeconds: DAY,
      retentionSeconds: 2 * DAY,
      orphanOlderThanSeconds: 3 * DAY,
      workers: 2,
      window: null,
      ...MAINTENANCE_POLICY,
    },
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
    /** @defaultValue 10: same as prod, so retry and DLQ behaviour is rehearsed as it will run. */
    dlq: { maxReceiveCount: 10 },
    queueRetentionSeconds: { source: 4 * DAY, dlq: 14 * DAY },
    /** @defaultValue 30 days: covers a release cycle of investigations. */
    logRetentionDays: 30,
    expirationDays: { quarantine: 30, firehoseErrors: 30, jobResults: 14 },
    /** @defaultValue on: restores are rehearsed here before they are needed in prod. */
    pointInTimeRecovery: true,
    /** @defaultValue as prod, so alarms are rehearsed here; add subscribers before the first deploy. */
    alarms: { subscribers: [], sourceQueueMaxAgeSeconds: 900, redisMemoryPercent: 80, tasksBelowDesiredMinutes: 5 },
    glue: { timeoutMinutes: { bootstrap: 30, curation: 120, semantic: 120, maintenance: 120 } },
    /** @defaultValue as prod, on 2 workers: the maintenance job is rehearsed here. */
    maintenance: {
      intervalSeconds: DAY,
      retentionSeconds: 5 * DAY,
      orphanOlderThanSeconds: 3 * DAY,
      workers: 2,
      window: OFF_PEAK_WINDOW,
      ...MAINTENANCE_POLICY,
    },
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
    /** @defaultValue on: checkpoints and registries are the pipeline's memory. */
    pointInTimeRecovery: true,
    /** @defaultValue 15 min queue age, 80 % Redis memory, 5 min below desired tasks; add subscribers before the first deploy. */
    alarms: { subscribers: [], sourceQueueMaxAgeSeconds: 900, redisMemoryPercent: 80, tasksBelowDesiredMinutes: 5 },
    glue: { timeoutMinutes: { bootstrap: 30, curation: 180, semantic: 180, maintenance: 120 } },
    /**
     * @defaultValue daily in the 02:00–06:00 UTC window, 5 days of snapshots (Iceberg's
     * default; the semantic lag alarm fires long before), 3 days for orphans, 4 workers:
     * compaction reads and rewrites a day of files.
     */
    maintenance: {
      intervalSeconds: DAY,
      retentionSeconds: 5 * DAY,
      orphanOlderThanSeconds: 3 * DAY,
      workers: 4,
      window: OFF_PEAK_WINDOW,
      ...MAINTENANCE_POLICY,
    },
    /** @defaultValue on: `sst deploy` fails (and ECS rolls back) when the new tasks do not become healthy. */
    waitForSteadyState: true,
    /** @defaultValue placeholders: set the prod account and region before the first deploy. */
    deployTarget: { accountId: PLACEHOLDER_ACCOUNT_ID, region: 'eu-west-1' },
  },
} as const satisfies Record<StageProfile, ProfileSettings>;

/** Iceberg 1.10's `remove_orphan_files` refuses `older_than` under 24 h (a write in progress is younger). */
export const MIN_ORPHAN_OLDER_THAN_SECONDS = DAY;

/** Refuses a profile's maintenance settings with an error naming each bad field. */
export function checkMaintenance(stage: string, m: StageConfig['maintenance']): void {
  const problems: string[] = [];
  if (m.orphanOlderThanSeconds < MIN_ORPHAN_OLDER_THAN_SECONDS)
    problems.push(`orphanOlderThanSeconds: ${m.orphanOlderThanSeconds} is under ${MIN_ORPHAN_OLDER_THAN_SECONDS}`);
  if (m.retentionSeconds <= 0) problems.push(`retentionSeconds: ${m.retentionSeconds} must be positive`);
  if (m.intervalSeconds < 0) problems.push(`intervalSeconds: ${m.intervalSeconds} must be 0 (off) or more`);
  const atLeast = (name: keyof typeof MAINTENANCE_POLICY, min: number) => {
    const value = m[name];
    if (!Number.isInteger(value) || value < min) problems.push(`${name}: ${value} must be an integer ≥ ${min}`);
  };
  atLeast('retainLast', 1);
  atLeast('smallFileBytes', 1);
  atLeast('targetFileBytes', 1);
  atLeast('minInputFiles', 2);
  atLeast('deleteFileThreshold', 1);
  if (m.targetFileBytes <= m.smallFileBytes)
    problems.push(
      `targetFileBytes: ${m.targetFileBytes} must be above smallFileBytes (${m.smallFileBytes}), or compacted files count as small`,
    );
  if (m.window !== null) {
    // The scheduler's own rules (cron-parser, Intl): a window the stage passes is one it accepts.
    const window = maintenanceWindowSchema.safeParse(m.window);
    if (!window.success) problems.push(...formatZodIssues(window.error, m.window, ['window']));
  }
  if (problems.length > 0) {
    throw new Error(`stage ${stage}: invalid maintenance settings (stacks/stage.ts): ${problems.join('; ')}`);
  }
}

/**
 * The configuration of `stage`.
 *
 * @throws InvalidStageNameError (packages/core) when the name does not match `STAGE_NAME_PATTERN`.
 */
export function stageConfig(stage: string): StageConfig {
  const { profile, ...sizing } = stageSizing(stage);
  // A deep copy on every call: a caller that mutates its copy cannot change another stack's.
  const settings: ProfileSettings = structuredClone(PROFILES[profile]);
  // A mistyped subscriber would only show as alarms that never arrive: refuse it before any deploy.
  checkAlarmSubscribers(stage, settings.alarms.subscribers);
  checkMaintenance(stage, settings.maintenance);
  // Own keys only: a stage named like an Object.prototype member (`constructor`) is not listed.
  const listed = Object.hasOwn(SNOWFLAKE_STAGES, stage) ? SNOWFLAKE_STAGES[stage] : undefined;
  const snowflake: SnowflakeAccess = { ...(listed ?? SNOWFLAKE_OFF) };
  checkSnowflake(stage, snowflake);
  return {
    ...sizing,
    profile,
    ...settings,
    glue: { ...sizing.glue, ...settings.glue },
    // Stages sharing an account (dev and personal stages) must not feed each other's alarms.
    cloudwatchNamespace: profile === 'prod' ? CLOUDWATCH_NAMESPACE : `${CLOUDWATCH_NAMESPACE}/${stage}`,
    snowflake,
  };
}

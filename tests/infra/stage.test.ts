import { maintenanceWindowSchema, schedulerTuningSchema, thresholdsSchema } from '@lean-ops/config';
import { InvalidStageNameError, STAGE_SIZING, type StageSizing, stageSizing } from '@lean-ops/core';
import {
  type CostScenario,
  costReport,
  estimateCost,
  glueDpus,
  glueJobSeconds,
  INGEST_MSGS_PER_VCPU_SECOND,
  INGEST_TARGET_UTILIZATION,
  parseTaskSize,
} from '@lean-ops/cost';
import { describe, expect, it } from 'vitest';
import {
  CLOUDWATCH_NAMESPACE,
  checkMaintenance,
  type FargateSize,
  type StageConfig,
  stageConfig,
  stageProfile,
} from '../../stacks/stage';

/** The app config's threshold defaults (contract §7): alarms and the scheduler use the file's values. */
const CONTRACT_DEFAULTS = thresholdsSchema.parse({});
const SQS_MAX_RETENTION_SECONDS = 14 * 24 * 60 * 60;

describe('stageConfig', () => {
  it('retains and protects prod, with deletion protection and point-in-time recovery', () => {
    const prod = stageConfig('prod');

    expect(prod).toMatchObject({ stage: 'prod', profile: 'prod', removal: 'retain', protect: true });
    expect(prod).toMatchObject({ deletionProtection: true, pointInTimeRecovery: true, nat: 'managed' });
  });

  it('removes dev without protection or point-in-time recovery', () => {
    const dev = stageConfig('dev');

    expect(dev).toMatchObject({ stage: 'dev', profile: 'dev', removal: 'remove', protect: false });
    expect(dev).toMatchObject({ deletionProtection: false, pointInTimeRecovery: false, managedPrometheus: false });
  });

  it('puts prod metrics in the LeanOps namespace and every other stage in its own', () => {
    expect(stageConfig('prod').cloudwatchNamespace).toBe(CLOUDWATCH_NAMESPACE);
    expect(stageConfig('staging').cloudwatchNamespace).toBe('LeanOps/staging');
    expect(stageConfig('alice').cloudwatchNamespace).toBe('LeanOps/alice');
  });

  it('gives staging its own, disposable profile', () => {
    const staging = stageConfig('staging');

    expect(staging).toMatchObject({ profile: 'staging', removal: 'remove', protect: false });
    expect(staging.ingest.maxTasks).toBeLessThan(stageConfig('prod').ingest.maxTasks);
  });

  it.each(['alice', 'ci', 'pr-123', 'production', 'prod2', 'a'])(
    'gives any other stage (%s) the dev settings',
    (stage) => {
      const config = stageConfig(stage);

      expect(stageProfile(stage)).toBe('dev');
      expect(config).toEqual({ ...stageConfig('dev'), stage, cloudwatchNamespace: `LeanOps/${stage}` });
    },
  );

  it.each(['dev', 'staging', 'prod'])('keeps %s within the limits AWS accepts', (stage) => {
    const { ingest, dlq, firehose, queueRetentionSeconds, glue, redis } = stageConfig(stage);

    // At least one task: the backlog-per-task metric divides by the running tasks.
    expect(ingest.minTasks).toBeGreaterThanOrEqual(1);
    expect(ingest.minTasks).toBeLessThanOrEqual(ingest.maxTasks);
    expect(ingest.backlogPerTaskTarget).toBeGreaterThan(0);
    for (const seconds of Object.values(queueRetentionSeconds)) {
      expect(seconds).toBeGreaterThanOrEqual(60); // SQS retention: 60 s .. 14 days
      expect(seconds).toBeLessThanOrEqual(SQS_MAX_RETENTION_SECONDS);
    }
    expect(glue.workers).toBeGreaterThanOrEqual(2); // Glue Spark jobs: at least 2 workers
    expect(redis.replicas).toBeGreaterThanOrEqual(0);
    expect(dlq.maxReceiveCount).toBeGreaterThanOrEqual(1); // SQS redrive: 1..1000
    expect(dlq.maxReceiveCount).toBeLessThanOrEqual(1000);
    expect(firehose.bufferingIntervalSeconds).toBeGreaterThanOrEqual(0); // Iceberg destination: 0..900 s
    expect(firehose.bufferingIntervalSeconds).toBeLessThanOrEqual(900);
    expect(firehose.bufferingSizeMiB).toBeGreaterThanOrEqual(1); // Iceberg destination: 1..128 MiB
    expect(firehose.bufferingSizeMiB).toBeLessThanOrEqual(128);
  });

  it('buffers Firehose for less than the default trigger interval, so a run sees the previous interval', () => {
    for (const stage of ['dev', 'staging', 'prod']) {
      const { firehose } = stageConfig(stage);

      expect(firehose.bufferingIntervalSeconds, stage).toBeLessThan(CONTRACT_DEFAULTS.triggerIntervalSeconds);
    }
  });

  it('keeps snapshots longer than the semantic lag alarm waits, and orphans at least the 24 h Iceberg requires', () => {
    for (const stage of ['dev', 'staging', 'prod']) {
      const { maintenance, glue } = stageConfig(stage);

      expect(maintenance.retentionSeconds, stage).toBeGreaterThan(CONTRACT_DEFAULTS.semanticLagSeconds);
      expect(maintenance.orphanOlderThanSeconds, stage).toBeGreaterThanOrEqual(86_400);
      expect(maintenance.intervalSeconds, stage).toBeGreaterThan(0);
      expect(glue.timeoutMinutes.maintenance * 60, stage).toBeLessThan(maintenance.intervalSeconds);
    }
  });

  it('maintains prod and staging in an off-peak window, dev at any time, with a valid compaction policy', () => {
    expect(stageConfig('prod').maintenance.window).toEqual({
      pattern: '0 2 * * *',
      tz: 'UTC',
      durationSeconds: 14_400,
    });
    expect(stageConfig('staging').maintenance.window).toEqual(stageConfig('prod').maintenance.window);
    expect(stageConfig('alice').maintenance.window).toBeNull();
    for (const stage of ['dev', 'staging', 'prod']) {
      const { window, ...m } = stageConfig(stage).maintenance;
      // The scheduler's own rules (cron-parser, Intl) accept the window the stage passes it.
      if (window !== null) expect(maintenanceWindowSchema.parse(window), stage).toEqual(window);
      expect(m.targetFileBytes, stage).toBeGreaterThan(m.smallFileBytes);
      expect(m.retainLast, stage).toBeGreaterThanOrEqual(1);
    }
  });

  it('takes its sizes from the contract’s STAGE_SIZING, which lean-ops cost prices without stacks/', () => {
    for (const stage of ['dev', 'alice', 'staging', 'prod']) {
      const config = stageConfig(stage);
      const sizing = stageSizing(stage);

      expect(sizing.profile, stage).toBe(config.profile);
      for (const key of Object.keys(STAGE_SIZING.dev) as (keyof StageSizing)[])
        expect(sizing[key], `${stage} ${key}`).toEqual(
          key === 'glue' ? { ...config.glue, timeoutMinutes: undefined } : config[key],
        );
    }
    expect(() => stageSizing('Prod')).toThrow(InvalidStageNameError);
    expect(() => stageConfig('Prod')).toThrow(InvalidStageNameError);
  });

  it('refuses bad maintenance settings, naming each field', () => {
    const good = stageConfig('prod').maintenance;
    expect(() => checkMaintenance('prod', good)).not.toThrow();
    const act = () =>
      checkMaintenance('prod', {
        ...good,
        retainLast: 0,
        minInputFiles: 1,
        targetFileBytes: good.smallFileBytes,
        deleteFileThreshold: 1.5,
        window: { pattern: '0 2 * *', tz: 'Mars/Olympus', durationSeconds: 60 },
      });

    expect(act).toThrow(/^stage prod: invalid maintenance settings/);
    expect(() =>
      checkMaintenance('prod', { ...good, window: { pattern: '0 2 * * mon-xyz', tz: 'UTC', durationSeconds: 600 } }),
    ).toThrow('window.pattern: not a cron pattern: "0 2 * * mon-xyz"');
    for (const field of [
      'retainLast: 0 must be an integer ≥ 1',
      'minInputFiles: 1 must be an integer ≥ 2',
      'deleteFileThreshold: 1.5 must be an integer ≥ 1',
      `targetFileBytes: ${good.smallFileBytes} must be above smallFileBytes`,
      'window.tz: not an IANA time zone: "Mars/Olympus"',
      'window.durationSeconds: Too small: expected number to be >=300 (got 60)',
    ])
      expect(act).toThrow(field);
  });

  it('keeps DLQ messages longer than the DLQ age alarm waits, so the alarm fires before data is lost', () => {
    for (const stage of ['dev', 'staging', 'prod']) {
      expect(stageConfig(stage).queueRetentionSeconds.dlq, stage).toBeGreaterThan(CONTRACT_DEFAULTS.dlqMaxAgeSeconds);
    }
  });

  it('sizes prod above staging and staging above dev', () => {
    const [dev, staging, prod] = ['dev', 'staging', 'prod'].map(stageConfig);

    expect(prod?.ingest.maxTasks).toBeGreaterThan(staging?.ingest.maxTasks ?? Infinity);
    expect(staging?.ingest.maxTasks).toBeGreaterThan(dev?.ingest.maxTasks ?? Infinity);
    expect(prod?.redis.replicas).toBeGreaterThan(0);
    expect(prod?.managedPrometheus).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['Prod', 'uppercase'],
    ['1dev', 'leading digit'],
    ['-dev', 'leading hyphen'],
    ['my_stage', 'underscore'],
    ['dev.alice', 'dot'],
    ['a'.repeat(32), '32 characters'],
  ])('rejects the stage name %j (%s) with an error naming it', (stage) => {
    expect(() => stageConfig(stage)).toThrow(`invalid stage name ${JSON.stringify(stage)}`);
  });

  it('accepts a 31-character stage name', () => {
    expect(stageConfig('a'.repeat(31)).profile).toBe('dev');
  });

  it('returns a fresh object on every call', () => {
    const first = stageConfig('prod') as { -readonly [K in keyof StageConfig]: StageConfig[K] };
    first.removal = 'remove';
    (first.ingest as { maxTasks: number }).maxTasks = 1;
    (first.glue.timeoutMinutes as { curation: number }).curation = 1;

    expect(stageConfig('prod').removal).toBe('retain');
    expect(stageConfig('prod').ingest.maxTasks).toBe(10);
    expect(stageConfig('prod').glue.timeoutMinutes.curation).toBe(180);
  });

  it('rejects unknown keys at compile time', () => {
    const config: StageConfig = {
      ...stageConfig('dev'),
      // @ts-expect-error: not a StageConfig key (npm run typecheck fails if this ever compiles)
      ingestTasks: 3,
    };
    // @ts-expect-error: Fargate has no 0.25 vCPU / 4 GB task
    const size: FargateSize = { cpu: '0.25 vCPU', memory: '4 GB' };

    expect(config.stage).toBe('dev');
    expect(size.cpu).toBe('0.25 vCPU');
  });
});

/** The reference load: 20 topics, 1,000 msg/s of ~1 KiB, the config's defaults. */
function reference(stage: string, topics = 20): CostScenario {
  const scheduler = schedulerTuningSchema.parse({});
  return {
    stage: stageConfig(stage),
    topics,
    msgsPerSecond: 1000,
    msgBytes: 1024,
    triggerIntervalSeconds: CONTRACT_DEFAULTS.triggerIntervalSeconds,
    rawPollSeconds: scheduler.rawPollSeconds,
    pollersPerQueue: 4,
    waitTimeSeconds: 20,
  };
}

/** The rate a stage's ingest fleet sustains at most: maxTasks at the measured per-vCPU rate, with headroom. */
function peakMsgsPerSecond(stage: StageConfig): number {
  const { vcpu } = parseTaskSize(stage.ingest.size, 'ingest.size');
  return stage.ingest.maxTasks * vcpu * INGEST_MSGS_PER_VCPU_SECOND.value * INGEST_TARGET_UTILIZATION;
}

/** Seconds of a run (curation, then semantic) over 20 topics at `rate` msg/s, every `minRunIntervalSeconds`. */
function runSeconds(stage: StageConfig, rate: number, workers = stage.glue.workers): number {
  const dpus = glueDpus({ workerType: stage.glue.workerType, workers });
  return 2 * glueJobSeconds({ topics: 20, rows: rate * stage.glue.minRunIntervalSeconds, dpus });
}

describe('stageConfig: Glue execution class and run interval (docs/cost.md)', () => {
  it('runs curation and semantic on Flex off prod and standard in prod', () => {
    expect(stageConfig('dev').glue.executionClass).toBe('FLEX');
    expect(stageConfig('alice').glue.executionClass).toBe('FLEX');
    expect(stageConfig('staging').glue.executionClass).toBe('FLEX');
    expect(stageConfig('prod').glue.executionClass).toBe('STANDARD');
  });

  it.each(['dev', 'staging', 'prod'])('%s: Flex only on the worker types Glue allows it on', (stage) => {
    const { glue } = stageConfig(stage);

    if (glue.executionClass === 'FLEX') expect(['G.1X', 'G.2X']).toContain(glue.workerType);
  });

  it.each(['dev', 'staging', 'prod'])(
    '%s: a minimum run interval above the RAW poll and below the timer, which it would otherwise slow',
    (stage) => {
      const { glue } = stageConfig(stage);

      expect(glue.minRunIntervalSeconds).toBeGreaterThanOrEqual(schedulerTuningSchema.parse({}).rawPollSeconds);
      expect(glue.minRunIntervalSeconds).toBeLessThan(CONTRACT_DEFAULTS.triggerIntervalSeconds);
    },
  );

  it('prod at 20 topics and 1,000 msg/s: Glue ≤ 1/5 of the seeds’ design, semantic freshness p99 ≤ 15 min', () => {
    const report = costReport(estimateCost(reference('prod')));

    expect(report.glue.keeps_up).toBe(true);
    expect(report.glue_usd_per_day).toBeLessThanOrEqual(report.seeds.glue_usd_per_day / 5);
    expect(report.freshness_p99_seconds ?? Infinity).toBeLessThanOrEqual(15 * 60);
  });

  it.each(['dev', 'staging', 'prod'])(
    '%s: a run at the ingest fleet’s peak rate fits in the minimum interval (the lake keeps up)',
    (stage) => {
      const config = stageConfig(stage);

      expect(runSeconds(config, peakMsgsPerSecond(config))).toBeLessThanOrEqual(config.glue.minRunIntervalSeconds);
    },
  );

  it('sizes prod’s workers to the fewest that keep up with its peak: one fewer would not', () => {
    const prod = stageConfig('prod');

    expect(runSeconds(prod, peakMsgsPerSecond(prod), prod.glue.workers - 1)).toBeGreaterThan(
      prod.glue.minRunIntervalSeconds,
    );
  });
});

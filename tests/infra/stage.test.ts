import { describe, expect, it } from 'vitest';
import { CONTRACT_THRESHOLDS, type FargateSize, type StageConfig, stageConfig, stageProfile } from '../../stacks/stage';

describe('stageConfig', () => {
  it('retains and protects prod, with point-in-time recovery', () => {
    const prod = stageConfig('prod');

    expect(prod).toMatchObject({ stage: 'prod', profile: 'prod', removal: 'retain', protect: true });
    expect(prod.pointInTimeRecovery).toBe(true);
  });

  it('removes dev without protection or point-in-time recovery', () => {
    const dev = stageConfig('dev');

    expect(dev).toMatchObject({ stage: 'dev', profile: 'dev', removal: 'remove', protect: false });
    expect(dev.pointInTimeRecovery).toBe(false);
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
      expect(config).toEqual({ ...stageConfig('dev'), stage });
    },
  );

  it('uses the contract §7 thresholds on every stage', () => {
    const contract = {
      dlqMaxAgeSeconds: 604_800, // 7 days
      curationPendingRecords: 100_000,
      semanticLagSeconds: 7_200, // 2 hours
      triggerIntervalSeconds: 900, // every 15 minutes
      backlogRecords: 10_000,
    };

    expect(CONTRACT_THRESHOLDS).toEqual(contract);
    for (const stage of ['dev', 'staging', 'prod', 'alice']) {
      expect(stageConfig(stage).thresholds, stage).toEqual(contract);
    }
  });

  it.each(['dev', 'staging', 'prod'])('keeps %s within the limits AWS accepts', (stage) => {
    const { ingest, dlq, firehose } = stageConfig(stage);

    expect(ingest.minTasks).toBeGreaterThanOrEqual(1);
    expect(ingest.minTasks).toBeLessThanOrEqual(ingest.maxTasks);
    expect(dlq.maxReceiveCount).toBeGreaterThanOrEqual(1); // SQS redrive: 1..1000
    expect(dlq.maxReceiveCount).toBeLessThanOrEqual(1000);
    expect(firehose.bufferingIntervalSeconds).toBeGreaterThanOrEqual(0); // Iceberg destination: 0..900 s
    expect(firehose.bufferingIntervalSeconds).toBeLessThanOrEqual(900);
    expect(firehose.bufferingSizeMiB).toBeGreaterThanOrEqual(1); // Iceberg destination: 1..128 MiB
    expect(firehose.bufferingSizeMiB).toBeLessThanOrEqual(128);
  });

  it('buffers Firehose for less than one trigger interval, so a run sees the previous interval', () => {
    for (const stage of ['dev', 'staging', 'prod']) {
      const { firehose, thresholds } = stageConfig(stage);

      expect(firehose.bufferingIntervalSeconds, stage).toBeLessThan(thresholds.triggerIntervalSeconds);
    }
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
    (first.thresholds as { backlogRecords: number }).backlogRecords = 1;

    expect(stageConfig('prod').removal).toBe('retain');
    expect(stageConfig('prod').thresholds.backlogRecords).toBe(10_000);
    expect(CONTRACT_THRESHOLDS.backlogRecords).toBe(10_000);
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

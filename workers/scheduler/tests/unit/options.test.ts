import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@lean-ops/config';
import { describe, expect, it } from 'vitest';
import {
  parseSchedulerOptions,
  readSchedulerEnvironment,
  schedulerOptionsOf,
  withSchedulerEnvironment,
} from '../../src/index.js';

const REDIS = 'redis://127.0.0.1:6379';

describe('Function: schedulerOptionsOf', () => {
  it('takes the timer and the backlog rule from thresholds, the tuning from the scheduler section', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scheduler-options-'));
    writeFileSync(
      join(dir, 'lean-ops.config.json'),
      JSON.stringify({
        topics: { sensors: {}, meters: {} },
        thresholds: { backlogRecords: 50, triggerIntervalSeconds: 60 },
        scheduler: { concurrency: 2 },
      }),
    );
    const options = parseSchedulerOptions(schedulerOptionsOf(loadConfig({ cwd: dir, env: {} }), REDIS));

    expect(options).toMatchObject({
      redisUrl: REDIS,
      topics: ['sensors', 'meters'],
      backlogRecords: 50,
      triggerIntervalSeconds: 60,
      concurrency: 2,
      attempts: 3,
      prefix: 'lean-ops',
    });
  });
});

describe('Function: parseSchedulerOptions', () => {
  const base = { redisUrl: REDIS, topics: ['sensors'], triggerIntervalSeconds: 0 };

  it('applies the backlog rule and default of thresholds.backlogRecords', () => {
    expect(parseSchedulerOptions(base).backlogRecords).toBe(10_000);
    expect(() => parseSchedulerOptions({ ...base, backlogRecords: 0 })).toThrow(/backlogRecords: .*>0/);
  });

  it('needs the timer from the deployment (0 turns it off)', () => {
    const { triggerIntervalSeconds: _timer, ...withoutTimer } = base;
    expect(() => parseSchedulerOptions(withoutTimer)).toThrow(/triggerIntervalSeconds: .*\(missing\)/);
    expect(parseSchedulerOptions(base).triggerIntervalSeconds).toBe(0);
  });
});

describe('Job batching options', () => {
  const base = { redisUrl: REDIS, topics: ['a', 'b', 'c'], triggerIntervalSeconds: 0 };

  it('gives every topic a slot unless concurrency is set (a run waiting for its batch holds one)', () => {
    expect(parseSchedulerOptions(base).concurrency).toBe(3);
    expect(parseSchedulerOptions({ ...base, concurrency: 2 }).concurrency).toBe(2);
  });

  it('defaults to no minimum interval and a short gather window, and names a bad value', () => {
    expect(parseSchedulerOptions(base)).toMatchObject({ jobMinIntervalSeconds: 0, jobGatherMs: 200 });
    expect(() => parseSchedulerOptions({ ...base, jobMinIntervalSeconds: -1 })).toThrow(/jobMinIntervalSeconds/);
  });

  it('takes the stage’s LEAN_OPS_JOB_MIN_INTERVAL_SECONDS over the config file’s value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scheduler-options-'));
    writeFileSync(
      join(dir, 'lean-ops.config.json'),
      JSON.stringify({ topics: { sensors: {} }, scheduler: { jobMinIntervalSeconds: 60 } }),
    );
    const config = loadConfig({ cwd: dir, env: {} });
    const options = (env: NodeJS.ProcessEnv) =>
      parseSchedulerOptions(schedulerOptionsOf(withSchedulerEnvironment(config, readSchedulerEnvironment(env)), REDIS));

    expect(options({}).jobMinIntervalSeconds).toBe(60);
    expect(options({ LEAN_OPS_JOB_MIN_INTERVAL_SECONDS: '900' }).jobMinIntervalSeconds).toBe(900);
    expect(() => readSchedulerEnvironment({ LEAN_OPS_JOB_MIN_INTERVAL_SECONDS: 'soon' })).toThrow(
      /LEAN_OPS_JOB_MIN_INTERVAL_SECONDS/,
    );
    expect(() => readSchedulerEnvironment({ LEAN_OPS_JOB_MIN_INTERVAL_SECONDS: '-5' })).toThrow(
      /LEAN_OPS_JOB_MIN_INTERVAL_SECONDS/,
    );
  });

  it('maintains tables daily by default, takes the stage’s LEAN_OPS_MAINTENANCE_INTERVAL_SECONDS, and names a bad value', () => {
    expect(parseSchedulerOptions(base).maintenanceIntervalSeconds).toBe(86_400);
    expect(() => parseSchedulerOptions({ ...base, maintenanceIntervalSeconds: -1 })).toThrow(
      /maintenanceIntervalSeconds/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'scheduler-options-'));
    writeFileSync(
      join(dir, 'lean-ops.config.json'),
      JSON.stringify({ topics: { sensors: {} }, scheduler: { maintenanceIntervalSeconds: 3600 } }),
    );
    const config = loadConfig({ cwd: dir, env: {} });
    const options = (env: NodeJS.ProcessEnv) =>
      parseSchedulerOptions(schedulerOptionsOf(withSchedulerEnvironment(config, readSchedulerEnvironment(env)), REDIS));

    expect(options({}).maintenanceIntervalSeconds).toBe(3600);
    expect(options({ LEAN_OPS_MAINTENANCE_INTERVAL_SECONDS: '0' }).maintenanceIntervalSeconds).toBe(0);
    expect(options({ LEAN_OPS_MAINTENANCE_INTERVAL_SECONDS: '7200' }).jobMinIntervalSeconds).toBe(0);
    expect(() => readSchedulerEnvironment({ LEAN_OPS_MAINTENANCE_INTERVAL_SECONDS: '1.5' })).toThrow(
      /LEAN_OPS_MAINTENANCE_INTERVAL_SECONDS/,
    );
  });
});

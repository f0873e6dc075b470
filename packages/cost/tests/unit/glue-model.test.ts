import { describe, expect, it } from 'vitest';
import {
  ASSUMPTIONS,
  CostModelError,
  type GlueScheduleInput,
  glueBilledSeconds,
  glueDpus,
  glueJobRunsUsd,
  leanGlueSchedule,
  SPARK_ROWS_PER_DPU_SECOND,
  seedsGlueSchedule,
} from '../../src/index.js';

const S = ASSUMPTIONS.glueRunStartSeconds;
const T = ASSUMPTIONS.glueTopicSeconds;
const R = SPARK_ROWS_PER_DPU_SECOND.value;

/** 20 topics at 1,000 msg/s, prod's shape: 300 s Firehose commits, a run per 360 s at most, 7 × G.2X. */
const PROD_LIKE: GlueScheduleInput = {
  topics: 20,
  msgsPerSecond: 1000,
  commitIntervalSeconds: 300,
  minRunIntervalSeconds: 360,
  triggerIntervalSeconds: 900,
  rawPollSeconds: 30,
  sizing: { workerType: 'G.2X', workers: 7, executionClass: 'STANDARD' },
};

describe('Glue billing arithmetic', () => {
  it('bills whole seconds with a one-minute minimum', () => {
    expect(glueBilledSeconds(0.5)).toBe(60);
    expect(glueBilledSeconds(59.9)).toBe(60);
    expect(glueBilledSeconds(60.2)).toBe(61);
    expect(glueBilledSeconds(82.48)).toBe(83);
  });

  it('counts DPUs per worker type and refuses an unknown one, naming it', () => {
    expect(glueDpus({ workerType: 'G.1X', workers: 2 })).toBe(2);
    expect(glueDpus({ workerType: 'G.2X', workers: 7 })).toBe(14);
    expect(() => glueDpus({ workerType: 'G.3X', workers: 2 })).toThrow(CostModelError);
    expect(() => glueDpus({ workerType: 'G.3X', workers: 2 })).toThrow(/glue\.workerType: unknown worker type G\.3X/);
  });

  it("reproduces the issue's figures: 57,600 and 3,840 job runs of 2 DPU × 2 billed minutes", () => {
    // 57,600 × 2 DPU × 2/60 h = 3,840 DPU-hours × $0.44 = $1,689.60; 3,840 runs: 256 DPU-h = $112.64.
    expect(glueJobRunsUsd({ count: 57_600, dpus: 2, billedSeconds: 120, executionClass: 'STANDARD' })).toBeCloseTo(
      1689.6,
      6,
    );
    expect(glueJobRunsUsd({ count: 3840, dpus: 2, billedSeconds: 120, executionClass: 'STANDARD' })).toBeCloseTo(
      112.64,
      6,
    );
    // Flex: the same minute of 2 DPU at $0.29 instead of $0.44.
    expect(glueJobRunsUsd({ count: 1, dpus: 2, billedSeconds: 60, executionClass: 'FLEX' })).toBeCloseTo(0.29 / 30, 9);
  });
});

describe('leanGlueSchedule', () => {
  it('runs every topic in one run per minimum interval when traffic is steady (worked by hand)', () => {
    const schedule = leanGlueSchedule(PROD_LIKE);

    // Some topic commits every 300/20 = 15 s, the RAW poll sees it within 30 s: the 360 s floor wins.
    const job = S + 20 * T + (1000 * 360) / (R * 14);
    expect(schedule.runIntervalSeconds).toBe(360);
    expect(schedule.runsPerDay).toBe(240);
    expect(schedule.jobRunsPerDay).toBe(480);
    expect(schedule.topicsPerJobRun).toBe(20);
    expect(schedule.jobSeconds).toBeCloseTo(job, 9);
    expect(schedule.billedSecondsPerJobRun).toBe(Math.ceil(job));
    expect(schedule.usdPerDay).toBeCloseTo(((480 * 14 * Math.ceil(job)) / 3600) * 0.44, 9);
    // Freshness: the commit (300 s), the wait for the next run (360 s), curation and semantic.
    expect(schedule.freshnessP99Seconds).toBeCloseTo(300 + 360 + 2 * job, 9);
  });

  it('bills the one-minute minimum when a run is shorter', () => {
    const schedule = leanGlueSchedule({ ...PROD_LIKE, topics: 1, msgsPerSecond: 10, commitIntervalSeconds: 60 });

    expect(schedule.jobSeconds).toBeLessThan(60);
    expect(schedule.billedSecondsPerJobRun).toBe(60);
    expect(schedule.usdPerDay).toBeCloseTo(((480 * 14 * 60) / 3600) * 0.44, 9);
  });

  it('runs back to back when a run outlasts the minimum interval: I = 2(S + t) / (1 − rows share)', () => {
    // 2 DPU and R/2 rows per second: the rows take half of every run, so I = 2 × (S + t) / 0.5.
    const schedule = leanGlueSchedule({
      topics: 1,
      msgsPerSecond: R / 2,
      commitIntervalSeconds: 1,
      minRunIntervalSeconds: 0,
      triggerIntervalSeconds: 900,
      rawPollSeconds: 1,
      sizing: { workerType: 'G.1X', workers: 2, executionClass: 'FLEX' },
    });

    expect(schedule.runIntervalSeconds).toBeCloseTo(4 * (S + T), 6);
    expect(schedule.jobSeconds).toBeCloseTo(2 * (S + T), 6);
    expect(schedule.keepsUp).toBe(true);
  });

  it('says when the jobs cannot keep up, and bills Glue all day', () => {
    const schedule = leanGlueSchedule({
      ...PROD_LIKE,
      msgsPerSecond: R * 7,
      sizing: { workerType: 'G.1X', workers: 2, executionClass: 'STANDARD' },
    });

    expect(schedule.keepsUp).toBe(false);
    expect(schedule.freshnessP99Seconds).toBeNull();
    expect(schedule.usdPerDay).toBeCloseTo(24 * 2 * 0.44, 9);
  });

  it('with the RAW watcher off, the timer sets the pace', () => {
    const schedule = leanGlueSchedule({ ...PROD_LIKE, rawPollSeconds: 0, minRunIntervalSeconds: 60 });

    expect(schedule.runIntervalSeconds).toBe(900);
  });

  it('refuses an input it cannot price, naming the field', () => {
    expect(() => leanGlueSchedule({ ...PROD_LIKE, topics: 0 })).toThrow(/topics: must be > 0 \(got 0\)/);
    expect(() => leanGlueSchedule({ ...PROD_LIKE, minRunIntervalSeconds: -1 })).toThrow(/minRunIntervalSeconds/);
  });
});

describe('seedsGlueSchedule', () => {
  it("runs each topic every trigger interval with two jobs: the issue's 3,840 job runs at 20 topics", () => {
    const schedule = seedsGlueSchedule(PROD_LIKE);

    // 20 topics × 96 runs a day × 2 jobs; each over one topic's 15 minutes: 50 msg/s × 900 s.
    const job = S + T + (50 * 900) / (R * 14);
    expect(schedule.runsPerDay).toBe(1920);
    expect(schedule.jobRunsPerDay).toBe(3840);
    expect(schedule.rowsPerJobRun).toBe(45_000);
    expect(schedule.jobSeconds).toBeCloseTo(job, 9);
    expect(schedule.billedSecondsPerJobRun).toBe(60);
    expect(schedule.executionClass).toBe('STANDARD');
    expect(schedule.usdPerDay).toBeCloseTo(((3840 * 14 * 60) / 3600) * 0.44, 9);
    expect(schedule.freshnessP99Seconds).toBeCloseTo(300 + 900 + 2 * job, 9);
  });

  it('stays standard even when the stage runs Flex (the seeds name no execution class)', () => {
    const flex = seedsGlueSchedule({ ...PROD_LIKE, sizing: { ...PROD_LIKE.sizing, executionClass: 'FLEX' } });

    expect(flex.usdPerDay).toBe(seedsGlueSchedule(PROD_LIKE).usdPerDay);
  });
});

import { describe, expect, it } from 'vitest';
import {
  ASSUMPTIONS,
  COMPONENTS,
  CostModelError,
  type CostScenario,
  type CostStage,
  costReport,
  DAYS_PER_MONTH,
  estimateCost,
  freshnessRows,
  freshnessTableMarkdown,
  INGEST_MSGS_PER_VCPU_SECOND,
  INGEST_TARGET_UTILIZATION,
  PRICE_TABLE_DATE,
  PRICES,
} from '../../src/index.js';

/** A prod-shaped stage written out here, so that these tests do not move with stacks/stage.ts. */
const STAGE: CostStage = {
  stage: 'prod',
  nat: 'managed',
  vpcEndpoints: true,
  managedPrometheus: true,
  ingest: { minTasks: 2, maxTasks: 10, size: { cpu: '1 vCPU', memory: '2 GB' } },
  dlqProcessor: { size: { cpu: '0.5 vCPU', memory: '1 GB' } },
  scheduler: { size: { cpu: '0.5 vCPU', memory: '1 GB' } },
  firehose: { bufferingIntervalSeconds: 300, bufferingSizeMiB: 128 },
  redis: { instance: 'm7g.large', replicas: 1 },
  glue: { workerType: 'G.2X', workers: 7, executionClass: 'STANDARD', minRunIntervalSeconds: 360 },
};

const SCENARIO: CostScenario = {
  stage: STAGE,
  topics: 20,
  msgsPerSecond: 1000,
  msgBytes: 1024,
  triggerIntervalSeconds: 900,
  rawPollSeconds: 30,
  pollersPerQueue: 4,
  waitTimeSeconds: 20,
};

const TASK_CAPACITY = INGEST_MSGS_PER_VCPU_SECOND.value * INGEST_TARGET_UTILIZATION;

describe('estimateCost', () => {
  it('sizes ingest from the measured per-vCPU rate with headroom, within min and max tasks', () => {
    // ~5,643 msg/s per vCPU × 0.7 ≈ 3,950 per 1-vCPU task: 20,000 msg/s needs ceil(5.06) = 6.
    expect(Math.ceil(20_000 / TASK_CAPACITY)).toBe(6);
    expect(estimateCost({ ...SCENARIO, msgsPerSecond: 20_000 }).ingestTasks).toBe(6);
    expect(estimateCost({ ...SCENARIO, msgsPerSecond: 10 }).ingestTasks).toBe(2);
    const over = estimateCost({ ...SCENARIO, msgsPerSecond: 100_000 });
    expect(over.ingestTasks).toBe(10);
    expect(over.ingestOverCapacity).toBe(true);
  });

  it('prices Fargate as tasks × (vCPU × rate + GB × rate) for 24 hours (worked by hand)', () => {
    const { fargate } = estimateCost({ ...SCENARIO, msgsPerSecond: 20_000 }).leanOps.components;

    // 6 ingest tasks of 1 vCPU / 2 GB, DLQ and scheduler 0.5 vCPU / 1 GB each: 7 vCPU, 14 GB.
    expect(fargate.usdPerDay).toBeCloseTo(24 * (7 * 0.04048 + 14 * 0.004445), 9);
    expect(fargate.basis).toBe('6 ingest + DLQ + scheduler tasks: 7 vCPU, 14 GB');
  });

  it('bills SQS per 64 KB chunk: a 100 KB message is two requests to send', () => {
    const small = estimateCost({ ...SCENARIO, msgBytes: 1000 }).leanOps.components.sqs.usdPerDay;
    const large = estimateCost({ ...SCENARIO, msgBytes: 100_000 }).leanOps.components.sqs.usdPerDay;
    // Sends alone: 86.4M messages a day; each 100 KB message is 2 chunks.
    const sends = (86_400_000 / 1_000_000) * PRICES.sqsRequests.usd;
    expect(large - small).toBeGreaterThanOrEqual(sends);
  });

  it('prices Firehose per GB of RAW records, the same in both designs', () => {
    const estimate = estimateCost(SCENARIO);
    const recordBytes = 1024 * ASSUMPTIONS.rawRecordEscapeFactor + ASSUMPTIONS.rawRecordEnvelopeBytes;
    const gb = (86_400_000 * recordBytes) / 1024 ** 3;

    expect(estimate.leanOps.components.firehose.usdPerDay).toBeCloseTo(gb * 0.075, 9);
    expect(estimate.seeds.components.firehose.usdPerDay).toBe(estimate.leanOps.components.firehose.usdPerDay);
  });

  it('prices ElastiCache nodes and NAT / endpoints from the stage', () => {
    const estimate = estimateCost(SCENARIO);
    // Primary and one replica of cache.m7g.large Valkey for a day.
    expect(estimate.leanOps.components.elasticache.usdPerDay).toBeCloseTo(2 * 24 * 0.1264, 9);
    const dev = estimateCost({ ...SCENARIO, stage: { ...STAGE, nat: 'ec2', vpcEndpoints: false } });
    // Two fck-nat t4g.nano instances, no per-GB charge towards AWS APIs in the region.
    expect(dev.leanOps.components.network.usdPerDay).toBeCloseTo(2 * 24 * 0.0042, 9);
    expect(dev.seeds.components.network.usdPerDay).toBe(0);
  });

  it('refuses a Redis node type without a price, naming the field', () => {
    expect(() =>
      estimateCost({ ...SCENARIO, stage: { ...STAGE, redis: { instance: 'x9.huge', replicas: 0 } } }),
    ).toThrow(CostModelError);
    expect(() =>
      estimateCost({ ...SCENARIO, stage: { ...STAGE, redis: { instance: 'x9.huge', replicas: 0 } } }),
    ).toThrow(/redis\.instance: no price for node type x9\.huge/);
  });

  it('refuses a scenario it cannot price, naming every bad field', () => {
    expect(() => estimateCost({ ...SCENARIO, topics: 1.5, msgsPerSecond: 0 })).toThrow(
      /topics: an integer ≥ 1 \(got 1\.5\); msgsPerSecond: must be > 0 \(got 0\)/,
    );
  });

  it('sums the components into the totals, per day and per month', () => {
    const estimate = estimateCost(SCENARIO);
    for (const design of [estimate.leanOps, estimate.seeds]) {
      const sum = COMPONENTS.reduce((total, name) => total + design.components[name].usdPerDay, 0);
      expect(design.totalUsdPerDay).toBeCloseTo(sum, 9);
    }
    const report = costReport(estimate);
    expect(report.total_usd_per_month).toBeCloseTo(estimate.leanOps.totalUsdPerDay * DAYS_PER_MONTH, 3);
    expect(report.seeds.total_usd_per_month).toBeCloseTo(estimate.seeds.totalUsdPerDay * DAYS_PER_MONTH, 3);
  });

  it('shows a config change: the timer moves the seeds’ Glue, the topic count both designs', () => {
    const base = estimateCost(SCENARIO);
    const fasterTimer = estimateCost({ ...SCENARIO, triggerIntervalSeconds: 300 });
    // Three times the seeds' runs, each still billed the one-minute minimum.
    expect(fasterTimer.seeds.glue.jobRunsPerDay).toBe(3 * base.seeds.glue.jobRunsPerDay);
    expect(fasterTimer.seeds.components.glue.usdPerDay).toBeCloseTo(3 * base.seeds.components.glue.usdPerDay, 6);
    // lean-ops' runs follow the RAW watcher and the minimum interval, not the timer.
    expect(fasterTimer.leanOps.components.glue.usdPerDay).toBe(base.leanOps.components.glue.usdPerDay);

    const moreTopics = estimateCost({ ...SCENARIO, topics: 40 });
    expect(moreTopics.seeds.glue.jobRunsPerDay).toBe(2 * base.seeds.glue.jobRunsPerDay);
    expect(moreTopics.leanOps.glue.jobRunsPerDay).toBe(base.leanOps.glue.jobRunsPerDay);
    // The same runs, each with 20 more topics' fixed work.
    expect(moreTopics.leanOps.glue.jobSeconds - base.leanOps.glue.jobSeconds).toBeCloseTo(
      20 * ASSUMPTIONS.glueTopicSeconds,
      9,
    );
    expect(moreTopics.leanOps.components.glue.usdPerDay).toBeGreaterThan(base.leanOps.components.glue.usdPerDay);

    const longerInterval = estimateCost({
      ...SCENARIO,
      stage: { ...STAGE, glue: { ...STAGE.glue, minRunIntervalSeconds: 720 } },
    });
    expect(longerInterval.leanOps.glue.runsPerDay).toBe(120);
  });

  it('meets the done-when at these defaults: Glue ≤ 1/5 of the seeds’ design, freshness p99 ≤ 15 min', () => {
    const report = costReport(estimateCost(SCENARIO));

    expect(report.glue_usd_per_day).toBeLessThanOrEqual(report.seeds.glue_usd_per_day / 5);
    expect(report.freshness_p99_seconds).not.toBeNull();
    expect(report.freshness_p99_seconds ?? Infinity).toBeLessThanOrEqual(15 * 60);
  });

  it('reports what the CLI prints as JSON: Glue, totals, both designs, runs, freshness, price table', () => {
    const report = costReport(estimateCost(SCENARIO));

    expect(report).toMatchObject({
      stage: 'prod',
      topics: 20,
      price_table: { date: PRICE_TABLE_DATE, region: 'us-east-1' },
      glue: { runs_per_day: 240, job_runs_per_day: 480, dpus: 14, execution_class: 'STANDARD', keeps_up: true },
      seeds: { glue: { job_runs_per_day: 3840 } },
    });
    for (const name of COMPONENTS) {
      expect(report.components[name]).toEqual({
        usd_per_day: expect.any(Number),
        usd_per_month: expect.any(Number),
        basis: expect.any(String),
      });
    }
    expect(report.glue_share_of_seeds).toBeCloseTo(report.glue_usd_per_day / report.seeds.glue_usd_per_day, 3);
  });
});

describe('freshness table', () => {
  it('trades freshness for Glue spend as the minimum interval grows', () => {
    const rows = freshnessRows(SCENARIO, [300, 360, 600, 900]);

    for (let i = 1; i < rows.length; i++) {
      const [before, after] = [rows[i - 1], rows[i]];
      expect(after?.freshnessP99Seconds ?? 0).toBeGreaterThan(before?.freshnessP99Seconds ?? 0);
      expect(after?.glueUsdPerDay.STANDARD ?? 0).toBeLessThan(before?.glueUsdPerDay.STANDARD ?? 0);
    }
    // Flex bills the same seconds at $0.29 instead of $0.44.
    const [row] = rows;
    expect(row?.glueUsdPerDay.FLEX).toBeCloseTo(((row?.glueUsdPerDay.STANDARD ?? 0) * 0.29) / 0.44, 9);
  });

  it('prints one Markdown row per interval', () => {
    const table = freshnessTableMarkdown(SCENARIO, [360, 900]);

    expect(table.split('\n')).toHaveLength(5);
    expect(table).toMatch(/^\| 360 s \| 360 s \| 13\.\d min \| \$\d+\.\d\d \| \$\d+\.\d\d \| \d+\.\d % \|$/m);
  });
});

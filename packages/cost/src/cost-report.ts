/** The estimate as `lean-ops cost --json` prints it: snake_case, dollars rounded to 1/100 of a cent. */
import { COMPONENTS, type Component, type CostEstimate, DAYS_PER_MONTH, type DesignCost } from './cost-model.js';
import type { GlueSchedule } from './glue-schedule.js';
import { PRICE_TABLE_DATE, PRICE_TABLE_REGION } from './price-table.js';

const usd = (value: number) => Math.round(value * 10_000) / 10_000;
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function glueReport(glue: GlueSchedule) {
  return {
    runs_per_day: round(glue.runsPerDay),
    job_runs_per_day: round(glue.jobRunsPerDay),
    run_interval_seconds: round(glue.runIntervalSeconds),
    topics_per_job_run: round(glue.topicsPerJobRun),
    rows_per_job_run: Math.round(glue.rowsPerJobRun),
    dpus: glue.dpus,
    execution_class: glue.executionClass,
    job_seconds: round(glue.jobSeconds),
    billed_seconds_per_job_run: glue.billedSecondsPerJobRun,
    keeps_up: glue.keepsUp,
  };
}

/** One component's figures in the report. */
export interface ComponentReport {
  readonly usd_per_day: number;
  readonly usd_per_month: number;
  readonly basis: string;
}

function designReport(design: DesignCost) {
  return {
    glue_usd_per_day: usd(design.components.glue.usdPerDay),
    total_usd_per_day: usd(design.totalUsdPerDay),
    total_usd_per_month: usd(design.totalUsdPerDay * DAYS_PER_MONTH),
    freshness_p99_seconds: design.glue.freshnessP99Seconds === null ? null : round(design.glue.freshnessP99Seconds),
    glue: glueReport(design.glue),
    components: Object.fromEntries(
      COMPONENTS.map((name) => {
        const c = design.components[name];
        return [
          name,
          { usd_per_day: usd(c.usdPerDay), usd_per_month: usd(c.usdPerDay * DAYS_PER_MONTH), basis: c.basis },
        ];
      }),
    ) as Record<Component, ComponentReport>,
  };
}

export type CostReport = ReturnType<typeof costReport>;

export function costReport(estimate: CostEstimate) {
  const { scenario } = estimate;
  return {
    stage: scenario.stage.stage,
    topics: scenario.topics,
    msgs_per_s: scenario.msgsPerSecond,
    msg_bytes: scenario.msgBytes,
    trigger_interval_seconds: scenario.triggerIntervalSeconds,
    raw_poll_seconds: scenario.rawPollSeconds,
    min_run_interval_seconds: scenario.stage.glue.minRunIntervalSeconds,
    commit_interval_seconds: round(estimate.commitIntervalSeconds),
    ingest_tasks: estimate.ingestTasks,
    ingest_over_capacity: estimate.ingestOverCapacity,
    price_table: { date: PRICE_TABLE_DATE, region: PRICE_TABLE_REGION },
    ...designReport(estimate.leanOps),
    glue_share_of_seeds: round(
      estimate.leanOps.components.glue.usdPerDay / estimate.seeds.components.glue.usdPerDay,
      4,
    ),
    seeds: designReport(estimate.seeds),
  };
}

/**
 * Glue job runs: how many, how long, what they bill. A job run bills its workers' DPUs for
 * every second it runs, at least one minute; Flex runs bill a lower rate for the same seconds.
 */
import { ASSUMPTIONS } from './assumptions.js';
import { CostModelError } from './cost-model-error.js';
import { SPARK_ROWS_PER_DPU_SECOND } from './measured.js';
import { PRICES } from './price-table.js';

export type GlueExecutionClass = 'STANDARD' | 'FLEX';

/** What a stage gives each curation and semantic job. */
export interface GlueSizing {
  readonly workerType: string;
  readonly workers: number;
  readonly executionClass: GlueExecutionClass;
}

/** DPUs per worker of the Glue worker types (Glue 3.0+ Spark). */
export const DPU_PER_WORKER: Readonly<Record<string, number>> = {
  'G.025X': 0.25,
  'G.1X': 1,
  'G.2X': 2,
  'G.4X': 4,
  'G.8X': 8,
};

/** Glue bills each job run for at least this long. */
export const GLUE_MINIMUM_BILLED_SECONDS = 60;

export const SECONDS_PER_DAY = 86_400;

/** DPUs of one job run of `sizing`. */
export function glueDpus(sizing: Pick<GlueSizing, 'workerType' | 'workers'>): number {
  const perWorker = DPU_PER_WORKER[sizing.workerType];
  if (perWorker === undefined) {
    throw new CostModelError(
      `glue.workerType: unknown worker type ${sizing.workerType} (one of ${Object.keys(DPU_PER_WORKER).join(', ')})`,
    );
  }
  return perWorker * sizing.workers;
}

/** Wall-clock seconds of one job run over `topics` topics and `rows` rows on `dpus` DPUs. */
export function glueJobSeconds(run: { topics: number; rows: number; dpus: number }): number {
  return (
    ASSUMPTIONS.glueRunStartSeconds +
    run.topics * ASSUMPTIONS.glueTopicSeconds +
    run.rows / (SPARK_ROWS_PER_DPU_SECOND.value * run.dpus)
  );
}

/** What Glue bills for a run of `seconds`: whole seconds, one minute at least. */
export function glueBilledSeconds(seconds: number): number {
  return Math.max(GLUE_MINIMUM_BILLED_SECONDS, Math.ceil(seconds));
}

/** USD per DPU-hour of an execution class. */
export function glueDpuHourUsd(executionClass: GlueExecutionClass): number {
  return executionClass === 'FLEX' ? PRICES.glueFlexDpuHour.usd : PRICES.glueStandardDpuHour.usd;
}

/** USD of `jobRuns` job runs, each `billedSeconds` long on `dpus` DPUs. */
export function glueJobRunsUsd(jobRuns: {
  count: number;
  dpus: number;
  billedSeconds: number;
  executionClass: GlueExecutionClass;
}): number {
  return ((jobRuns.count * jobRuns.dpus * jobRuns.billedSeconds) / 3600) * glueDpuHourUsd(jobRuns.executionClass);
}

import { type GlueSizing, glueBilledSeconds, glueDpus, glueJobRunsUsd, glueJobSeconds } from './glue-model.js';

/** One Glue run of a reprocess: the job and the rows it reads. */
export interface ReprocessGlueRun {
  readonly job: 'curation' | 'semantic';
  readonly rows: number;
}

export interface ReprocessGlueEstimate {
  readonly runs: readonly (ReprocessGlueRun & { readonly seconds: number; readonly usd: number })[];
  readonly usd: number;
}

/**
 * What the Glue runs of a reprocess cost on a stage's sizing: each rebuild is one run of one
 * topic over the rows it reads (the whole source table for a full rebuild), at the measured
 * Spark throughput of the cost model (docs/cost.md), billed one minute at least.
 */
export function reprocessGlueEstimate(runs: readonly ReprocessGlueRun[], sizing: GlueSizing): ReprocessGlueEstimate {
  const dpus = glueDpus(sizing);
  const priced = runs.map((run) => {
    const seconds = glueJobSeconds({ topics: 1, rows: run.rows, dpus });
    const usd = glueJobRunsUsd({
      count: 1,
      dpus,
      billedSeconds: glueBilledSeconds(seconds),
      executionClass: sizing.executionClass,
    });
    return { ...run, seconds, usd };
  });
  return { runs: priced, usd: priced.reduce((sum, r) => sum + r.usd, 0) };
}

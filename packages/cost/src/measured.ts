/**
 * Throughput figures the model takes from measurements, each in one place with its source.
 * A benchmark that measures a figure better replaces it here and nowhere else.
 */

/** One measured rate and where it comes from. */
export interface MeasuredRate {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
}

/**
 * Rows the curation (and semantic) job processes per DPU-second on Spark + Iceberg.
 *
 * From `npm run bench:spark` (jobs/glue/bench/spark_bench.py) on `local[2]` — half a DPU, a
 * DPU being 4 vCPU — with merge-on-read curated and semantic tables: a 100,000-row increment
 * (80,000 rows written) into 4M curated rows; curation 15,614 and semantic 13,828 written
 * rows per DPU-second. The slower of the two is taken for both jobs. The figures include each
 * run's fixed work, which the model also adds separately, so the estimate errs long.
 */
export const SPARK_ROWS_PER_DPU_SECOND: MeasuredRate = {
  value: 13_828,
  unit: 'rows per DPU-second',
  source: 'bench:spark: semantic job, 100k increment into 4M curated rows on local[2] (0.5 DPU)',
};

/**
 * Messages one vCPU of ingest handles per second: the slowest one-thread CPU cost `npm run
 * bench:ingest` measured, 177.2 µs per message (docs/ingest.md: 126–177 µs), so 1e6 / 177.2.
 */
export const INGEST_MSGS_PER_VCPU_SECOND: MeasuredRate = {
  value: 1_000_000 / 177.2,
  unit: 'messages per vCPU-second',
  source: 'bench:ingest, one_thread_cpu_us_per_msg 177.2 (the slowest of docs/ingest.md’s runs)',
};

/** Share of a task's measured capacity the model plans to use: the rest is headroom for bursts and redrives. */
export const INGEST_TARGET_UTILIZATION = 0.7;

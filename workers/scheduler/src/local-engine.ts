import type { LeanOpsConfig } from '@lean-ops/config';
import { dataDirLayout } from '@lean-ops/core';
import { DuckDbJobRunner, type DuckDbLake, DuckDbTableMaintenance, LandingCommitter } from '@lean-ops/lake';
import type { Logger } from '@lean-ops/logger';
import type { SchedulerAdapters } from './compose-scheduler-service.js';
import { LogNotifier } from './log-notifier.js';

/** The scheduler's engine on one machine: its adapters, `pending` always present. */
export type LocalEngine = Pick<SchedulerAdapters, 'jobs' | 'snapshots' | 'notifier'> &
  Required<Pick<SchedulerAdapters, 'pending' | 'catalog' | 'landing' | 'maintenance'>>;

/**
 * The scheduler's adapters over the local DuckDB lake: the lake runs the jobs and holds
 * the snapshots, notices go to the log, and a landing committer plays Firehose (this
 * process owns the lake, DuckDB has one writer): it commits the files the ingest
 * service's landing sink wrote into RAW; maintenance trims the snapshot log (checkpoint-aware)
 * and compacts the lake's tables. The caller opens and closes the lake.
 */
export function localEngine(
  lake: DuckDbLake,
  config: Pick<LeanOpsConfig, 'dataDir' | 'topics'>,
  logger: Logger,
): LocalEngine {
  const runner = new DuckDbJobRunner(lake);
  return {
    jobs: runner,
    snapshots: runner,
    pending: runner,
    catalog: runner,
    notifier: new LogNotifier(logger),
    maintenance: new DuckDbTableMaintenance({ lake }),
    landing: new LandingCommitter({
      lake,
      landingDir: dataDirLayout(config.dataDir).landing,
      topics: config.topics.map((t) => t.name),
      onError: (err) => logger.error({ err }, 'committing landed files to RAW failed; retrying'),
    }),
  };
}

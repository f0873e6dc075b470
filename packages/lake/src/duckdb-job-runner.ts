import type {
  CurationRequest,
  CurationResult,
  JobRunner,
  LakeSnapshots,
  Layer,
  PendingRecords,
  SemanticRequest,
  SemanticResult,
  SnapshotRef,
} from '@lean-ops/core';
import type { DuckDbLake } from './duckdb-lake.js';

/**
 * The local job runner: the scheduler's `JobRunner`, `LakeSnapshots` and `PendingRecords`
 * on the DuckDB lake (what Glue and the Iceberg metadata are in AWS). Jobs run in this
 * process, one at a time; the abort signal is checked before a job starts (a DuckDB
 * transaction is not interrupted half-way).
 */
export class DuckDbJobRunner implements JobRunner, LakeSnapshots, PendingRecords {
  constructor(private readonly lake: DuckDbLake) {}

  async runCuration(request: CurationRequest, signal?: AbortSignal): Promise<CurationResult> {
    signal?.throwIfAborted();
    return this.lake.runCuration(request.topic, request.from, request.to);
  }

  async runSemantic(request: SemanticRequest, signal?: AbortSignal): Promise<SemanticResult> {
    signal?.throwIfAborted();
    return this.lake.runSemantic(request.topic, request.from, request.to, request.schema);
  }

  current(topic: string, layer: Layer): Promise<SnapshotRef | null> {
    return this.lake.currentSnapshot(topic, layer);
  }

  rawRecordsAfter(topic: string, after: SnapshotRef | null): Promise<number> {
    return this.lake.rawRecordsAfter(topic, after);
  }
}

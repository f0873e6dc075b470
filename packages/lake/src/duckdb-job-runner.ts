import type {
  CurationRequest,
  CurationResult,
  JobOutcome,
  JobRunner,
  LakeCatalog,
  LakeSnapshots,
  Layer,
  PendingRecords,
  SemanticRequest,
  SemanticResult,
  SnapshotRef,
  TableFigures,
} from '@lean-ops/core';
import type { DuckDbLake } from './duckdb-lake.js';

/**
 * The local job runner: the scheduler's `JobRunner`, `LakeSnapshots`, `PendingRecords` and
 * `LakeCatalog` on the DuckDB lake (what Glue and the Iceberg metadata are in AWS). A batch runs in this
 * process, one topic after another, each topic's job in its own transaction: a topic that
 * fails is rolled back alone and the others' results stand. The abort signal is checked
 * before each topic (a DuckDB transaction is not interrupted half-way); topics not started
 * when it aborts fail with its reason.
 */
export class DuckDbJobRunner implements JobRunner, LakeSnapshots, PendingRecords, LakeCatalog {
  constructor(private readonly lake: DuckDbLake) {}

  runCurations(requests: readonly CurationRequest[], signal?: AbortSignal): Promise<JobOutcome<CurationResult>[]> {
    return eachTopic(requests, signal, (r) =>
      this.lake.runCuration(r.topic, r.from, r.to, { rebuild: r.rebuild === true }),
    );
  }

  runSemantics(requests: readonly SemanticRequest[], signal?: AbortSignal): Promise<JobOutcome<SemanticResult>[]> {
    return eachTopic(requests, signal, (r) =>
      this.lake.runSemantic(r.topic, r.from, r.to, r.schema, { rebuild: r.rebuild === true }),
    );
  }

  current(topic: string, layer: Layer): Promise<SnapshotRef | null> {
    return this.lake.currentSnapshot(topic, layer);
  }

  rawRecordsAfter(topic: string, after: SnapshotRef | null): Promise<number> {
    return this.lake.rawRecordsAfter(topic, after);
  }

  figures(topic: string, layer: Layer): Promise<TableFigures | null> {
    return this.lake.figures(topic, layer);
  }

  snapshot(topic: string, layer: Layer, id: string): Promise<SnapshotRef | null> {
    return this.lake.snapshot(topic, layer, id);
  }
}

async function eachTopic<Req extends { readonly topic: string }, Res>(
  requests: readonly Req[],
  signal: AbortSignal | undefined,
  run: (request: Req) => Promise<Res>,
): Promise<JobOutcome<Res>[]> {
  const outcomes: JobOutcome<Res>[] = [];
  for (const request of requests) {
    const { topic } = request;
    try {
      signal?.throwIfAborted();
      outcomes.push({ topic, ok: true, result: await run(request) });
    } catch (err) {
      outcomes.push({ topic, ok: false, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }
  return outcomes;
}

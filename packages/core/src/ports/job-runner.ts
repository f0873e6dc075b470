import type { SemanticSchema } from '../semantic-schema.js';
import type { SnapshotRef } from './snapshot.js';

export interface CurationRequest {
  readonly topic: string;
  /** Exclusive lower bound: the curated checkpoint (null = from the first snapshot). */
  readonly from: SnapshotRef | null;
  /** Inclusive upper bound: the RAW snapshot read by GetAllCheckpoints. */
  readonly to: SnapshotRef;
  /**
   * Rebuild rather than apply (reprocessing, docs/reprocess.md). The keys RAW (`from`, `to`]
   * holds (every key when `from` is null) are recomputed from all their RAW versions up to
   * `to` and replace the stored rows whatever their versions; stored rows of those keys the
   * rebuild no longer produces (every version rejected) are deleted, and so are their
   * rejects, which the rebuild writes anew. With `from` null the table ends exactly as a
   * from-scratch build up to `to` leaves it. The table changes in one commit.
   */
  readonly rebuild?: boolean;
}

/** Token passed on to the semantic step (contract §6.3). */
export interface CurationResult {
  readonly curated_snapshot: SnapshotRef;
  readonly records_written: number;
}

export interface SemanticRequest {
  readonly topic: string;
  readonly from: SnapshotRef | null;
  readonly to: SnapshotRef;
  readonly schema: SemanticSchema;
  /**
   * Rebuild rather than apply (reprocessing): the keys of the curated rows changed in
   * (`from`, `to`] (every key when `from` is null), and stored keys curated no longer holds,
   * are recomputed from the curated table as of `to` and replace the stored rows whatever
   * their versions; a key whose curated row now fails governance leaves the table (a
   * from-scratch build never held it). Their rejects are replaced too. One commit of the
   * table; the newly declared columns of `schema` are filled for every rebuilt row.
   */
  readonly rebuild?: boolean;
}

export interface SemanticResult {
  readonly records_written: number;
  /** Rows that failed governance and went to `{topic}_semantic_rejects`. */
  readonly records_rejected: number;
  /** Curated payload columns the schema does not declare (drift candidates), sorted. */
  readonly undeclared_columns: readonly string[];
}

/** One topic's outcome in a batch: its result, or the error that failed it (and only it). */
export type JobOutcome<R> =
  | { readonly topic: string; readonly ok: true; readonly result: R }
  | { readonly topic: string; readonly ok: false; readonly error: Error };

/**
 * Runs the lake jobs: Glue in AWS, the DuckDB engine locally. One call runs the job of one
 * kind for every topic of `requests` (distinct topics) as one engine run, and answers one
 * outcome per request: a topic that fails fails alone, the others' results stand. The
 * promise rejects (with `JobFailedError`) only when the batch as a whole failed (no run
 * started, the run failed, no result came back): then every topic of it failed. An aborted
 * `signal` stops what has not started yet.
 */
export interface JobRunner {
  runCurations(
    requests: readonly CurationRequest[],
    signal?: AbortSignal,
  ): Promise<readonly JobOutcome<CurationResult>[]>;
  runSemantics(
    requests: readonly SemanticRequest[],
    signal?: AbortSignal,
  ): Promise<readonly JobOutcome<SemanticResult>[]>;
}

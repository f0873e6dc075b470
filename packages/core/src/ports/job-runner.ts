import type { SemanticSchema } from '../semantic-schema.js';
import type { SnapshotRef } from './snapshot.js';

export interface CurationRequest {
  readonly topic: string;
  /** Exclusive lower bound: the curated checkpoint (null = from the first snapshot). */
  readonly from: SnapshotRef | null;
  /** Inclusive upper bound: the RAW snapshot read by GetAllCheckpoints. */
  readonly to: SnapshotRef;
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
}

export interface SemanticResult {
  readonly records_written: number;
  /** Rows that failed governance and went to `{topic}_semantic_rejects`. */
  readonly records_rejected: number;
  /** Curated payload columns the schema does not declare (drift candidates), sorted. */
  readonly undeclared_columns: readonly string[];
}

/** Runs the lake jobs: Glue in AWS, the DuckDB engine locally. Fails with `JobFailedError`. */
export interface JobRunner {
  runCuration(request: CurationRequest, signal?: AbortSignal): Promise<CurationResult>;
  runSemantic(request: SemanticRequest, signal?: AbortSignal): Promise<SemanticResult>;
}

import type { DriftEntry, SnapshotRef } from '@lean-ops/core';
import type { ReprocessRequest, RunReport, TableHealthReading } from '@lean-ops/worker-scheduler';

/** One topic's flow, as the terminal view, the status page and `/api/status` show it. */
export interface TopicStatus {
  readonly topic: string;
  /** The registered semantic schema version; null = curation only. */
  readonly schema_version: number | null;
  /**
   * Messages the topic's queue accepted from any client (the simulator, the input replay,
   * your own) since dev started; the DLQ processor's redrives are not counted again.
   */
  readonly received: number;
  readonly queue: { readonly visible: number; readonly in_flight: number; readonly delayed: number };
  readonly dlq: { readonly visible: number; readonly in_flight: number };
  /** Rows per table of the local lake. */
  readonly raw: number;
  readonly curated: number;
  readonly curated_rejects: number;
  readonly semantic: number;
  readonly semantic_rejects: number;
  /** Quarantine entries (ingest DROPs and DLQ processor decisions). */
  readonly quarantined: number;
  readonly snapshots: { readonly raw: SnapshotRef | null; readonly curated: SnapshotRef | null };
  readonly checkpoints: { readonly curated: SnapshotRef | null; readonly semantic: SnapshotRef | null };
  /** RAW records after the curated checkpoint. */
  readonly curation_pending: number;
  /** Newest first, at most 5. */
  readonly last_runs: readonly RunReport[];
  readonly drift: readonly DriftEntry[];
  /** The health of the topic's tables after its latest maintenance; null before the first. */
  readonly table_health: TableHealthReading | null;
  /** The reprocess waiting or running now (its pipeline runs wait); null when none. */
  readonly reprocess: ReprocessRequest | null;
}

/** The whole local pipeline at one moment. */
export interface DevStatus {
  readonly generated_at: string;
  readonly uptime_s: number;
  readonly data_dir: string;
  /** The ingest sink's circuit breaker. */
  readonly breaker: 'closed' | 'half_open' | 'open';
  readonly simulator: {
    /** False with `--rate 0` and no `--input`: only your own clients feed the pipeline. */
    readonly enabled: boolean;
    readonly running: boolean;
    readonly sent: number;
    readonly profile: string | null;
  };
  readonly endpoints: {
    readonly sqs: string;
    readonly redis: string;
    readonly metrics: string;
    readonly status: string;
  };
  readonly topics: readonly TopicStatus[];
}

/** Where the status server gets its data: the running dev stack. */
export interface StatusSource {
  status(): Promise<DevStatus>;
}

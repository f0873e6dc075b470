import type {
  CurationResult,
  SemanticResult,
  SemanticSchema,
  SnapshotRef,
  TableHealthFigures,
  TableLayer,
  TableMaintenanceStatus,
} from '@lean-ops/core';
import type { ReprocessPlan, ReprocessRequest } from './reprocess-request.js';
import type { Outcome, StepName, Trigger } from './steps.js';

/** What GetAllCheckpoints read, in one call (contract §6.1). */
export interface CheckpointSet {
  readonly raw_snapshot: SnapshotRef | null;
  readonly curated_checkpoint: SnapshotRef | null;
  readonly semantic_checkpoint: SnapshotRef | null;
  /** The topic's latest semantic schema; null = no schema registered. */
  readonly schema: SemanticSchema | null;
}

/** One table's maintenance in a run: its status and health after (`TableMaintenanceOutcome`, trimmed). */
export interface TableMaintained {
  readonly layer: TableLayer;
  readonly table: string;
  readonly status: TableMaintenanceStatus;
  readonly after: TableHealthFigures | null;
  readonly error?: string;
}

/** What the MaintainTables step did: per table, or the engine's error (no table then). */
export interface MaintenanceResult {
  readonly tables: readonly TableMaintained[];
  readonly error?: string;
}

/**
 * The state of one run, saved in the BullMQ job after every completed step so a run
 * whose worker died resumes from there. JSON-safe: snapshot ids are strings.
 */
export interface RunState {
  readonly topic: string;
  readonly trigger: Trigger;
  readonly started_at: string;
  /** Steps completed so far, in order. */
  readonly completed: readonly StepName[];
  readonly checkpoints?: CheckpointSet;
  /** The curation job's output, passed on to the semantic step (token passing). */
  readonly curation?: CurationResult;
  readonly semantic?: SemanticResult;
  /** Columns the drift log did not hold before this run. */
  readonly new_drift?: readonly string[];
  /** Milliseconds per completed step. */
  readonly timings: Readonly<Partial<Record<StepName, number>>>;
  /** Set when the run ended. */
  readonly outcome?: Outcome;
  /** True when the backlog threshold asks for another run at once. */
  readonly again?: boolean;
  /** The run claimed a maintenance request: MaintainTables follows the outcome. */
  readonly maintain?: boolean;
  readonly maintenance?: MaintenanceResult;
  /** Set for a reprocess run: what was asked, and what PlanReprocess planned. */
  readonly reprocess?: ReprocessState;
}

/** A reprocess run's own state (docs/reprocess.md); the rebuild results sit in `curation` and `semantic`. */
export interface ReprocessState {
  readonly request: ReprocessRequest;
  readonly plan?: ReprocessPlan;
}

/** The forced Snowflake refresh after a run that changed the semantic table's schema (docs/scheduler.md). */
export interface SnowflakeRefreshResult {
  readonly outcome: 'refreshed' | 'failed';
  /** `DATABASE.SCHEMA.TABLE`; absent when the name itself could not be made. */
  readonly table?: string;
  /** The semantic schema version the table was refreshed for. */
  readonly schema_version: number;
  /** Set when `outcome` is `failed`: the refresh is tried again after the next run. */
  readonly error?: string;
}

/** A finished run, as recorded in the run history and the job's return value. */
export interface RunReport {
  readonly topic: string;
  readonly trigger: Trigger;
  readonly outcome: Outcome;
  readonly started_at: string;
  readonly finished_at: string;
  readonly timings: Readonly<Partial<Record<StepName, number>>>;
  readonly curation_records_written?: number;
  readonly semantic_records_written?: number;
  readonly semantic_records_rejected?: number;
  readonly new_drift?: readonly string[];
  /** Another run was requested at once (backlog threshold). */
  readonly again?: boolean;
  /** Tables maintained after the outcome, by status; `error` when the engine failed as a whole. */
  readonly maintenance?: {
    readonly tables: Readonly<Partial<Record<TableMaintenanceStatus, number>>>;
    readonly error?: string;
  };
  /** The Snowflake refresh after a schema change; absent when there was none to do. Never fails the run. */
  readonly snowflake_refresh?: SnowflakeRefreshResult;
  /** A reprocess run: what was asked and planned (records written are in the fields above). */
  readonly reprocess?: ReprocessState;
  /** Set when `outcome` is `Failed`. */
  readonly failed_step?: StepName;
  readonly error?: { readonly name: string; readonly message: string };
}

export function initialRunState(topic: string, trigger: Trigger, now: Date, reprocess?: ReprocessRequest): RunState {
  return {
    topic,
    trigger: reprocess ? 'reprocess' : trigger,
    started_at: now.toISOString(),
    completed: [],
    timings: {},
    ...(reprocess && { reprocess: { request: reprocess } }),
  };
}

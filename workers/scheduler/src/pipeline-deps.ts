import type {
  CheckpointStore,
  DriftLog,
  LakeCatalog,
  LakeSnapshots,
  Notifier,
  PendingRecords,
  SchemaRegistry,
  TableMaintenance,
} from '@lean-ops/core';
import type { TopicJobs } from './job-batcher.js';

/** The ports a pipeline run uses: DynamoDB, Glue and CloudWatch in AWS; local stand-ins on a laptop. */
export interface PipelineDeps {
  readonly checkpoints: CheckpointStore;
  readonly schemas: SchemaRegistry;
  readonly snapshots: LakeSnapshots;
  /** The run's own topic's jobs; the scheduler batches them over the `JobRunner` (`JobBatcher`). */
  readonly jobs: TopicJobs;
  readonly drift: DriftLog;
  readonly notifier: Notifier;
  /** Maintains the topic's tables (MaintainTables); without it the maintenance trigger is off. */
  readonly maintenance?: TableMaintenance;
  /** RAW records after a snapshot: the curation-pending gauge and a reprocess plan's scope. */
  readonly pending?: PendingRecords;
  /** Table figures and snapshots by id: a reprocess run plans with them; without it reprocess runs fail at PlanReprocess. */
  readonly catalog?: LakeCatalog;
}

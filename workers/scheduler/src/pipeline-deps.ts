import type { CheckpointStore, DriftLog, JobRunner, LakeSnapshots, Notifier, SchemaRegistry } from '@lean-ops/core';

/** The ports a pipeline run uses: DynamoDB, Glue and CloudWatch in AWS; local stand-ins on a laptop. */
export interface PipelineDeps {
  readonly checkpoints: CheckpointStore;
  readonly schemas: SchemaRegistry;
  readonly snapshots: LakeSnapshots;
  readonly jobs: JobRunner;
  readonly drift: DriftLog;
  readonly notifier: Notifier;
}

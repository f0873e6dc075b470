import type { SnapshotRef } from './snapshot.js';

/** How far the curation and semantic jobs have consumed (contract §6). */
export interface TopicCheckpoints {
  /** The RAW snapshot curation has consumed up to. */
  readonly curated: SnapshotRef | null;
  /** The curated snapshot semantic has consumed up to. */
  readonly semantic: SnapshotRef | null;
}

export type CheckpointName = keyof TopicCheckpoints;

/**
 * Checkpoints with compare-and-set: `advance` succeeds only if the stored value still
 * equals `expected` and `next` has a higher sequence; otherwise it throws
 * `CheckpointConflictError`. DynamoDB in AWS, the same semantics locally.
 */
export interface CheckpointStore {
  get(topic: string): Promise<TopicCheckpoints>;
  advance(topic: string, name: CheckpointName, expected: SnapshotRef | null, next: SnapshotRef): Promise<void>;
}

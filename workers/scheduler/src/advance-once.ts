import { isErrorNamed, type SnapshotRef } from '@lean-ops/core';
import type { PipelineDeps } from './pipeline-deps.js';

/**
 * Compare-and-set from the value read at the start of the run. A conflict where the
 * checkpoint already holds the target means an earlier attempt of this run moved it and
 * died before saving the step: that is success, never a second move.
 */
export async function advanceOnce(
  deps: Pick<PipelineDeps, 'checkpoints'>,
  topic: string,
  name: 'curated' | 'semantic',
  expected: SnapshotRef | null,
  next: SnapshotRef,
): Promise<void> {
  try {
    await deps.checkpoints.advance(topic, name, expected, next);
  } catch (err) {
    if (!isErrorNamed(err, 'CheckpointConflictError')) throw err;
    const stored = (await deps.checkpoints.get(topic))[name];
    if (stored?.id !== next.id || stored.sequence !== next.sequence) throw err;
  }
}

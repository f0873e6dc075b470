import { LeanOpsError, type SnapshotRef } from '@lean-ops/core';
import { advanceOnce } from './advance-once.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { recordDrift } from './record-drift.js';
import type { ReprocessPlan } from './reprocess-request.js';
import { type Patch, required } from './run-patch.js';
import type { CheckpointSet, RunState } from './run-state.js';
import type { StepName } from './steps.js';

/** The reprocess cannot start: no source data, no schema, an unknown snapshot, no engine support. The message says which. */
export class ReprocessPlanError extends LeanOpsError {
  override name = 'ReprocessPlanError';
  constructor(message: string) {
    super('reprocess_plan', message);
  }
}

/**
 * The step after the last completed one of a reprocess run (docs/reprocess.md), or null once
 * it has an outcome: PlanReprocess → (RebuildCurated → UpdateCurationCheckpoint →)
 * RebuildSemantic → UpdateSemanticCheckpoint → FinishReprocess. A curated rebuild goes on to
 * the semantic one when the topic has a schema (semantic is derived from curated); a dry run
 * ends after its plan.
 */
export function nextReprocessStep(state: RunState): StepName | null {
  if (state.outcome !== undefined) return null;
  const layer = required(state.reprocess, 'reprocess request', state.topic).request.layer;
  const last = state.completed.at(-1);
  switch (last) {
    case undefined:
      return 'PlanReprocess';
    case 'PlanReprocess':
      return layer === 'curated' ? 'RebuildCurated' : 'RebuildSemantic';
    case 'RebuildCurated':
      return 'UpdateCurationCheckpoint';
    case 'UpdateCurationCheckpoint':
      return state.checkpoints?.schema ? 'RebuildSemantic' : 'FinishReprocess';
    case 'RebuildSemantic':
      return 'UpdateSemanticCheckpoint';
    case 'UpdateSemanticCheckpoint':
      return 'FinishReprocess';
    default:
      throw new Error(`reprocess of ${state.topic}: step ${last} completed without an outcome`);
  }
}

/**
 * One step of a reprocess run. Like a pipeline run's, every step is safe to repeat: a rebuild
 * recomputes the same rows from the same pinned snapshots (the plan's), and the checkpoints
 * move by compare-and-set from the values read by the plan, so they move once. The topic's
 * pipeline runs wait meanwhile (one run per topic), so nothing else moves them.
 */
export async function runReprocessStep(
  step: StepName,
  state: RunState,
  deps: PipelineDeps,
  signal: AbortSignal | undefined,
): Promise<Patch> {
  const { topic } = state;
  const reprocess = required(state.reprocess, 'reprocess request', topic);
  const cps = (): CheckpointSet => required(state.checkpoints, 'checkpoints', topic);
  const plan = (): ReprocessPlan => required(reprocess.plan, 'reprocess plan', topic);
  switch (step) {
    case 'PlanReprocess': {
      const planned = await planReprocess(deps, state);
      return {
        checkpoints: planned.checkpoints,
        reprocess: { ...reprocess, plan: planned.plan },
        ...(reprocess.request.dry_run && { outcome: 'ReprocessPlanned' }),
      };
    }
    case 'RebuildCurated': {
      const { from, to } = plan();
      return { curation: await deps.jobs.runCuration({ topic, from, to, rebuild: true }, signal) };
    }
    case 'UpdateCurationCheckpoint':
      await advanceOnce(deps, topic, 'curated', cps().curated_checkpoint, plan().to);
      return {};
    case 'RebuildSemantic': {
      const { from, to } = semanticRange(state);
      const schema = required(cps().schema ?? undefined, 'schema', topic);
      const semantic = await deps.jobs.runSemantic({ topic, from, to, schema, rebuild: true }, signal);
      return { semantic, new_drift: await recordDrift(deps, topic, semantic.undeclared_columns) };
    }
    case 'UpdateSemanticCheckpoint':
      await advanceOnce(deps, topic, 'semantic', cps().semantic_checkpoint, semanticRange(state).to);
      return {};
    case 'FinishReprocess':
      // RAW kept growing during the rebuild: the next pipeline run catches up at once.
      return { outcome: 'Reprocessed', again: true };
    default:
      throw new Error(`reprocess of ${topic}: ${step} is not a reprocess step`);
  }
}

/**
 * The curated snapshots the semantic rebuild reads. After a curated rebuild: up to the
 * snapshot it committed, every key for a full reprocess, else the keys changed since the
 * semantic checkpoint (the rebuilt rows carry the new RAW sequence, so they are among them).
 * A semantic reprocess: the plan's range.
 */
function semanticRange(state: RunState): { from: SnapshotRef | null; to: SnapshotRef } {
  const { topic } = state;
  const reprocess = required(state.reprocess, 'reprocess request', topic);
  const plan = required(reprocess.plan, 'reprocess plan', topic);
  if (reprocess.request.layer === 'semantic') return { from: plan.from, to: plan.to };
  const to = required(state.curation, 'curated rebuild result', topic).curated_snapshot;
  const full = reprocess.request.from_snapshot === null;
  return { from: full ? null : required(state.checkpoints, 'checkpoints', topic).semantic_checkpoint, to };
}

/** The earlier of two snapshots of one table (null = before the first). */
function earlier(a: SnapshotRef, b: SnapshotRef | null): SnapshotRef | null {
  return b === null || b.sequence < a.sequence ? b : a;
}

/**
 * Reads what the reprocess works on, once: the source head (pinned: RAW may grow meanwhile,
 * the next pipeline run takes the rest), the checkpoints, the schema, the figures. A
 * `--from-snapshot` rebuild starts at the earlier of that snapshot and the layer's
 * checkpoint, so rows the layer has not consumed yet are not skipped.
 */
async function planReprocess(
  deps: PipelineDeps,
  state: RunState,
): Promise<{ checkpoints: CheckpointSet; plan: ReprocessPlan }> {
  const { topic } = state;
  const { request } = required(state.reprocess, 'reprocess request', topic);
  const { catalog } = deps;
  if (!catalog) throw new ReprocessPlanError(`reprocess of ${topic}: this lake engine cannot plan a reprocess`);
  const source = request.layer === 'curated' ? 'raw' : 'curated';
  const [raw, head, stored, schema] = await Promise.all([
    deps.snapshots.current(topic, 'raw'),
    deps.snapshots.current(topic, source),
    deps.checkpoints.get(topic),
    deps.schemas.latest(topic),
  ]);
  if (head === null)
    throw new ReprocessPlanError(`reprocess of ${topic}: the ${source} table has no snapshot yet: nothing to rebuild`);
  if (request.layer === 'semantic' && schema === null)
    throw new ReprocessPlanError(
      `reprocess of ${topic}: no semantic schema registered (lean-ops schema register): nothing to rebuild semantic with`,
    );
  let from: SnapshotRef | null = null;
  if (request.from_snapshot !== null) {
    const asked = await catalog.snapshot(topic, source, request.from_snapshot);
    if (asked === null)
      throw new ReprocessPlanError(
        `reprocess of ${topic}: --from-snapshot ${request.from_snapshot} is not a snapshot of the ${source} table (unknown or expired)`,
      );
    if (asked.sequence > head.sequence)
      throw new ReprocessPlanError(
        `reprocess of ${topic}: --from-snapshot ${request.from_snapshot} is newer than the ${source} table's head ${head.id}`,
      );
    from = earlier(asked, request.layer === 'curated' ? stored.curated : stored.semantic);
  }
  const rebuilt = request.layer === 'curated' && schema ? (['curated', 'semantic'] as const) : [request.layer];
  const [sourceFigures, scopeRecords, ...layerFigures] = await Promise.all([
    catalog.figures(topic, source),
    request.layer === 'curated' && deps.pending ? deps.pending.rawRecordsAfter(topic, from) : Promise.resolve(null),
    ...rebuilt.map((layer) => catalog.figures(topic, layer)),
  ]);
  return {
    checkpoints: {
      raw_snapshot: raw,
      curated_checkpoint: stored.curated,
      semantic_checkpoint: stored.semantic,
      schema,
    },
    plan: {
      from,
      to: head,
      source: { layer: source, figures: sourceFigures ?? null },
      scope_records: scopeRecords ?? null,
      rebuilds: rebuilt.map((layer, i) => ({ layer, figures: layerFigures[i] ?? null })),
    },
  };
}

import { advanceOnce } from './advance-once.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { recordDrift } from './record-drift.js';
import { nextReprocessStep, runReprocessStep } from './reprocess-run.js';
import { type Patch, required } from './run-patch.js';
import type { CheckpointSet, MaintenanceResult, RunState } from './run-state.js';
import { RunStepError } from './run-step-error.js';
import type { StepName } from './steps.js';

export interface RunHooks {
  /** Persists the state after each completed step (the BullMQ job's data). */
  readonly save: (state: RunState) => Promise<void>;
  /** Called with each completed step's duration (metrics, logs). */
  readonly onStep?: (step: StepName, ms: number) => void;
  /**
   * Asked once the run has its outcome: true claims the topic's pending maintenance request
   * (`RunQueue.claimMaintenance`), and MaintainTables runs as the last step.
   */
  readonly claimMaintenance?: () => Promise<boolean>;
  readonly signal?: AbortSignal;
}

export interface RunSettings {
  /** Semantic records written above which another run starts at once (contract §6.8). */
  readonly backlogRecords: number;
}

/** The step after the last completed one, or null once the run has an outcome. */
export function nextStep(state: RunState): StepName | null {
  if (state.reprocess) return nextReprocessStep(state);
  if (state.outcome !== undefined) {
    return state.maintain && !state.completed.includes('MaintainTables') ? 'MaintainTables' : null;
  }
  const last = state.completed.at(-1);
  switch (last) {
    case undefined:
      return 'GetAllCheckpoints';
    case 'GetAllCheckpoints':
      return 'CheckForNewRawData';
    case 'CheckForNewRawData':
      return 'RunCurationJob';
    case 'RunCurationJob':
      return 'UpdateCurationCheckpoint';
    case 'UpdateCurationCheckpoint':
      return 'CheckSchemaExists';
    case 'CheckSchemaExists':
      return state.checkpoints?.schema ? 'CheckForNewCuratedData' : 'NotifyMissingSchema';
    case 'CheckForNewCuratedData':
      return 'RunSemanticJob';
    case 'RunSemanticJob':
      return 'UpdateSemanticCheckpoint';
    case 'UpdateSemanticCheckpoint':
      return 'CheckBacklogThreshold';
    default:
      throw new Error(`run of ${state.topic}: step ${last} completed without an outcome`);
  }
}

/**
 * Runs (or resumes) one pipeline run of one topic as contract §6's explicit steps. Each
 * completed step is saved through `hooks.save` before the next starts, so a retried run
 * continues where it stopped; every step is safe to repeat (MERGE is idempotent and a
 * checkpoint already at its target counts as moved). A failing step throws `RunStepError`.
 */
export async function executeRun(
  deps: PipelineDeps,
  settings: RunSettings,
  start: RunState,
  hooks: RunHooks,
): Promise<RunState> {
  let state = start;
  for (let step = nextStep(state); ; step = nextStep(state)) {
    if (step === null) {
      // Claimed and saved before the step, so a resumed run maintains once and claims no other request.
      // A reprocess run leaves maintenance to the topic's next pipeline run.
      if (
        state.reprocess ||
        state.maintain !== undefined ||
        !hooks.claimMaintenance ||
        !(await hooks.claimMaintenance())
      )
        break;
      state = { ...state, maintain: true };
      await hooks.save(state);
      continue;
    }
    hooks.signal?.throwIfAborted();
    const began = performance.now();
    let patch: Patch;
    try {
      patch = state.reprocess
        ? await runReprocessStep(step, state, deps, hooks.signal)
        : await runStep(step, state, deps, settings, hooks.signal);
    } catch (err) {
      throw new RunStepError(state.topic, step, err);
    }
    const ms = Math.round(performance.now() - began);
    state = { ...state, ...patch, completed: [...state.completed, step], timings: { ...state.timings, [step]: ms } };
    await hooks.save(state);
    hooks.onStep?.(step, ms);
  }
  return state;
}

async function runStep(
  step: StepName,
  state: RunState,
  deps: PipelineDeps,
  settings: RunSettings,
  signal: AbortSignal | undefined,
): Promise<Patch> {
  const { topic } = state;
  const cps = (): CheckpointSet => required(state.checkpoints, 'checkpoints', topic);
  switch (step) {
    case 'GetAllCheckpoints': {
      // One step: the RAW head, the checkpoints and the schema, looked up in parallel.
      const [raw, stored, schema] = await Promise.all([
        deps.snapshots.current(topic, 'raw'),
        deps.checkpoints.get(topic),
        deps.schemas.latest(topic),
      ]);
      return {
        checkpoints: {
          raw_snapshot: raw,
          curated_checkpoint: stored.curated,
          semantic_checkpoint: stored.semantic,
          schema,
        },
      };
    }
    case 'CheckForNewRawData': {
      const { raw_snapshot, curated_checkpoint } = cps();
      // Equal to the checkpoint, or behind it: nothing new.
      const noNew = raw_snapshot === null || raw_snapshot.sequence <= (curated_checkpoint?.sequence ?? 0);
      return noNew ? { outcome: 'NoNewData' } : {};
    }
    case 'RunCurationJob': {
      const { raw_snapshot, curated_checkpoint } = cps();
      const to = required(raw_snapshot ?? undefined, 'raw_snapshot', topic);
      return { curation: await deps.jobs.runCuration({ topic, from: curated_checkpoint, to }, signal) };
    }
    case 'UpdateCurationCheckpoint': {
      const { raw_snapshot, curated_checkpoint } = cps();
      await advanceOnce(deps, topic, 'curated', curated_checkpoint, required(raw_snapshot ?? undefined, 'raw', topic));
      return {};
    }
    case 'CheckSchemaExists':
      return {};
    case 'NotifyMissingSchema': {
      await deps.drift.record({ topic, column: '*', first_seen: new Date().toISOString(), status: 'pending' });
      await deps.notifier.notify({ kind: 'missing_schema', topic });
      return { outcome: 'CurationOnlySuccess' };
    }
    case 'CheckForNewCuratedData': {
      const curated = required(state.curation, 'curation result', topic).curated_snapshot;
      const { semantic_checkpoint } = cps();
      const noNew = curated.sequence <= (semantic_checkpoint?.sequence ?? 0);
      return noNew ? { outcome: 'NoNewCuratedData' } : {};
    }
    case 'RunSemanticJob': {
      const { semantic_checkpoint, schema } = cps();
      const to = required(state.curation, 'curation result', topic).curated_snapshot;
      const semantic = await deps.jobs.runSemantic(
        { topic, from: semantic_checkpoint, to, schema: required(schema ?? undefined, 'schema', topic) },
        signal,
      );
      return { semantic, new_drift: await recordDrift(deps, topic, semantic.undeclared_columns) };
    }
    case 'UpdateSemanticCheckpoint': {
      const to = required(state.curation, 'curation result', topic).curated_snapshot;
      await advanceOnce(deps, topic, 'semantic', cps().semantic_checkpoint, to);
      return {};
    }
    case 'MaintainTables':
      return { maintenance: await maintainTables(deps, topic, signal) };
    case 'CheckBacklogThreshold': {
      const written = required(state.semantic, 'semantic result', topic).records_written;
      return { outcome: 'FullPipelineSuccess', again: written > settings.backlogRecords };
    }
    default:
      throw new Error(`run of ${topic}: ${step} is a reprocess step, not a pipeline run's`);
  }
}

/**
 * Maintains the topic's tables with the checkpoints as they are now (they only move
 * forward, so they protect no less than any earlier reading). An engine error is the
 * step's result, not the run's failure: the data steps are done and the next maintenance
 * request tries again; only an abort (the scheduler closing) is thrown, to resume here.
 */
async function maintainTables(
  deps: PipelineDeps,
  topic: string,
  signal: AbortSignal | undefined,
): Promise<MaintenanceResult> {
  if (!deps.maintenance) return { tables: [], error: 'no maintenance engine' };
  try {
    const checkpoints = await deps.checkpoints.get(topic);
    const outcomes = await deps.maintenance.maintain(topic, checkpoints, signal ? { signal } : {});
    return {
      tables: outcomes.map((o) => ({
        layer: o.layer,
        table: o.table,
        status: o.status,
        after: o.after,
        ...(o.error !== undefined && { error: o.error }),
      })),
    };
  } catch (err) {
    if (signal?.aborted) throw err;
    return { tables: [], error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}

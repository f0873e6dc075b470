/** The steps of one pipeline run, in order (contract §6). */
export const STEPS = [
  'GetAllCheckpoints',
  'CheckForNewRawData',
  'RunCurationJob',
  'UpdateCurationCheckpoint',
  'CheckSchemaExists',
  'NotifyMissingSchema',
  'CheckForNewCuratedData',
  'RunSemanticJob',
  'UpdateSemanticCheckpoint',
  'CheckBacklogThreshold',
  'MaintainTables',
  // A reprocess run (docs/reprocess.md): plan, rebuild, move the checkpoints above, finish.
  'PlanReprocess',
  'RebuildCurated',
  'RebuildSemantic',
  'FinishReprocess',
] as const;

export type StepName = (typeof STEPS)[number];

/**
 * How a run ended. `Failed` carries the failing step and error in the run report.
 * `Reprocessed`: a reprocess run rebuilt its layers; `ReprocessPlanned`: a dry run planned one.
 */
export const OUTCOMES = [
  'NoNewData',
  'CurationOnlySuccess',
  'NoNewCuratedData',
  'FullPipelineSuccess',
  'Reprocessed',
  'ReprocessPlanned',
  'Failed',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

/** What started a run. */
export const TRIGGERS = ['schedule', 'raw-advanced', 'manual', 'backlog', 'maintenance', 'reprocess'] as const;
export type Trigger = (typeof TRIGGERS)[number];

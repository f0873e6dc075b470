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
] as const;

export type StepName = (typeof STEPS)[number];

/** How a run ended. `Failed` carries the failing step and error in the run report. */
export const OUTCOMES = [
  'NoNewData',
  'CurationOnlySuccess',
  'NoNewCuratedData',
  'FullPipelineSuccess',
  'Failed',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

/** What started a run. */
export const TRIGGERS = ['schedule', 'raw-advanced', 'manual', 'backlog', 'maintenance'] as const;
export type Trigger = (typeof TRIGGERS)[number];

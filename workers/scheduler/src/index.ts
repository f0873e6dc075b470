export {
  composeSchedulerService,
  type LandingDelivery,
  type SchedulerAdapters,
  type SchedulerService,
  type SchedulerStatus,
} from './compose-scheduler-service.js';
export { JobBatcher, type JobBatcherOptions, type JobKind, JobWithdrawnError, type TopicJobs } from './job-batcher.js';
export { type LocalEngine, localEngine } from './local-engine.js';
export { LogNotifier } from './log-notifier.js';
export {
  MaintenanceSchedule,
  maintenanceDue,
  openWindowStart,
  windowCheckMs,
} from './maintenance-window.js';
export {
  parseSchedulerOptions,
  type SchedulerOptions,
  type SchedulerOptionsInput,
  schedulerOptionsOf,
} from './options.js';
export type { PipelineDeps } from './pipeline-deps.js';
export { executeRun, nextStep, type RunHooks, type RunSettings } from './pipeline-run.js';
export { createRedis } from './redis-client.js';
export {
  parseReprocessRequest,
  REPROCESS_LAYERS,
  ReprocessInProgressError,
  type ReprocessLayer,
  type ReprocessPlan,
  type ReprocessRequest,
} from './reprocess-request.js';
export { ReprocessPlanError } from './reprocess-run.js';
export { RunHistory, type TableHealthReading, type TopicRunSummary } from './run-history.js';
export { type RunJobData, RunQueue } from './run-queue.js';
export {
  type CheckpointSet,
  initialRunState,
  type MaintenanceResult,
  type ReprocessState,
  type RunReport,
  type RunState,
  type SnowflakeRefreshResult,
  type TableMaintained,
} from './run-state.js';
export { RunStepError } from './run-step-error.js';
export { Scheduler, type SchedulerDeps } from './scheduler.js';
export type { SchedulerMetrics } from './scheduler-metrics.js';
export {
  type RunningSchedulerService,
  startSchedulerService,
} from './scheduler-service.js';
export {
  readSchedulerEnvironment,
  type SchedulerEnvironment,
  schedulerEnvironmentSchema,
  withSchedulerEnvironment,
} from './service-environment.js';
export {
  DEFAULT_SNOWFLAKE_REFRESH_TIMEOUT_MS,
  type SnowflakeRefreshDeps,
  schemaFingerprint,
} from './snowflake-refresh.js';
export { DEFAULT_SNOWFLAKE_STATUS_INTERVAL_MS } from './snowflake-status-sampler.js';
export { openStateStores, type StateStores } from './state-stores.js';
export type { Outcome, StepName, Trigger } from './steps.js';

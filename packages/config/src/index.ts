export { type ConfigInput, type Thresholds, thresholdsSchema } from './config-schema.js';
export {
  CONFIG_FILE_NAMES,
  type ConfigDefaults,
  type ConfigOverride,
  type LeanOpsConfig,
  type LoadConfigOptions,
  loadConfig,
} from './load-config.js';
export { readEnvironment } from './read-environment.js';
export {
  type DlqSection,
  type DlqTuning,
  type DlqTuningInput,
  dlqTuningOf,
  dlqTuningSchema,
  MAX_DELAY_SECONDS,
} from './sections/dlq.js';
export { type IngestTuning, type IngestTuningInput, ingestTuningSchema } from './sections/ingest.js';
export {
  type MaintenanceWindow,
  maintenanceWindowSchema,
  type SchedulerTuning,
  type SchedulerTuningInput,
  schedulerTuningSchema,
} from './sections/scheduler.js';
export {
  type SnowflakeConnection,
  type SnowflakeSection,
  snowflakeSectionSchema,
} from './sections/snowflake.js';

export {
  type ConfigInput,
  configFileSchema,
  type Thresholds,
  thresholdsSchema,
  topicEntrySchema,
} from './config-schema.js';
export { CONFIG_FILE_NAMES, ENV_KEYS, type LeanOpsConfig, type LoadConfigOptions, loadConfig } from './load-config.js';
export { readEnvironment } from './read-environment.js';

export { ASSUMPTIONS } from './assumptions.js';
export {
  COMPONENTS,
  type Component,
  type ComponentCost,
  type CostEstimate,
  type CostScenario,
  type CostStage,
  DAYS_PER_MONTH,
  type DesignCost,
  estimateCost,
} from './cost-model.js';
export { CostModelError } from './cost-model-error.js';
export { type ComponentReport, type CostReport, costReport } from './cost-report.js';
export { parseTaskSize, type TaskSize } from './fargate-size.js';
export {
  FRESHNESS_TABLE_INTERVALS,
  type FreshnessRow,
  freshnessRows,
  freshnessTableMarkdown,
} from './freshness-table.js';
export {
  DPU_PER_WORKER,
  GLUE_MINIMUM_BILLED_SECONDS,
  type GlueExecutionClass,
  type GlueSizing,
  glueBilledSeconds,
  glueDpuHourUsd,
  glueDpus,
  glueJobRunsUsd,
  glueJobSeconds,
  SECONDS_PER_DAY,
} from './glue-model.js';
export { type GlueSchedule, type GlueScheduleInput, leanGlueSchedule, seedsGlueSchedule } from './glue-schedule.js';
export {
  INGEST_MSGS_PER_VCPU_SECOND,
  INGEST_TARGET_UTILIZATION,
  type MeasuredRate,
  SPARK_ROWS_PER_DPU_SECOND,
} from './measured.js';
export { PRICE_TABLE_DATE, PRICE_TABLE_REGION, PRICES, type Price, VALKEY_NODE_HOUR } from './price-table.js';
export {
  type ReprocessGlueEstimate,
  type ReprocessGlueRun,
  reprocessGlueEstimate,
} from './reprocess-estimate.js';

export { DuckDbJobRunner } from './duckdb-job-runner.js';
export { DuckDbLake, type DuckDbLakeOptions, type JobMode, type LayerRowCounts } from './duckdb-lake.js';
export {
  DUCKDB_MAINTENANCE_DEFAULTS,
  DuckDbTableMaintenance,
  type DuckDbTableMaintenanceOptions,
} from './duckdb-maintenance.js';
export { LandingCommitter, type LandingCommitterOptions, type LandingStatus } from './landing-committer.js';
export { type Dialect, DUCKDB, type ReaderDialect, SNOWFLAKE, SPARK } from './sql/dialect.js';
export { findJobsSqlDir, JOBS_SQL_DIR, JOBS_SQL_DIR_ENV } from './sql/jobs-sql-dir.js';
export { columnsOfKeys, payloadColumnSelect } from './sql/payload-columns.js';
export { render, renderJob } from './sql/render.js';
export { semanticSelect, semanticTableColumns } from './sql/semantic-columns.js';

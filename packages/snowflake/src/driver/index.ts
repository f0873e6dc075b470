export type { DriverConnection, StatementComplete } from './driver-connection.js';
export {
  type DriverLogger,
  type OpenSnowflakeRefresherOptions,
  openSnowflakeRefresher,
} from './open-snowflake-refresher.js';
export {
  SnowflakeRefresherClosedError,
  SnowflakeSdkRefresher,
  type SnowflakeSdkRefresherOptions,
  SnowflakeStatementError,
} from './snowflake-sdk-refresher.js';
export {
  AUTO_REFRESH_STATUS_COLUMN,
  autoRefreshStatusStatement,
  checkedTableName,
  parseAutoRefreshStatus,
  refreshStatement,
  replaceViewStatement,
  SnowflakeIdentifierError,
  SnowflakeResponseError,
  SnowflakeViewStatementError,
} from './snowflake-sql.js';

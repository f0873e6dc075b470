export {
  REFRESH_INTERVAL_SECONDS,
  renderSnowflakeDdl,
  SnowflakeDdlError,
  type SnowflakeDdlInput,
} from './render-ddl.js';
export { renderScientistView, scientistViewStatement } from './scientist-view.js';
export { formatDdl, literal, type SnowflakeStatement } from './statements.js';

import type { AutoRefreshStatus, ViewStatement } from '@lean-ops/core';

/** An unquoted Snowflake identifier, the form the config's `snowflake` section allows. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,254}$/;

/** A name the driver refuses to put into a statement (it would need quoting, or it is not a name). */
export class SnowflakeIdentifierError extends Error {
  override name = 'SnowflakeIdentifierError';
}

/** A view statement that is not one `CREATE OR REPLACE VIEW` of the view it names, keeping its grants. */
export class SnowflakeViewStatementError extends Error {
  override name = 'SnowflakeViewStatementError';
}

/** `SYSTEM$AUTO_REFRESH_STATUS` answered something that is not its JSON object. */
export class SnowflakeResponseError extends Error {
  override name = 'SnowflakeResponseError';
}

/**
 * `table` checked to be `<database>.<schema>.<table>`, each part an unquoted identifier (the
 * statements are built as text, so nothing else may reach them).
 */
export function checkedTableName(table: string): string {
  const parts = typeof table === 'string' ? table.split('.') : [];
  if (parts.length !== 3 || parts.some((part) => !IDENTIFIER.test(part)))
    throw new SnowflakeIdentifierError(
      `table: ${JSON.stringify(table)} is not DATABASE.SCHEMA.TABLE of unquoted Snowflake identifiers (letter or _, then letters, digits, _ or $)`,
    );
  return table;
}

/** Snowflake reads the table's current metadata from the catalog now (a schema change included). */
export function refreshStatement(table: string): string {
  return `ALTER ICEBERG TABLE ${checkedTableName(table)} REFRESH`;
}

/**
 * The statement of `replaceView`, checked to re-create the view it names (a checked
 * `DATABASE.SCHEMA.VIEW`, keeping its grants) and that one statement only.
 */
export function replaceViewStatement(statement: ViewStatement): string {
  const view = checkedTableName(statement.view);
  const sql = typeof statement.sql === 'string' ? statement.sql.trim() : '';
  if (!sql.startsWith(`CREATE OR REPLACE VIEW ${view} `) || !/\)\s+COPY GRANTS\s+AS\s/.test(sql) || sql.includes(';'))
    throw new SnowflakeViewStatementError(
      `view statement of ${view}: expected one "CREATE OR REPLACE VIEW ${view} (…) COPY GRANTS AS …" statement (got ${JSON.stringify(sql.slice(0, 80))})`,
    );
  return sql;
}

/** The column the status statement names its one value. */
export const AUTO_REFRESH_STATUS_COLUMN = 'AUTO_REFRESH_STATUS';

export function autoRefreshStatusStatement(table: string): string {
  return `SELECT SYSTEM$AUTO_REFRESH_STATUS('${checkedTableName(table)}') AS ${AUTO_REFRESH_STATUS_COLUMN}`;
}

/** Snowflake renders the counts as strings ("<value>"); older accounts name the count `pendingFileCount`. */
function count(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Parses `SYSTEM$AUTO_REFRESH_STATUS`'s JSON (a string, or an object when the driver already
 * parsed it). Throws `SnowflakeResponseError` naming the field when `executionState` or the
 * pending count is missing or malformed.
 */
export function parseAutoRefreshStatus(raw: unknown, table: string): AutoRefreshStatus {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new SnowflakeResponseError(`auto-refresh status of ${table}: not JSON: ${raw.slice(0, 200)}`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new SnowflakeResponseError(`auto-refresh status of ${table}: expected a JSON object (got ${typeof value})`);
  const o = value as Record<string, unknown>;
  const executionState = text(o.executionState);
  if (executionState === undefined)
    throw new SnowflakeResponseError(`auto-refresh status of ${table}: executionState missing`);
  const pending = count(o.pendingSnapshotCount ?? o.pendingFileCount);
  if (pending === undefined)
    throw new SnowflakeResponseError(
      `auto-refresh status of ${table}: pendingSnapshotCount missing or not a count (got ${JSON.stringify(o.pendingSnapshotCount ?? o.pendingFileCount)})`,
    );
  const reason = text(o.invalidExecutionStateReason);
  const updated = text(o.lastUpdatedTime);
  return {
    executionState,
    pendingSnapshotCount: pending,
    ...(reason !== undefined && { invalidExecutionStateReason: reason }),
    ...(updated !== undefined && { lastUpdatedTime: updated }),
  };
}

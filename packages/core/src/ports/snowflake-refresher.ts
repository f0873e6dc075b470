/**
 * What `SYSTEM$AUTO_REFRESH_STATUS` reports about one externally managed Iceberg table's
 * automated refresh (the fields the scheduler reads; Snowflake returns more).
 */
export interface AutoRefreshStatus {
  /** `RUNNING`, `STALLED`, `STOPPED` or `ICEBERG_TABLE_NOT_INITIALIZED`, as Snowflake reports it. */
  readonly executionState: string;
  /** Snapshots queued for the automated refresh (`pendingSnapshotCount`; `pendingFileCount` in older accounts). */
  readonly pendingSnapshotCount: number;
  /** The error behind a STALLED or STOPPED state. */
  readonly invalidExecutionStateReason?: string;
  /** When Snowflake last processed the current snapshot (as Snowflake formats it). */
  readonly lastUpdatedTime?: string;
}

export interface RefreshOptions {
  /** Aborting cancels the statement; the promise then rejects. */
  readonly signal?: AbortSignal;
}

/** A rendered `CREATE OR REPLACE VIEW` of one view (the DDL renderer's, packages/snowflake). */
export interface ViewStatement {
  /** `DATABASE.SCHEMA.VIEW`, unquoted identifiers. */
  readonly view: string;
  /** The statement; it creates `view` and nothing else. */
  readonly sql: string;
}

/**
 * Snowflake's view of the semantic tables (docs/snowflake.md): auto-refresh picks up new
 * snapshots, a schema change is forced through `refresh` and `replaceView` (a view lists
 * its columns when created, so it is created again). `table` is fully qualified,
 * `DATABASE.SCHEMA.TABLE` (`snowflakeObjectNames(…).semanticTable(topic).table`). `close()`
 * is idempotent.
 */
export interface SnowflakeRefresher {
  /** `ALTER ICEBERG TABLE … REFRESH`: Snowflake reads the table's current metadata now. */
  refresh(table: string, options?: RefreshOptions): Promise<void>;
  /** Runs `statement` (`CREATE OR REPLACE VIEW <view> … COPY GRANTS AS …`): the view is created again with its grants. */
  replaceView(statement: ViewStatement, options?: RefreshOptions): Promise<void>;
  autoRefreshStatus(table: string, options?: RefreshOptions): Promise<AutoRefreshStatus>;
  close(): Promise<void>;
}

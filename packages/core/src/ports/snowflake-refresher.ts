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

/**
 * Snowflake's view of the semantic tables (docs/snowflake.md): auto-refresh picks up new
 * snapshots, a schema change is forced through `refresh`. `table` is fully qualified,
 * `DATABASE.SCHEMA.TABLE` (`snowflakeObjectNames(…).semanticTable(topic).table`). `close()`
 * is idempotent.
 */
export interface SnowflakeRefresher {
  /** `ALTER ICEBERG TABLE … REFRESH`: Snowflake reads the table's current metadata now. */
  refresh(table: string, options?: RefreshOptions): Promise<void>;
  autoRefreshStatus(table: string, options?: RefreshOptions): Promise<AutoRefreshStatus>;
  close(): Promise<void>;
}

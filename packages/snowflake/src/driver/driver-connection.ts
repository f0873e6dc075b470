/** The callback of a statement: the driver's error, or the rows (objects keyed by column name). */
export type StatementComplete = (err: Error | undefined, statement: unknown, rows?: readonly unknown[]) => void;

/**
 * The part of a snowflake-sdk `Connection` the refresher uses. The real one comes from
 * `openSnowflakeRefresher`; tests pass a fake (there is no Snowflake here).
 */
export interface DriverConnection {
  execute(options: { sqlText: string; complete: StatementComplete }): {
    cancel(callback?: (err: Error | undefined) => void): void;
  };
  /** False once the session ended (network, expiry): the refresher connects again. */
  isUp(): boolean;
  destroy(callback: (err: Error | undefined) => void): void;
}

import {
  type AutoRefreshStatus,
  onceAsync,
  type RefreshOptions,
  type SnowflakeRefresher,
  type ViewStatement,
} from '@lean-ops/core';
import type { DriverConnection } from './driver-connection.js';
import {
  AUTO_REFRESH_STATUS_COLUMN,
  autoRefreshStatusStatement,
  parseAutoRefreshStatus,
  refreshStatement,
  replaceViewStatement,
} from './snowflake-sql.js';

/** A statement Snowflake refused or that failed on the way (the driver's message, the statement). */
export class SnowflakeStatementError extends Error {
  override name = 'SnowflakeStatementError';
}

/** The refresher was used after `close()`. */
export class SnowflakeRefresherClosedError extends Error {
  override name = 'SnowflakeRefresherClosedError';
}

export interface SnowflakeSdkRefresherOptions {
  /** Opens a connected session; called at first use and again once the last session is down. */
  readonly connect: () => Promise<DriverConnection>;
}

/**
 * `SnowflakeRefresher` over one snowflake-sdk session, opened at first use (so a scheduler
 * whose Snowflake is unreachable still starts) and again when it went down. Statements are
 * built from checked identifiers (`checkedTableName`); an aborted `signal` cancels the
 * running statement.
 */
export class SnowflakeSdkRefresher implements SnowflakeRefresher {
  private session: Promise<DriverConnection> | undefined;
  private closed = false;

  constructor(private readonly options: SnowflakeSdkRefresherOptions) {}

  async refresh(table: string, options: RefreshOptions = {}): Promise<void> {
    await this.run(refreshStatement(table), options.signal);
  }

  async replaceView(statement: ViewStatement, options: RefreshOptions = {}): Promise<void> {
    await this.run(replaceViewStatement(statement), options.signal);
  }

  async autoRefreshStatus(table: string, options: RefreshOptions = {}): Promise<AutoRefreshStatus> {
    const rows = await this.run(autoRefreshStatusStatement(table), options.signal);
    const row = rows[0] as Record<string, unknown> | undefined;
    return parseAutoRefreshStatus(row?.[AUTO_REFRESH_STATUS_COLUMN], table);
  }

  /** Ends the session; idempotent. */
  readonly close: () => Promise<void> = onceAsync(async () => {
    this.closed = true;
    const session = await this.session?.catch(() => undefined);
    if (!session) return;
    await new Promise<void>((resolve) => session.destroy(() => resolve()));
  });

  /** The session, connected again when it went down; calls chain, so concurrent callers share one connect. */
  private connection(): Promise<DriverConnection> {
    if (this.closed) return Promise.reject(new SnowflakeRefresherClosedError('Snowflake refresher is closed'));
    const connect = (): Promise<DriverConnection> => this.options.connect();
    const previous = this.session;
    this.session = previous
      ? previous.then((c) => {
          if (c.isUp()) return c;
          c.destroy(() => undefined);
          return connect();
        }, connect)
      : connect();
    return this.session;
  }

  private async run(sqlText: string, signal: AbortSignal | undefined): Promise<readonly unknown[]> {
    signal?.throwIfAborted();
    const connection = await this.connection();
    signal?.throwIfAborted();
    return new Promise<readonly unknown[]>((resolve, reject) => {
      let settled = false;
      const settle = (done: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        done();
      };
      const statement = connection.execute({
        sqlText,
        complete: (err, _statement, rows) =>
          settle(() =>
            err
              ? reject(new SnowflakeStatementError(`${sqlText}: ${err.message}`, { cause: err }))
              : resolve(rows ?? []),
          ),
      });
      const onAbort = (): void =>
        settle(() => {
          statement.cancel();
          reject(signal?.reason);
        });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

import type { AutoRefreshStatus, RefreshOptions, SnowflakeRefresher } from '@lean-ops/core';

/** What the fake does with one refresh: succeed, fail with an error, or hang until aborted. */
export type FakeRefreshBehaviour = 'ok' | Error | 'hang';

/**
 * FakeSnowflakeClient — no Snowflake here: a `SnowflakeRefresher` that records every refresh
 * and status read, and behaves as scripted (`nextRefresh`, then `refreshBehaviour`).
 */
export class FakeSnowflakeClient implements SnowflakeRefresher {
  readonly refreshed: string[] = [];
  readonly statusReads: string[] = [];
  /** Refreshes cancelled through their signal. */
  readonly aborted: string[] = [];
  /** Behaviours of the next refreshes, in order; then `refreshBehaviour`. */
  readonly nextRefresh: FakeRefreshBehaviour[] = [];
  refreshBehaviour: FakeRefreshBehaviour = 'ok';
  status: AutoRefreshStatus | Error = { executionState: 'RUNNING', pendingSnapshotCount: 0 };
  closed = 0;

  async refresh(table: string, options: RefreshOptions = {}): Promise<void> {
    this.refreshed.push(table);
    const behaviour = this.nextRefresh.shift() ?? this.refreshBehaviour;
    if (behaviour instanceof Error) throw behaviour;
    if (behaviour === 'hang') {
      await new Promise<never>((_, reject) => {
        options.signal?.addEventListener('abort', () => {
          this.aborted.push(table);
          reject(options.signal?.reason);
        });
      });
    }
  }

  async autoRefreshStatus(table: string): Promise<AutoRefreshStatus> {
    this.statusReads.push(table);
    if (this.status instanceof Error) throw this.status;
    return this.status;
  }

  async close(): Promise<void> {
    this.closed += 1;
  }
}

/** The table names a stage's `snowflakeObjectNames(…).semanticTable(topic).table` would give. */
export const tableOf = (topic: string): string => `LEAN_OPS.SEMANTIC.${topic.toUpperCase()}`;

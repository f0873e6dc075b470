import type {
  AutoRefreshStatus,
  RefreshOptions,
  SemanticSchema,
  SnowflakeRefresher,
  ViewStatement,
} from '@lean-ops/core';
import { scientistViewStatement } from '@lean-ops/snowflake';

/** What the fake does with one refresh: succeed, fail with an error, or hang until aborted. */
export type FakeRefreshBehaviour = 'ok' | Error | 'hang';

/**
 * FakeSnowflakeClient — no Snowflake here: a `SnowflakeRefresher` that records every refresh,
 * view statement and status read, and behaves as scripted (`nextRefresh`, then
 * `refreshBehaviour`; `nextReplaceView` for the view statements, which succeed otherwise).
 */
export class FakeSnowflakeClient implements SnowflakeRefresher {
  readonly refreshed: string[] = [];
  /** The view statements run, in order. */
  readonly replacedViews: ViewStatement[] = [];
  /** Behaviours of the next view statements, in order; then success. */
  readonly nextReplaceView: FakeRefreshBehaviour[] = [];
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
    await this.behave(this.nextRefresh.shift() ?? this.refreshBehaviour, table, options);
  }

  async replaceView(statement: ViewStatement, options: RefreshOptions = {}): Promise<void> {
    this.replacedViews.push(statement);
    await this.behave(this.nextReplaceView.shift() ?? 'ok', statement.view, options);
  }

  private async behave(behaviour: FakeRefreshBehaviour, name: string, options: RefreshOptions): Promise<void> {
    if (behaviour instanceof Error) throw behaviour;
    if (behaviour === 'hang') {
      await new Promise<never>((_, reject) => {
        options.signal?.addEventListener('abort', () => {
          this.aborted.push(name);
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

/** The Scientist View the scheduler renders for a config with database LEAN_OPS, schema SEMANTIC (the real renderer). */
export const viewOf = (topic: string, schema: SemanticSchema): ViewStatement =>
  scientistViewStatement({ database: 'LEAN_OPS', schema: 'SEMANTIC' }, topic, schema);

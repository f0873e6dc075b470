import { createHash } from 'node:crypto';
import {
  ConfigError,
  canonicalJson,
  parseSemanticSchema,
  type SemanticSchema,
  type SnowflakeRefresher,
  type ViewStatement,
} from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import type { Counter } from '@lean-ops/metrics';
import type { Redis } from 'ioredis';
import type { RunState, SnowflakeRefreshResult } from './run-state.js';

/** How long a forced refresh may take before the run goes on without it. */
export const DEFAULT_SNOWFLAKE_REFRESH_TIMEOUT_MS = 120_000;

/** What the scheduler needs to keep Snowflake's view of the semantic tables current (docs/scheduler.md). */
export interface SnowflakeRefreshDeps {
  readonly refresher: SnowflakeRefresher;
  /** The Snowflake table of a topic's semantic layer, unqualified (the refresher adds database and schema). */
  readonly tableOf: (topic: string) => string;
  /** The topic's Scientist View with the columns of `schema` (`scientistViewStatement` of @lean-ops/snowflake). */
  readonly viewOf: (topic: string, schema: SemanticSchema) => ViewStatement;
  /** @defaultValue {@link DEFAULT_SNOWFLAKE_REFRESH_TIMEOUT_MS} */
  readonly timeoutMs?: number;
  /** How often SYSTEM$AUTO_REFRESH_STATUS is sampled into the gauges. @defaultValue 300000 (`DEFAULT_SNOWFLAKE_STATUS_INTERVAL_MS`) */
  readonly statusIntervalMs?: number;
}

/** The schema as Snowflake sees it: its version and columns. A new version, or other columns, is a new fingerprint. */
export function schemaFingerprint(schema: SemanticSchema): string {
  const digest = createHash('sha256')
    .update(canonicalJson({ version: schema.version, columns: schema.columns }))
    .digest('hex');
  return `v${schema.version}:${digest.slice(0, 16)}`;
}

/** Throws `ConfigError` naming a bad option of {@link SnowflakeRefreshDeps}. */
export function checkSnowflakeRefreshDeps(deps: SnowflakeRefreshDeps): void {
  const issues: string[] = [];
  if (typeof deps.refresher?.refresh !== 'function' || typeof deps.refresher?.replaceView !== 'function')
    issues.push('snowflake.refresher: expected a SnowflakeRefresher');
  if (typeof deps.tableOf !== 'function') issues.push('snowflake.tableOf: expected a function (topic) => table name');
  if (typeof deps.viewOf !== 'function')
    issues.push('snowflake.viewOf: expected a function (topic, schema) => Scientist View statement');
  for (const key of ['timeoutMs', 'statusIntervalMs'] as const) {
    const value = deps[key];
    if (value !== undefined && (!Number.isInteger(value) || value <= 0))
      issues.push(`snowflake.${key}: expected a positive integer of milliseconds (got ${String(value)})`);
  }
  if (issues.length > 0) throw new ConfigError('scheduler Snowflake refresh', issues);
}

class RefreshTimeoutError extends Error {
  override name = 'RefreshTimeoutError';
}

/** The Scientist View was not created again for the new schema (the cause says why). */
export class ScientistViewError extends Error {
  override name = 'ScientistViewError';
}

/**
 * Per topic, the fingerprint of the schema the semantic job last wrote with (`applied`), that
 * schema itself (`schema`: the Scientist View is rendered from it, also on a retry), and the
 * fingerprint of the schema Snowflake was last refreshed for (`refreshed`).
 */
export interface RefreshMarks {
  read(topic: string): Promise<{
    readonly applied: string | null;
    readonly refreshed: string | null;
    readonly schema: SemanticSchema | null;
  }>;
  setApplied(topic: string, fingerprint: string, schema: SemanticSchema): Promise<void>;
  setRefreshed(topic: string, fingerprint: string): Promise<void>;
}

/** The marks in Redis next to the run queue: one hash per topic, `<prefix>:snowflake:<topic>`. */
export class RedisRefreshMarks implements RefreshMarks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(topic: string): string {
    return `${this.prefix}:snowflake:${topic}`;
  }

  async read(topic: string) {
    const [applied = null, refreshed = null, schema = null] = await this.redis.hmget(
      this.key(topic),
      'applied',
      'refreshed',
      'applied_schema',
    );
    return { applied, refreshed, schema: schema === null ? null : parseSemanticSchema(JSON.parse(schema)) };
  }

  async setApplied(topic: string, fingerprint: string, schema: SemanticSchema): Promise<void> {
    await this.redis.hset(this.key(topic), 'applied', fingerprint, 'applied_schema', JSON.stringify(schema));
  }

  async setRefreshed(topic: string, fingerprint: string): Promise<void> {
    await this.redis.hset(this.key(topic), 'refreshed', fingerprint);
  }
}

export interface SnowflakeRefreshStepOptions extends SnowflakeRefreshDeps {
  readonly marks: RefreshMarks;
  /** `scheduler_snowflake_refresh_total{topic,outcome}`. */
  readonly refreshes: Counter<'topic' | 'outcome'>;
  readonly logger: Logger;
}

/**
 * Once per schema change of a topic, forces `ALTER ICEBERG TABLE … REFRESH` and then creates
 * the topic's Scientist View again with the new schema's columns (Snowflake fixes a view's
 * columns when it is created). Per topic, the marks (Redis) keep the fingerprint and the
 * schema the semantic job last wrote with (`applied`: a run that ran the semantic job with a
 * new version or new columns, drift approvals included, changed the table) and the
 * fingerprint last refreshed (`refreshed`). After each run the two are compared; when they
 * differ both statements run, and only when both succeed is `refreshed` stored, so a failure
 * of either is tried again (both statements) after the next run. Never throws: the outcome
 * is the run report's `snowflake_refresh`, and a step slower than `timeoutMs` is cancelled.
 */
export class SnowflakeRefreshStep {
  private readonly timeoutMs: number;

  constructor(private readonly options: SnowflakeRefreshStepOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SNOWFLAKE_REFRESH_TIMEOUT_MS;
  }

  /** Runs after a run's steps; undefined when the topic's schema did not change since its last refresh. */
  async afterRun(state: RunState, signal?: AbortSignal): Promise<SnowflakeRefreshResult | undefined> {
    const { topic } = state;
    const { marks, logger } = this.options;
    let applied: string | undefined;
    let schema: SemanticSchema | null = null;
    try {
      const written = state.checkpoints?.schema;
      // Only a semantic job changes the table's columns: a schema nobody wrote with yet changes nothing in Snowflake.
      if (state.semantic && written) await marks.setApplied(topic, schemaFingerprint(written), written);
      const read = await marks.read(topic);
      if (read.applied === null || read.applied === read.refreshed) return undefined;
      applied = read.applied;
      schema = read.schema;
    } catch (err) {
      logger.warn({ topic, err: (err as Error).message }, `Snowflake refresh of ${topic}: state not read; next run`);
      return undefined;
    }
    const version = Number(applied.slice(1, applied.indexOf(':')));
    let table: string | undefined;
    try {
      table = this.options.tableOf(topic);
      const view = this.viewFor(topic, schema, applied);
      const refreshTable = table;
      const { refresher } = this.options;
      await this.within(signal, async (run) => {
        await run(`ALTER ICEBERG TABLE ${refreshTable} REFRESH`, (s) => refresher.refresh(refreshTable, { signal: s }));
        await run(`CREATE OR REPLACE VIEW ${view.view}`, (s) =>
          refresher.replaceView(view, { signal: s }).catch((err: unknown) => {
            if (s.aborted) throw err;
            const cause = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
            throw new ScientistViewError(`Scientist View ${view.view} not created again: ${cause}`, { cause: err });
          }),
        );
      });
      await marks.setRefreshed(topic, applied);
      this.options.refreshes.inc({ topic, outcome: 'refreshed' });
      logger.info(
        { topic, table, view: view.view, schema: applied },
        `Snowflake table ${table} refreshed and view ${view.view} created again for schema v${version}`,
      );
      return { outcome: 'refreshed', table, schema_version: version };
    } catch (err) {
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.options.refreshes.inc({ topic, outcome: 'failed' });
      logger.error({ topic, table, err: error }, `Snowflake refresh of ${topic} failed; retried after the next run`);
      return { outcome: 'failed', ...(table !== undefined && { table }), schema_version: version, error };
    }
  }

  /** The Scientist View of the schema `applied` fingerprints; throws when that schema was not recorded with it. */
  private viewFor(topic: string, schema: SemanticSchema | null, applied: string): ViewStatement {
    if (schema === null || schemaFingerprint(schema) !== applied)
      throw new ScientistViewError(
        `Scientist View of ${topic}: the schema ${applied} was not recorded; the next semantic job run records it`,
      );
    return this.options.viewOf(topic, schema);
  }

  /**
   * Runs `work`'s statements, cancelled (signal) and given up (race) after `timeoutMs` in
   * all, or when the scheduler closes; a statement given up on starts no next one. A
   * timeout names the statement that was running.
   */
  private async within(
    outer: AbortSignal | undefined,
    work: (run: (statement: string, execute: (signal: AbortSignal) => Promise<void>) => Promise<void>) => Promise<void>,
  ): Promise<void> {
    const timeout = new AbortController();
    const signal = outer ? AbortSignal.any([outer, timeout.signal]) : timeout.signal;
    let running = 'the Snowflake refresh';
    const run = async (statement: string, execute: (signal: AbortSignal) => Promise<void>): Promise<void> => {
      signal.throwIfAborted();
      running = statement;
      await execute(signal);
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new RefreshTimeoutError(`${running} timed out after ${this.timeoutMs} ms`);
        timeout.abort(err);
        reject(err);
      }, this.timeoutMs);
    });
    const done = work(run);
    // A refresher that ignores the signal may settle later: nobody waits for it then.
    done.catch(() => undefined);
    try {
      await Promise.race([done, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}

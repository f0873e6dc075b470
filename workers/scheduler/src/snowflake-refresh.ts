import { createHash } from 'node:crypto';
import { ConfigError, canonicalJson, type SemanticSchema, type SnowflakeRefresher } from '@lean-ops/core';
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
  if (typeof deps.refresher?.refresh !== 'function') issues.push('snowflake.refresher: expected a SnowflakeRefresher');
  if (typeof deps.tableOf !== 'function') issues.push('snowflake.tableOf: expected a function (topic) => table name');
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

/**
 * Per topic, the fingerprint of the schema the semantic job last wrote with (`applied`) and
 * of the schema Snowflake was last refreshed for (`refreshed`).
 */
export interface RefreshMarks {
  read(topic: string): Promise<{ readonly applied: string | null; readonly refreshed: string | null }>;
  setApplied(topic: string, fingerprint: string): Promise<void>;
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
    const [applied = null, refreshed = null] = await this.redis.hmget(this.key(topic), 'applied', 'refreshed');
    return { applied, refreshed };
  }

  async setApplied(topic: string, fingerprint: string): Promise<void> {
    await this.redis.hset(this.key(topic), 'applied', fingerprint);
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
 * Forces `ALTER ICEBERG TABLE … REFRESH` once per schema change of a topic. Per topic, the
 * marks (Redis) keep the fingerprint of the schema the semantic job last wrote with (`applied`: a run that
 * ran the semantic job with a new version or new columns, drift approvals included, changed
 * the table) and of the schema last refreshed (`refreshed`). After each run the two are
 * compared; when they differ the table is refreshed, and only a success stores `refreshed`,
 * so a failure is tried again after the next run. Never throws: the outcome is the run
 * report's `snowflake_refresh`, and a refresh slower than `timeoutMs` is cancelled.
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
    try {
      const schema = state.checkpoints?.schema;
      // Only a semantic job changes the table's columns: a schema nobody wrote with yet changes nothing in Snowflake.
      if (state.semantic && schema) await marks.setApplied(topic, schemaFingerprint(schema));
      const read = await marks.read(topic);
      if (read.applied === null || read.applied === read.refreshed) return undefined;
      applied = read.applied;
    } catch (err) {
      logger.warn({ topic, err: (err as Error).message }, `Snowflake refresh of ${topic}: state not read; next run`);
      return undefined;
    }
    const version = Number(applied.slice(1, applied.indexOf(':')));
    let table: string | undefined;
    try {
      table = this.options.tableOf(topic);
      await this.refreshWithin(table, signal);
      await marks.setRefreshed(topic, applied);
      this.options.refreshes.inc({ topic, outcome: 'refreshed' });
      logger.info({ topic, table, schema: applied }, `Snowflake table ${table} refreshed for schema v${version}`);
      return { outcome: 'refreshed', table, schema_version: version };
    } catch (err) {
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.options.refreshes.inc({ topic, outcome: 'failed' });
      logger.error({ topic, table, err: error }, `Snowflake refresh of ${topic} failed; retried after the next run`);
      return { outcome: 'failed', ...(table !== undefined && { table }), schema_version: version, error };
    }
  }

  /** The refresh, cancelled (signal) and given up (race) after `timeoutMs`, or when the scheduler closes. */
  private async refreshWithin(table: string, outer: AbortSignal | undefined): Promise<void> {
    const timeout = new AbortController();
    const signal = outer ? AbortSignal.any([outer, timeout.signal]) : timeout.signal;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new RefreshTimeoutError(
          `ALTER ICEBERG TABLE ${table} REFRESH timed out after ${this.timeoutMs} ms`,
        );
        timeout.abort(err);
        reject(err);
      }, this.timeoutMs);
    });
    const refresh = this.options.refresher.refresh(table, { signal });
    // A refresher that ignores the signal may settle later: nobody waits for it then.
    refresh.catch(() => undefined);
    try {
      await Promise.race([refresh, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}

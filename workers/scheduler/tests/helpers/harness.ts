import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoCheckpointStore,
  DynamoDriftLog,
  DynamoSchemaRegistry,
  ensureStateTables,
  type StateTableNames,
} from '@lean-ops/aws';
import {
  type EncodedRecord,
  encodeRawRecord,
  JobFailedError,
  type JobOutcome,
  type JobRunner,
  type SemanticSchema,
  type TableMaintenance,
  transformMessage,
} from '@lean-ops/core';
import { DuckDbJobRunner, DuckDbLake, LandingCommitter } from '@lean-ops/lake';
import { LandingSink, type RedisServer, startRedisServer } from '@lean-ops/local';
import { createLogger, type LogLevel } from '@lean-ops/logger';
import { createRegistry } from '@lean-ops/metrics';
import { awsClientConfig, startDynamoDbLocal, type TestServer } from '@lean-ops/testkit';
import {
  LogNotifier,
  type RunReport,
  Scheduler,
  type SchedulerOptionsInput,
  type SnowflakeRefreshDeps,
} from '../../src/index.js';

/** Real servers shared by a test file: Redis (redis-server) and DynamoDB Local. */
export interface Servers {
  readonly redis: RedisServer;
  readonly dynamo: TestServer;
  stop(): Promise<void>;
}

export async function startServers(): Promise<Servers> {
  const [redis, dynamo] = await Promise.all([startRedisServer(), startDynamoDbLocal()]);
  return {
    redis,
    dynamo,
    stop: async () => {
      await Promise.all([redis.stop(), dynamo.stop()]);
    },
  };
}

/**
 * Jobs whose curation waits at a gate (to act while a run is inside its curation job):
 * `entered` resolves when a curation batch reaches the gate, `release()` opens it. With
 * `firstOnly`, later batches pass straight through. `curations` counts every topic curated.
 */
export function gatedCuration(options: { firstOnly?: boolean } = {}) {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let enter: () => void = () => undefined;
  const entered = new Promise<void>((resolve) => {
    enter = resolve;
  });
  let curations = 0;
  let batches = 0;
  return {
    entered,
    release,
    get curations() {
      return curations;
    },
    wrapJobs: (jobs: JobRunner): JobRunner => ({
      async runCurations(requests, signal) {
        curations += requests.length;
        batches += 1;
        if (!options.firstOnly || batches === 1) {
          enter();
          await gate;
        }
        return jobs.runCurations(requests, signal);
      },
      runSemantics: (requests, signal) => jobs.runSemantics(requests, signal),
    }),
  };
}

/**
 * A stand-in for an engine whose job fails for some topics (the DuckDB engine cannot be made
 * to fail one topic on demand): the topics `failing` names, the next `times` batches they are
 * in, get a failed outcome without running; the other topics of those batches run for real.
 * `batches` lists every batch's kind and topics.
 */
export function failingTopics(failing: { topics: readonly string[]; job: 'curation' | 'semantic'; times?: number }) {
  const batches: { job: 'curation' | 'semantic'; topics: string[] }[] = [];
  let left = failing.times ?? 1;
  const split = async <Req extends { topic: string }, R>(
    job: 'curation' | 'semantic',
    requests: readonly Req[],
    run: (requests: readonly Req[]) => Promise<readonly JobOutcome<R>[]>,
  ): Promise<JobOutcome<R>[]> => {
    batches.push({ job, topics: requests.map((r) => r.topic) });
    const fail = job === failing.job && left > 0 && requests.some((r) => failing.topics.includes(r.topic));
    if (!fail) return [...(await run(requests))];
    left -= 1;
    const ran = await run(requests.filter((r) => !failing.topics.includes(r.topic)));
    const failed = requests
      .filter((r) => failing.topics.includes(r.topic))
      .map(
        (r): JobOutcome<R> => ({
          topic: r.topic,
          ok: false,
          error: new JobFailedError(`${job} of ${r.topic}: injected failure`),
        }),
      );
    return [...ran, ...failed];
  };
  return {
    batches,
    wrapJobs: (jobs: JobRunner): JobRunner => ({
      runCurations: (requests, signal) => split('curation', requests, (r) => jobs.runCurations(r, signal)),
      runSemantics: (requests, signal) => split('semantic', requests, (r) => jobs.runSemantics(r, signal)),
    }),
  };
}

let unique = 0;

/**
 * A local pipeline back end for one test: DuckDB lake + landing sink + committer, the
 * DynamoDB state adapters on DynamoDB Local (tables with a per-test prefix), the local
 * runner; `startScheduler` runs the real BullMQ scheduler on the real Redis.
 */
export async function localPipeline(
  servers: Servers,
  options: { redisUrl?: string; wrapJobs?: (jobs: JobRunner) => JobRunner } = {},
) {
  const redisUrl = options.redisUrl ?? servers.redis.url;
  const id = `t${process.pid}_${++unique}`;
  const dir = mkdtempSync(join(tmpdir(), 'scheduler-'));
  const lakePath = join(dir, 'lake.duckdb');
  const lake = await DuckDbLake.open({ path: lakePath });
  const runner = new DuckDbJobRunner(lake);
  const jobs = options.wrapJobs ? options.wrapJobs(runner) : runner;
  const landing = new LandingSink({ dir: join(dir, 'landing') });
  const dynamo = new DynamoDBClient(awsClientConfig(servers.dynamo.endpoint));
  const tables: StateTableNames = {
    checkpoints: `${id}_checkpoints`,
    schemas: `${id}_schemas`,
    driftLog: `${id}_drift_log`,
  };
  await ensureStateTables(dynamo, tables);
  const checkpoints = new DynamoCheckpointStore({ client: dynamo, tableName: tables.checkpoints });
  const schemas = new DynamoSchemaRegistry({ client: dynamo, tableName: tables.schemas });
  const drift = new DynamoDriftLog({ client: dynamo, tableName: tables.driftLog });
  const logger = createLogger({
    component: 'scheduler',
    level: (process.env.LEAN_OPS_TEST_LOG ?? 'silent') as LogLevel,
    format: 'json',
  });
  const reports: RunReport[] = [];
  const waiters: { match: (r: RunReport) => boolean; resolve: (r: RunReport) => void }[] = [];
  const onReport = (report: RunReport): void => {
    reports.push(report);
    for (const w of [...waiters]) {
      if (w.match(report)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(report);
      }
    }
  };
  const schedulers: Scheduler[] = [];
  let messages = 0;
  const landed = new Map<string, EncodedRecord[]>();
  const commit = async (topic: string, records: readonly EncodedRecord[]) => {
    await landing.putBatch(records);
    const committer = new LandingCommitter({ lake, landingDir: join(dir, 'landing'), topics: [topic] });
    return (await committer.commitOnce()).get(topic) ?? null;
  };

  return {
    dir,
    lake,
    lakePath,
    tables,
    checkpoints,
    schemas,
    drift,
    reports,
    prefix: id,
    /**
     * `maintenance`: the scheduler's table maintenance (none: the maintenance trigger is off);
     * `snowflake`: the Snowflake refresh (none: no Snowflake connection).
     */
    async startScheduler(
      options: Partial<SchedulerOptionsInput> & { topics: string[] },
      adapters: { maintenance?: TableMaintenance; snowflake?: SnowflakeRefreshDeps } = {},
    ) {
      const registry = createRegistry({ collectDefault: false });
      const scheduler = await Scheduler.start(
        {
          redisUrl,
          prefix: id,
          triggerIntervalSeconds: 0,
          rawPollSeconds: 0,
          lockDurationMs: 5_000,
          stalledIntervalMs: 1_000,
          retryBackoffMs: 50,
          shutdownBudgetMs: 5_000,
          ...options,
        },
        {
          checkpoints,
          schemas,
          drift,
          snapshots: runner,
          jobs,
          pending: runner,
          catalog: runner,
          notifier: new LogNotifier(logger),
          ...adapters,
          registry,
          logger,
          onReport,
        },
      );
      schedulers.push(scheduler);
      return { scheduler, registry };
    },
    /** Resolves with the first report (already seen or future) that matches. */
    nextReport(match: (r: RunReport) => boolean, timeoutMs = 30_000): Promise<RunReport> {
      const seen = reports.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching run report within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          match,
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
        });
      });
    },
    async registerSchema(schema: SemanticSchema) {
      await schemas.register(schema);
    },
    /** Publishes message bodies the way ingest would (transform → landing), then commits RAW. */
    async land(
      topic: string,
      payloads: readonly Record<string, unknown>[],
      keyOf = (i: number) => `k${i}`,
      secondOf = (i: number) => i,
    ) {
      const records = payloads.map((payload, i) => {
        const result = transformMessage(
          {
            body: JSON.stringify({
              topic,
              device_id: 'dev-1',
              event_timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, secondOf(i))).toISOString(),
              idempotency_key: keyOf(i),
              payload,
            }),
            sourceMessageId: `m${++messages}`,
            publishTimeMs: Date.now(),
          },
          { isKnownTopic: () => true },
        );
        if (!result.ok) throw new Error(`fixture rejected: ${result.reason}`);
        return encodeRawRecord(result.encoded.record);
      });
      landed.set(topic, records);
      return commit(topic, records);
    },
    /** Lands the topic's last landed records again, byte for byte (an at-least-once redelivery). */
    redeliver(topic: string) {
      return commit(topic, landed.get(topic) ?? []);
    },
    async close() {
      for (const s of schedulers) await s.close();
      await lake.close();
      dynamo.destroy();
    },
  };
}

export type LocalPipeline = Awaited<ReturnType<typeof localPipeline>>;

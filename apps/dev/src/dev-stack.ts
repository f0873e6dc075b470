import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueStats, QueueStatsSampler } from '@lean-ops/aws';
import { type ConfigDefaults, type LeanOpsConfig, loadConfig } from '@lean-ops/config';
import { ConfigError, dataDirLayout, type PendingRecords, type SnapshotRef } from '@lean-ops/core';
import { DuckDbLake } from '@lean-ops/lake';
import {
  type DynamoDbLocal,
  type EmbeddedSqs,
  FileQuarantine,
  LandingSink,
  LOCAL_CREDENTIALS,
  type RedisServer,
  SqsPortInUseError,
  startDynamoDbLocal,
  startEmbeddedSqs,
  startRedisServer,
} from '@lean-ops/local';
import type { Logger } from '@lean-ops/logger';
import { createBaseMetrics, createRegistry, type MetricsServer, startMetricsServer } from '@lean-ops/metrics';
import { queueName, sqsQueues } from '@lean-ops/queue-worker';
import { runSimulation, type SimulationProgress, type SimulationSummary } from '@lean-ops/simulator';
import { ATTEMPT_ATTRIBUTE, composeDlqService, type DlqService } from '@lean-ops/worker-dlq';
import { composeIngestService, type IngestService } from '@lean-ops/worker-ingest';
import {
  composeSchedulerService,
  localEngine,
  openStateStores,
  type SchedulerService,
  type StateStores,
  schedulerEnvironmentSchema,
} from '@lean-ops/worker-scheduler';
import { type AuditReport, auditPipeline } from './audit.js';
import { CountingQuarantine } from './counting-quarantine.js';
import { DEMO_CONFIG } from './demo-config.js';
import { type DevOptions, type DevOptionsInput, parseDevOptions } from './dev-options.js';
import { DevRuntimeFile } from './dev-runtime.js';
import type { DevStatus, StatusSource, TopicStatus } from './status-types.js';

interface Topology {
  readonly topic: string;
  readonly url: string;
  readonly dlqUrl: string;
}

/** Everything `lean-ops dev` started; `stopParts` stops them, the services first. */
interface Parts {
  redis?: RedisServer;
  dynamo?: DynamoDbLocal;
  state?: StateStores;
  sqs?: EmbeddedSqs;
  client?: SQSClient;
  lake?: DuckDbLake;
  ingest?: IngestService;
  dlq?: DlqService;
  /** With the landing committer: the scheduler's engine here is the local lake. */
  scheduler?: SchedulerService;
  metrics?: MetricsServer;
}

const SCHEDULER_PREFIX = 'lean-ops-dev';

/**
 * Dev's own scheduler defaults (a config file's `scheduler` section wins): keys apart from a
 * deployed scheduler's on a shared Redis, RAW polled every second so runs follow the data,
 * and no gather window: the DuckDB runner runs a batch's topics one after another anyway, so
 * waiting for other topics' requests would only cost freshness.
 */
// Maintenance every 5 minutes: often enough to watch the snapshot log trimmed during a session.
const DEV_DEFAULTS: ConfigDefaults = {
  scheduler: { prefix: SCHEDULER_PREFIX, rawPollSeconds: 1, jobGatherMs: 0, maintenanceIntervalSeconds: 300 },
};

/** Resolves `config` for dev: the file given, else the built-in demo written into the data dir. */
function devConfig(options: DevOptions, dataDir: string): LeanOpsConfig {
  const env = { ...process.env, LEAN_OPS_DATA_DIR: dataDir, LEAN_OPS_TOPICS: '' };
  if (options.configFile) return loadConfig({ file: options.configFile, env, defaults: DEV_DEFAULTS });
  const file = dataDirLayout(dataDir).demoConfig;
  writeFileSync(file, `${JSON.stringify(DEMO_CONFIG, null, 2)}\n`);
  return loadConfig({ file, env, defaults: DEV_DEFAULTS });
}

/**
 * The whole pipeline on one machine, without AWS: the embedded SQS endpoint with a queue
 * and a DLQ per topic, DynamoDB Local for the state, Redis for BullMQ, the DuckDB lake, and
 * the three services composed as their Fargate entry points compose them
 * (`composeIngestService`, `composeDlqService`, `composeSchedulerService` with the local
 * engine) on local adapters, one metrics endpoint; the simulator, the input replay or your
 * own SQS clients feed it. The status and the idle check read each service's `status()`.
 * `close()` stops everything, in order, once.
 */
export class DevStack implements StatusSource {
  private simulation: Promise<SimulationSummary> | undefined;
  private readonly abortSimulation = new AbortController();
  private simulated: SimulationProgress | undefined;
  private feeding: Promise<SimulationSummary | null> | undefined;
  private readonly startedAt = Date.now();
  private statusInFlight: Promise<DevStatus> | undefined;
  private closing: Promise<void> | undefined;
  statusUrl = '';

  private constructor(
    readonly options: DevOptions,
    readonly config: LeanOpsConfig,
    readonly dataDir: string,
    private readonly parts: Parts,
    private readonly topology: readonly Topology[],
    private readonly quarantine: CountingQuarantine,
    private readonly pending: PendingRecords,
    private readonly sampler: QueueStatsSampler,
    readonly logger: Logger,
    private readonly runtimeFile: DevRuntimeFile,
    /** Messages each topic queue accepted from any client, the DLQ processor's redrives excluded. */
    private readonly received: ReadonlyMap<string, number>,
    private readonly redisUrl: string,
  ) {}

  static async start(input: DevOptionsInput, logger: Logger, version = '0.0.0'): Promise<DevStack> {
    const options = parseDevOptions(input);
    const dataDir = resolve(options.dataDir);
    const layout = dataDirLayout(dataDir);
    mkdirSync(dataDir, { recursive: true });
    const config = devConfig(options, dataDir);
    const topics = config.topics.map((t) => t.name);
    const runtimeFile = await DevRuntimeFile.claim(dataDir, logger);
    const parts: Parts = {};
    const received = new Map<string, number>();
    try {
      const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
      // Recorded as each starts: a crash before dev.json is complete still leaves them findable.
      const recordServers = () =>
        runtimeFile.update({ servers: [parts.redis?.record, parts.dynamo?.record].filter((r) => r !== undefined) });
      if (!redisUrl) {
        parts.redis = await startRedisServer();
        await recordServers();
      }
      parts.dynamo = await startDynamoDbLocal({ path: layout.state });
      await recordServers();
      // The scheduler's default table names and region, as the CLI's state commands use them.
      parts.state = await openStateStores(
        schedulerEnvironmentSchema.parse({ dynamodbEndpoint: parts.dynamo.endpoint }),
      );
      parts.sqs = await startEmbeddedSqs({
        port: options.sqsPort,
        // Queues persist as SQS keeps messages: what was accepted before a crash is delivered after it.
        dataDir: layout.sqs,
        accepted: (queue, attributes) => {
          // A redrive is a message already counted when it first arrived.
          if (!topics.includes(queue) || ATTEMPT_ATTRIBUTE in attributes) return;
          received.set(queue, (received.get(queue) ?? 0) + 1);
        },
      }).catch((err: unknown) => {
        if (!(err instanceof SqsPortInUseError)) throw err;
        throw new ConfigError('lean-ops dev options', [
          `sqsPort: ${err.message} (another lean-ops dev, or another local SQS?): pass --sqs-port 0 for a free one, or another port (also LEAN_OPS_SQS_PORT)`,
        ]);
      });
      const sqs = parts.sqs;
      const topology = await Promise.all(
        topics.map(async (topic) => ({ topic, ...(await sqs.createTopicQueue(topic, { maxReceiveCount: 5 })) })),
      );
      parts.client = new SQSClient({ region: 'us-east-1', endpoint: sqs.endpoint, credentials: LOCAL_CREDENTIALS });
      parts.lake = await DuckDbLake.open({ path: layout.lake });
      for (const topic of topics) await parts.lake.ensureTopic(topic);
      const registry = createRegistry({ defaultLabels: { service: 'dev' } });
      createBaseMetrics(registry, 'dev', version);
      const topicOfQueue = (queue: string): string | undefined => {
        const name = queueName(queue).replace(/-dlq$/, '');
        return topics.includes(name) ? name : undefined;
      };
      const isKnownTopic = (topic: string): boolean => topics.includes(topic);
      const quarantine = new CountingQuarantine(
        new FileQuarantine({ dir: layout.quarantine }),
        topicOfQueue,
        isKnownTopic,
      );
      // The queue ports over the embedded endpoint's client (stopParts destroys the client).
      const queuePorts = sqsQueues(parts.client, { queues: [...topology], queuePrefix: '' });
      const ingestLogger = logger.child({ component: 'ingest' });
      parts.ingest = composeIngestService(config, topology, {
        source: queuePorts.source(ingestLogger),
        sink: new LandingSink({ dir: layout.landing }),
        quarantine,
        acknowledger: queuePorts.acknowledger,
        sampler: queuePorts.depths,
        registry,
        logger: ingestLogger,
      });
      await parts.ingest.start();
      const dlqLogger = logger.child({ component: 'dlq' });
      parts.dlq = composeDlqService(config, topology, {
        source: queuePorts.source(dlqLogger),
        sender: queuePorts.sender,
        quarantine,
        acknowledger: queuePorts.acknowledger,
        sampler: queuePorts.depths,
        registry,
        logger: dlqLogger,
      });
      await parts.dlq.start();
      const schedulerLogger = logger.child({ component: 'scheduler' });
      const engine = localEngine(parts.lake, config, schedulerLogger);
      const { checkpoints, schemas, drift } = parts.state;
      const schedulerRedis = redisUrl ?? (parts.redis as RedisServer).url;
      parts.scheduler = composeSchedulerService(config, schedulerRedis, {
        checkpoints,
        schemas,
        drift,
        ...engine,
        registry,
        logger: schedulerLogger,
      });
      await parts.scheduler.start();
      parts.metrics = await startMetricsServer({
        registry,
        port: options.metricsPort,
        readiness: { ingest: () => parts.ingest?.isHealthy() ?? false },
      });
      // The audit reads the ledger even when nothing simulated ran yet (--rate 0): an empty one is the truth.
      closeSync(openSync(layout.ledger, 'a'));
      const stack = new DevStack(
        options,
        config,
        dataDir,
        parts,
        topology,
        quarantine,
        engine.pending,
        queuePorts.depths,
        logger,
        runtimeFile,
        received,
        schedulerRedis,
      );
      await stack.writeRuntime();
      return stack;
    } catch (err) {
      await stopParts(parts, logger);
      await runtimeFile.remove();
      throw err;
    }
  }

  /** Redis key prefix of the dev scheduler (for `lean-ops run` against a running dev). */
  readonly schedulerPrefix = SCHEDULER_PREFIX;

  get topics(): readonly string[] {
    return this.topology.map((t) => t.topic);
  }

  get endpoints() {
    return {
      sqs: this.parts.sqs?.endpoint ?? '',
      redis: this.redisUrl,
      metrics: this.parts.metrics?.url ?? '',
      dynamodb: this.parts.dynamo?.endpoint ?? '',
    };
  }

  /** Each topic's queue and DLQ URL on the embedded SQS endpoint. */
  get queues(): Readonly<Record<string, { readonly url: string; readonly dlqUrl: string }>> {
    return Object.fromEntries(this.topology.map(({ topic, url, dlqUrl }) => [topic, { url, dlqUrl }]));
  }

  /** Rewrites `<data-dir>/dev.json` with the current endpoints (call again once `statusUrl` is set). */
  writeRuntime(): Promise<void> {
    return this.runtimeFile.update({
      ...this.endpoints,
      ...(this.statusUrl !== '' && { status: this.statusUrl }),
      aws_endpoint_url_sqs: this.endpoints.sqs,
      queues: this.queues,
      schedulerPrefix: this.schedulerPrefix,
    });
  }

  /** Whether this run has simulated load: not with rate 0 and no input (only your own clients). */
  get simulates(): boolean {
    return this.options.rate > 0 || this.options.input !== undefined;
  }

  /**
   * Starts what feeds this run: the simulator or the input replay (resolves with its
   * summary); with rate 0 and no input, nothing: resolves with null after the duration
   * (never when it is 0, unless stopped) while your own clients send.
   */
  feed(onProgress?: (p: SimulationProgress) => void): Promise<SimulationSummary | null> {
    this.feeding ??= this.simulates ? this.simulate(onProgress) : this.acceptOwnClients();
    return this.feeding;
  }

  private acceptOwnClients(): Promise<null> {
    const signal = this.abortSimulation.signal;
    const seconds = this.options.durationSeconds;
    return new Promise((done) => {
      const finish = () => {
        clearTimeout(timer);
        done(null);
      };
      const timer = seconds > 0 ? setTimeout(finish, seconds * 1000) : undefined;
      if (signal.aborted) finish();
      else signal.addEventListener('abort', finish, { once: true });
    });
  }

  /** Starts the simulator (or the input replay) into the topic queues; resolves with its summary. */
  simulate(onProgress?: (p: SimulationProgress) => void): Promise<SimulationSummary> {
    this.simulation ??= runSimulation(
      {
        topics: [...this.topics],
        endpoint: this.endpoints.sqs,
        // A fresh object: the SDK marks credential objects it has used with extra keys.
        credentials: { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey },
        queuePrefix: '',
        ledger: dataDirLayout(this.dataDir).ledger,
        ...(this.options.input
          ? // Unreadable bodies and unknown topics go to the first topic's queue, to be DROPped there.
            { input: this.options.input, defaultTopic: this.topics[0] }
          : {
              devices: this.options.devices,
              rate: this.options.rate,
              profile: this.options.profile as never,
              ...(this.options.durationSeconds > 0 && { durationMs: Math.round(this.options.durationSeconds * 1000) }),
              ...(this.options.seed !== undefined && { seed: this.options.seed }),
            }),
      },
      {
        signal: this.abortSimulation.signal,
        onProgress: (p) => {
          this.simulated = p;
          onProgress?.(p);
        },
      },
    );
    this.simulation.then(
      () => {
        this.simulationDone = true;
      },
      () => {
        this.simulationDone = true;
      },
    );
    return this.simulation;
  }

  /** Stops the simulator early (Ctrl-C); what was sent stays in the ledger. */
  stopSimulator(): void {
    this.abortSimulation.abort();
  }

  /** The live view, the status page and `--until-idle` ask at once: they share one reading. */
  status(): Promise<DevStatus> {
    this.statusInFlight ??= this.readStatus().finally(() => {
      this.statusInFlight = undefined;
    });
    return this.statusInFlight;
  }

  private async readStatus(): Promise<DevStatus> {
    const { lake, state, scheduler, ingest } = this.parts;
    if (!lake || !state || !scheduler || !ingest) throw new Error('lean-ops dev is stopping');
    const [stats, scheduled, ingesting] = await Promise.all([this.queueStats(), scheduler.status(), ingest.status()]);
    const topics: TopicStatus[] = [];
    for (const { topic, url, dlqUrl } of this.topology) {
      const [schema, cps, rawSnap, curatedSnap, drift, counts] = await Promise.all([
        state.schemas.latest(topic),
        state.checkpoints.get(topic),
        lake.currentSnapshot(topic, 'raw'),
        lake.currentSnapshot(topic, 'curated'),
        state.drift.list(topic),
        lake.rowCounts(topic),
      ]);
      const q = stats.get(url);
      const d = stats.get(dlqUrl);
      topics.push({
        topic,
        schema_version: schema?.version ?? null,
        received: this.received.get(topic) ?? 0,
        queue: { visible: q?.visible ?? 0, in_flight: q?.inFlight ?? 0, delayed: q?.delayed ?? 0 },
        dlq: { visible: d?.visible ?? 0, in_flight: d?.inFlight ?? 0 },
        ...counts,
        quarantined: this.quarantine.count(topic),
        snapshots: { raw: rawSnap, curated: curatedSnap },
        checkpoints: cps,
        curation_pending: await this.pending.rawRecordsAfter(topic, cps.curated),
        last_runs: scheduled.recentRuns[topic] ?? [],
        drift,
        table_health: scheduled.tableHealth[topic] ?? null,
        reprocess: scheduled.reprocesses[topic] ?? null,
      });
    }
    return {
      generated_at: new Date().toISOString(),
      uptime_s: (Date.now() - this.startedAt) / 1000,
      data_dir: this.dataDir,
      breaker: ingesting.breaker,
      simulator: {
        enabled: this.simulates,
        running: this.simulation !== undefined && !this.simulationDone,
        sent: this.simulated?.sent ?? 0,
        profile: this.options.input || !this.simulates ? null : this.options.profile,
      },
      endpoints: { ...this.endpoints, status: this.statusUrl },
      topics,
    };
  }

  private simulationDone = false;

  /** Resolves once nothing is queued or landed and every topic's checkpoints caught up. */
  async waitUntilIdle(timeoutMs = this.options.idleTimeoutSeconds * 1000, pollMs = 500): Promise<void> {
    await (this.feeding ?? this.simulation);
    const deadline = Date.now() + timeoutMs;
    let quietPolls = 0;
    let last = '';
    while (quietPolls < 3) {
      if (Date.now() > deadline) {
        throw new Error(`lean-ops dev: not idle after ${timeoutMs / 1000} s (still busy: ${last})`);
      }
      await this.parts.scheduler?.pollRaw();
      last = await this.busyWith();
      quietPolls = last === '' ? quietPolls + 1 : 0;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** What keeps the pipeline busy, or '' when idle. */
  private async busyWith(): Promise<string> {
    const status = await this.status();
    const scheduler = await this.parts.scheduler?.status();
    if ((scheduler?.landedFiles ?? 0) > 0) return 'landed files not committed yet';
    const runs = (scheduler?.activeRuns ?? 0) + (scheduler?.queuedRuns ?? 0);
    if (runs > 0) return `${runs} scheduler run(s)`;
    for (const t of status.topics) {
      const queued = t.queue.visible + t.queue.in_flight + t.queue.delayed + t.dlq.visible + t.dlq.in_flight;
      if (queued > 0) return `${queued} message(s) queued for ${t.topic}`;
      if (!caughtUp(t.snapshots.raw, t.checkpoints.curated)) return `${t.topic}: curation behind RAW`;
      if (t.schema_version !== null && !caughtUp(t.snapshots.curated, t.checkpoints.semantic)) {
        return `${t.topic}: semantic behind curated`;
      }
    }
    return '';
  }

  /** Depths of every topic queue and DLQ, by URL. */
  private async queueStats(): Promise<Map<string, QueueStats>> {
    const stats = await this.sampler.sample(this.topology.flatMap((t) => [t.url, t.dlqUrl]));
    return new Map(stats.map((s) => [s.queueUrl, s]));
  }

  /** Reconciles the ledger with the lake, the quarantine and what is still queued. */
  async audit(): Promise<AuditReport> {
    return auditPipeline({
      ledgerPath: dataDirLayout(this.dataDir).ledger,
      lake: this.parts.lake as DuckDbLake,
      quarantineDir: dataDirLayout(this.dataDir).quarantine,
      topics: this.topics,
    });
  }

  /** The lake, for queries while dev runs (it is the lake's one writer). */
  get lake(): DuckDbLake {
    return this.parts.lake as DuckDbLake;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.abortSimulation.abort();
      await this.simulation?.catch(() => undefined);
      // No drain: the queues persist in the data dir, and the next start delivers what they hold.
      await stopParts(this.parts, this.logger);
      await this.runtimeFile.remove();
    })();
    return this.closing;
  }
}

const caughtUp = (head: SnapshotRef | null, checkpoint: SnapshotRef | null): boolean =>
  head === null || (checkpoint !== null && checkpoint.sequence >= head.sequence);

/** Stops what was started, producers first, each once; logs and goes on when one fails. */
async function stopParts(parts: Parts, logger: Logger): Promise<void> {
  const steps: [string, (() => Promise<unknown>) | undefined][] = [
    ['ingest service', parts.ingest && (() => (parts.ingest as IngestService).close())],
    ['DLQ processor', parts.dlq && (() => (parts.dlq as DlqService).close())],
    ['scheduler and landing committer', parts.scheduler && (() => (parts.scheduler as SchedulerService).close())],
    ['metrics server', parts.metrics && (() => (parts.metrics as MetricsServer).close())],
    ['lake', parts.lake && (() => (parts.lake as DuckDbLake).close())],
    ['state', parts.state && (async () => parts.state?.close())],
    ['SQS client', parts.client && (async () => parts.client?.destroy())],
    ['embedded SQS', parts.sqs && (() => (parts.sqs as EmbeddedSqs).close())],
    ['DynamoDB Local', parts.dynamo && (() => (parts.dynamo as DynamoDbLocal).stop())],
    ['redis-server', parts.redis && (() => (parts.redis as RedisServer).stop())],
  ];
  for (const [name, stop] of steps) {
    if (!stop) continue;
    try {
      await stop();
    } catch (err) {
      logger.warn({ err: (err as Error).message }, `stopping the ${name} failed`);
    }
  }
}

import { availableParallelism } from 'node:os';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { Registry } from '@lean-ops/metrics';
import type { CloseResult } from '@lean-ops/queue-worker';

/**
 * Several ingest pipelines in one process, one per worker thread. One pipeline is bound
 * by one core (the `@aws-sdk` calls and the transform run on its event loop), so a task
 * with N vCPUs runs N threads; each has its own SQS and sink clients and pollers and
 * consumes the same queues (SQS hands each message to one receiver). The main thread
 * keeps the metrics endpoint, merges the threads' metrics and forwards shutdown.
 */

/** The pipeline a thread runs: the composed ingest service, or (in the bench) the bare worker. */
export interface ThreadWorker {
  start(): void | Promise<void>;
  isHealthy(): boolean;
  close(): Promise<CloseResult>;
}

/** What a thread module builds: a started-later worker and the registry it writes to. */
export interface IngestThreadParts {
  readonly worker: ThreadWorker;
  readonly registry: Registry;
  /** Releases the thread's clients after the worker closed. */
  readonly dispose?: () => void | Promise<void>;
}

/** Data every thread receives: its index, the thread count and the caller's payload. */
export interface IngestThreadData<T> {
  readonly index: number;
  readonly threads: number;
  readonly payload: T;
}

type ToThread = { readonly id: number; readonly type: 'metrics' | 'close' | 'start' };
type FromThread =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'healthy'; readonly value: boolean }
  | { readonly type: 'reply'; readonly id: number; readonly value: unknown };

/** `threads` of the ingest options: 0 means one per available core. */
export function resolveThreadCount(threads: number): number {
  return threads === 0 ? availableParallelism() : threads;
}

/**
 * Runs inside a worker thread started by {@link startIngestThreads}: builds the parts
 * with `build`, starts the worker and answers the main thread (metrics, close).
 */
export function serveIngestThread<T>(build: (data: IngestThreadData<T>) => Promise<IngestThreadParts>): void {
  const port = parentPort;
  if (!port) throw new Error('serveIngestThread: not running in a worker thread');
  const data = (workerData as { data: IngestThreadData<T> }).data;
  void (async () => {
    let parts: IngestThreadParts;
    try {
      parts = await build(data);
    } catch (err) {
      port.postMessage({ type: 'failed', message: (err as Error).message ?? String(err) } satisfies FromThread);
      return;
    }
    const { worker, registry } = parts;
    let healthy = true;
    const health = setInterval(() => {
      const now = worker.isHealthy();
      if (now === healthy) return;
      healthy = now;
      port.postMessage({ type: 'healthy', value: now } satisfies FromThread);
    }, 250);
    health.unref();
    port.on('message', (message: ToThread) => {
      void (async () => {
        if (message.type === 'start') {
          await worker.start();
          return;
        }
        if (message.type === 'metrics') {
          const value = await registry.getMetricsAsJSON();
          port.postMessage({ type: 'reply', id: message.id, value } satisfies FromThread);
          return;
        }
        clearInterval(health);
        const value = await worker.close();
        await parts.dispose?.();
        port.postMessage({ type: 'reply', id: message.id, value } satisfies FromThread);
        port.close();
      })();
    });
    if ((workerData as { start: boolean }).start) await worker.start();
    port.postMessage({ type: 'ready' } satisfies FromThread);
  })();
}

export interface IngestThreads {
  readonly threads: number;
  /** Starts the workers when the threads were started with `start: false`. */
  start(): void;
  /** True while every thread's breaker lets records through. */
  isHealthy(): boolean;
  /** The threads' metrics merged (counters and histograms summed, breaker state the worst), Prometheus text. */
  metricsText(): Promise<string>;
  /** Closes every thread's worker (each within its budget); idempotent. */
  close(): Promise<CloseResult>;
}

export interface StartIngestThreadsOptions<T> {
  readonly threads: number;
  /**
   * Module calling {@link serveIngestThread}: a `.ts` source (the thread registers tsx
   * first, through the bootstrap) or compiled JavaScript (`npm run build`, run as it is).
   */
  readonly module: URL;
  readonly payload: T;
  /** Start each worker as soon as its thread is ready; false waits for `start()`. @defaultValue true */
  readonly start?: boolean;
}

const BOOTSTRAP = new URL('./ingest-thread-bootstrap.mjs', import.meta.url);

/** A worker thread does not inherit the main thread's loader hooks: a TypeScript module needs tsx registered first. */
function threadEntry(module: URL): { entry: URL; module: string | undefined } {
  return module.pathname.endsWith('.ts')
    ? { entry: BOOTSTRAP, module: module.href }
    : { entry: module, module: undefined };
}

class ThreadHandle {
  healthy = true;
  private nextId = 1;
  private exited = false;
  private readonly replies = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();

  constructor(readonly thread: Worker) {
    thread.once('exit', () => {
      this.exited = true;
      for (const reply of this.replies.values()) reply.reject(new Error('ingest thread exited'));
      this.replies.clear();
    });
  }

  handle(message: FromThread): void {
    if (message.type === 'healthy') this.healthy = message.value;
    if (message.type === 'reply') {
      this.replies.get(message.id)?.resolve(message.value);
      this.replies.delete(message.id);
    }
  }

  ask<R>(type: ToThread['type']): Promise<R> {
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      if (this.exited) return reject(new Error('ingest thread exited'));
      this.replies.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.thread.postMessage({ id, type } satisfies ToThread);
    });
  }
}

/** Starts `threads` worker threads running `module`; resolves when every one has started its worker. */
export async function startIngestThreads<T>(options: StartIngestThreadsOptions<T>): Promise<IngestThreads> {
  const handles: ThreadHandle[] = [];
  const started: Promise<void>[] = [];
  for (let index = 0; index < options.threads; index++) {
    const data: IngestThreadData<T> = { index, threads: options.threads, payload: options.payload };
    const { entry, module } = threadEntry(options.module);
    const thread = new Worker(entry, { workerData: { module, data, start: options.start ?? true } });
    const handle = new ThreadHandle(thread);
    handles.push(handle);
    started.push(
      new Promise<void>((resolve, reject) => {
        thread.on('message', (message: FromThread) => {
          if (message.type === 'ready') resolve();
          else if (message.type === 'failed') reject(new Error(`ingest thread ${index}: ${message.message}`));
          else handle.handle(message);
        });
        thread.once('error', (err) => reject(err));
        thread.once('exit', (code) => reject(new Error(`ingest thread ${index} exited (${code}) before starting`)));
      }),
    );
  }
  try {
    await Promise.all(started);
  } catch (err) {
    await Promise.all(handles.map((h) => h.thread.terminate()));
    throw err;
  }
  let closing: Promise<CloseResult> | undefined;
  return {
    threads: handles.length,
    start() {
      for (const h of handles) h.thread.postMessage({ id: 0, type: 'start' } satisfies ToThread);
    },
    isHealthy: () => !closing && handles.every((h) => h.healthy),
    async metricsText() {
      const all = await Promise.all(handles.map((h) => h.ask<MetricJson[]>('metrics')));
      return renderMerged(all);
    },
    close() {
      closing ??= (async () => {
        const results = await Promise.all(
          handles.map((h) => h.ask<CloseResult>('close').catch(() => ({ drained: false, released: 0 }))),
        );
        return {
          drained: results.every((r) => r.drained),
          released: results.reduce((sum, r) => sum + r.released, 0),
        };
      })();
      return closing;
    },
  };
}

interface MetricJson {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly values: ReadonlyArray<{
    readonly value: number;
    readonly labels: Readonly<Record<string, string | number>>;
    readonly metricName?: string;
  }>;
}

/** Gauges that are states, not amounts: merged with max, not sum. */
const STATE_GAUGES: ReadonlySet<string> = new Set(['leanops_sink_breaker_state']);

const escapeLabel = (value: string | number) =>
  String(value).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** Merges the threads' metrics (same name and labels: summed; state gauges: max) as Prometheus text. */
export function renderMerged(perThread: readonly (readonly MetricJson[])[]): string {
  const merged = new Map<string, { meta: MetricJson; series: Map<string, { line: string; value: number }> }>();
  for (const metrics of perThread) {
    for (const metric of metrics) {
      let entry = merged.get(metric.name);
      if (!entry) {
        entry = { meta: metric, series: new Map() };
        merged.set(metric.name, entry);
      }
      const max = STATE_GAUGES.has(metric.name);
      for (const v of metric.values) {
        const labels = Object.entries(v.labels)
          .map(([k, x]) => `${k}="${escapeLabel(x)}"`)
          .join(',');
        const line = `${v.metricName ?? metric.name}${labels ? `{${labels}}` : ''}`;
        const seen = entry.series.get(line);
        if (!seen) entry.series.set(line, { line, value: v.value });
        else seen.value = max ? Math.max(seen.value, v.value) : seen.value + v.value;
      }
    }
  }
  const out: string[] = [];
  for (const { meta, series } of merged.values()) {
    out.push(`# HELP ${meta.name} ${meta.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    out.push(`# TYPE ${meta.name} ${meta.type}`);
    for (const s of series.values()) out.push(`${s.line} ${Number.isFinite(s.value) ? s.value : String(s.value)}`);
  }
  return `${out.join('\n')}\n`;
}

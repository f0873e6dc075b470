import { randomBytes } from 'node:crypto';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS } from '@lean-ops/local';
import { type BatchEntry, BatchSender } from './batch-sender.js';
import { bodyClaims } from './body-claims.js';
import { BoundedTasks } from './bounded-tasks.js';
import { expectedFate } from './expected-fate.js';
import { fleetMessages } from './fleet-source.js';
import { LedgerWriter, type NotSentLedgerEntry, type SentLedgerEntry } from './ledger.js';
import { parseSimulationOptions, type SimulationOptions, type SimulationOptionsInput } from './options.js';
import type { OutgoingMessage } from './outgoing-message.js';
import { QueueBatches, SQS_BATCH_LIMITS } from './queue-batches.js';
import { resolveTargetQueues, type TargetQueue } from './queue-directory.js';
import { replayMessages } from './replay-source.js';
import { planRun, type RunPlan } from './run-plan.js';
import { type SimulationCounts, Tally } from './tally.js';

export interface SimulationProgress extends SimulationCounts {
  readonly elapsed_ms: number;
  /** Messages sent per second since the previous report. */
  readonly rate: number;
  /** What the run stops at: `count` messages, `durationMs`, the end of the input, or being stopped. */
  readonly target:
    | { readonly count: number }
    | { readonly duration_ms: number }
    | { readonly input: string }
    | { readonly until: 'stopped' };
}

export interface SimulationHooks {
  /** Called every `progressIntervalMs`, and once at the end. */
  readonly onProgress?: (progress: SimulationProgress) => void;
  /** Called with the ledger lines of the messages SQS accepted, per batch. */
  readonly onSent?: (entries: readonly SentLedgerEntry[]) => void;
  /** Aborting stops planning messages; batches already built are still sent, then the run ends. */
  readonly signal?: AbortSignal;
}

export interface SimulationSummary extends SimulationCounts {
  /** The `run_id` of this run's ledger lines. */
  readonly run_id: string;
  readonly duration_ms: number;
  /** The ledger file, when one was written. */
  readonly ledger: string | null;
  /** The seed of a simulated run (give it back as `seed` to repeat the run); null for a replay. */
  readonly seed: number | null;
  readonly profile: string | null;
  /** True when the run was stopped through `signal`. */
  readonly aborted: boolean;
}

/** Why a message never reached its queue: SQS's error code (or the simulator's) and message. */
interface SendError {
  readonly code: string;
  readonly message: string;
}

/** Shortest pause between sends: at high rates, what is due meanwhile goes out in full batches. */
const MIN_WAIT_MS = 10;

const utf8Bytes = (m: OutgoingMessage): number => Buffer.byteLength(m.body, 'utf8');

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function sqsClient(options: SimulationOptions): SQSClient {
  const config: SQSClientConfig = { region: options.region, maxAttempts: 1 }; // BatchSender retries
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  const credentials = options.credentials ?? (options.endpoint !== undefined ? LOCAL_CREDENTIALS : undefined);
  if (credentials) config.credentials = credentials;
  return new SQSClient(config);
}

/** Start time and randomness: the runs appending to one ledger never share an id. */
function newRunId(now: Date = new Date()): string {
  return `${now.toISOString()}-${randomBytes(4).toString('hex')}`;
}

/**
 * Sends a simulated device fleet's messages, with the profile's faults injected, or
 * replays an input file, to the topics' SQS queues; appends a ledger line per message:
 * sent, with the fate the ingest worker will give it, or not sent, with the error. The
 * same code serves the embedded endpoint and AWS: only `endpoint` and credentials differ.
 *
 * @throws ConfigError for bad options or a missing queue, before anything is sent.
 */
export async function runSimulation(
  input: SimulationOptionsInput,
  hooks: SimulationHooks = {},
): Promise<SimulationSummary> {
  const options = parseSimulationOptions(input);
  const plan = planRun(options);
  const client = sqsClient(options);
  try {
    const queues = await resolveTargetQueues(client, options.topics, options);
    const ledger = options.ledger === undefined ? undefined : await LedgerWriter.open(options.ledger);
    const sender = new BatchSender(client, options);
    const run = new SimulationRun(newRunId(), options, plan, queues, sender, ledger, hooks);
    try {
      return await run.execute();
    } finally {
      await ledger?.close();
    }
  } finally {
    client.destroy();
  }
}

class SimulationRun {
  private readonly tally: Tally;
  private readonly tasks: BoundedTasks;
  private readonly batches: QueueBatches<OutgoingMessage>;
  private readonly topics: ReadonlySet<string>;
  private readonly queueByUrl: ReadonlyMap<string, TargetQueue>;
  private startedAt = 0;

  constructor(
    private readonly runId: string,
    private readonly options: SimulationOptions,
    private readonly plan: RunPlan,
    private readonly queues: ReadonlyMap<string, TargetQueue>,
    private readonly sender: BatchSender,
    private readonly ledger: LedgerWriter | undefined,
    private readonly hooks: SimulationHooks,
  ) {
    this.tally = new Tally(options.topics);
    this.tasks = new BoundedTasks(options.concurrency);
    this.batches = new QueueBatches(
      { maxEntries: SQS_BATCH_LIMITS.maxEntries, maxBytes: options.maxMessageBytes },
      utf8Bytes,
    );
    this.topics = new Set(options.topics);
    this.queueByUrl = new Map([...queues.values()].map((q) => [q.url, q]));
  }

  private elapsed(): number {
    return performance.now() - this.startedAt;
  }

  async execute(): Promise<SimulationSummary> {
    const { signal } = this.hooks;
    this.startedAt = performance.now();
    const reporter = this.startProgress();
    let failure: { error: unknown } | undefined;
    try {
      await this.sendAll();
    } catch (error) {
      failure = { error };
    }
    // Even after a failure (a bad input line), what was sent must reach the ledger.
    try {
      await this.dispatch(this.batches.takeAll());
      await this.tasks.drain();
    } catch (error) {
      failure ??= { error };
    }
    reporter.stop();
    if (failure) throw failure.error;
    return {
      ...this.tally.counts(),
      run_id: this.runId,
      duration_ms: Math.round(this.elapsed()),
      ledger: this.ledger?.path ?? null,
      seed: this.plan.kind === 'fleet' ? this.plan.fleet.seed : null,
      profile: this.plan.kind === 'fleet' ? this.plan.profile : null,
      aborted: signal?.aborted ?? false,
    };
  }

  /** Plans and dispatches every message at its due time, until the source ends or the run stops. */
  private async sendAll(): Promise<void> {
    const { signal } = this.hooks;
    const source = this.plan.kind === 'fleet' ? fleetMessages(this.plan.fleet) : replayMessages(this.plan.replay);
    for await (const message of source) {
      if (signal?.aborted || this.tasks.failed) return;
      if (message.dueMs !== undefined && message.dueMs > this.elapsed()) {
        // Send what is buffered before waiting, so no message waits longer than its pace.
        await this.dispatch(this.batches.takeAll());
        await sleep(Math.max(message.dueMs - this.elapsed(), MIN_WAIT_MS), signal);
        if (signal?.aborted) return;
      }
      await this.enqueue(message);
    }
  }

  private async enqueue(message: OutgoingMessage): Promise<void> {
    const queue = this.queues.get(message.queueTopic) as TargetQueue;
    if (message.unsendable) {
      await this.notSent(queue, [message], message.unsendable);
      return;
    }
    const bytes = utf8Bytes(message);
    if (bytes > this.options.maxMessageBytes) {
      // SQS would refuse it (or the whole batch): record it as not sent without a call.
      await this.notSent(queue, [message], {
        code: 'MessageTooLong',
        message: `${bytes} bytes, more than the queue's limit of ${this.options.maxMessageBytes}`,
      });
      return;
    }
    await this.dispatch(this.batches.add(queue.url, message));
  }

  /** Ledger lines (and failures in the counts) for messages that never reached the queue. */
  private async notSent(
    queue: TargetQueue,
    messages: readonly OutgoingMessage[],
    error: SendError | ((message: OutgoingMessage) => SendError),
  ): Promise<void> {
    const at = new Date().toISOString();
    const lines: NotSentLedgerEntry[] = messages.map((message) => {
      const { code, message: text } = typeof error === 'function' ? error(message) : error;
      return {
        run_id: this.runId,
        seq: message.seq,
        status: 'not_sent',
        topic: bodyClaims(message.body).topic,
        queue: queue.name,
        message_id: null,
        device_id: message.deviceId,
        idempotency_key: null,
        fault: message.fault,
        expected: null,
        reason: null,
        duplicate_of: message.duplicateOf,
        sent_at: at,
        error: { code, message: text },
      };
    });
    for (const [i, line] of lines.entries()) this.tally.notSent((messages[i] as OutgoingMessage).queueTopic, line);
    await this.ledger?.write(lines);
  }

  private async dispatch(batches: ReadonlyArray<{ queue: string; items: OutgoingMessage[] }>): Promise<void> {
    for (const { queue, items } of batches) await this.tasks.run(() => this.send(queue, items));
  }

  private async send(queueUrl: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const queue = this.queueByUrl.get(queueUrl) as TargetQueue;
    const entries: BatchEntry[] = messages.map((m) => ({ id: String(m.seq), body: m.body }));
    let outcome: Awaited<ReturnType<BatchSender['send']>>;
    try {
      outcome = await this.sender.send(queueUrl, entries);
    } catch (err) {
      // The run ends with this error; the batch it took down is in the ledger first.
      const code = ((err as Error).cause as { name?: string } | undefined)?.name ?? 'SendFailed';
      await this.notSent(queue, messages, { code, message: (err as Error).message });
      throw err;
    }
    const sentAtMs = Date.now();
    const sentAt = new Date(sentAtMs).toISOString();
    const lines: SentLedgerEntry[] = [];
    const refused = new Map(outcome.failed.map((f) => [f.id, f]));
    for (const message of messages) {
      const messageId = outcome.sent.get(String(message.seq));
      if (messageId === undefined) continue;
      const fate = expectedFate(message.body, {
        isKnownTopic: (topic) => this.topics.has(topic),
        maxRecordBytes: this.options.maxRecordBytes,
        messageId,
        publishTimeMs: sentAtMs,
      });
      const line: SentLedgerEntry = {
        run_id: this.runId,
        seq: message.seq,
        status: 'sent',
        topic: bodyClaims(message.body).topic,
        queue: queue.name,
        message_id: messageId,
        device_id: message.deviceId,
        idempotency_key: fate.idempotencyKey,
        fault: message.fault,
        expected: fate.expected,
        reason: fate.reason,
        duplicate_of: message.duplicateOf,
        sent_at: sentAt,
        error: null,
      };
      lines.push(line);
      this.tally.add(message.queueTopic, line);
    }
    await this.ledger?.write(lines);
    const failed = messages.filter((m) => !outcome.sent.has(String(m.seq)));
    if (failed.length > 0) {
      await this.notSent(queue, failed, (m) => {
        const refusal = refused.get(String(m.seq));
        return { code: refusal?.code ?? 'NotAcknowledged', message: refusal?.message ?? '' };
      });
    }
    if (lines.length > 0) this.hooks.onSent?.(lines);
  }

  private startProgress(): { stop(): void } {
    const { onProgress } = this.hooks;
    if (!onProgress) return { stop() {} };
    let lastSent = 0;
    let lastAt = 0;
    const report = () => {
      const elapsed = this.elapsed();
      const counts = this.tally.counts();
      const seconds = (elapsed - lastAt) / 1000;
      const rate = seconds > 0 ? (counts.sent - lastSent) / seconds : 0;
      lastSent = counts.sent;
      lastAt = elapsed;
      onProgress({ ...counts, elapsed_ms: Math.round(elapsed), rate: Math.round(rate), target: this.target() });
    };
    const timer = setInterval(report, this.options.progressIntervalMs);
    timer.unref();
    return {
      stop() {
        clearInterval(timer);
        report();
      },
    };
  }

  private target(): SimulationProgress['target'] {
    if (this.plan.kind === 'replay') return { input: this.plan.replay.input };
    const { count, durationMs } = this.plan.fleet;
    if (count !== undefined) return { count };
    return durationMs !== undefined ? { duration_ms: durationMs } : { until: 'stopped' };
  }
}

import type { Counter } from '@lean-ops/metrics';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseReprocessRequest, ReprocessInProgressError, type ReprocessRequest } from './reprocess-request.js';
import type { RunState } from './run-state.js';
import type { Trigger } from './steps.js';

/** Data of one run job: its topic, what started it, and (once started) its saved state. */
export interface RunJobData {
  readonly topic: string;
  readonly trigger: Trigger;
  readonly requested_at: string;
  readonly state?: RunState;
}

export const RUN_QUEUE_NAME = 'runs';
const RUN_JOB_NAME = 'run';

/** The deduplication id: one run per topic active, at most one queued behind it. */
export const runDedupId = (topic: string): string => `run:${topic}`;

export interface RunQueueOptions {
  readonly connection: Redis;
  readonly prefix: string;
  readonly attempts: number;
  readonly retryBackoffMs: number;
  /** Counts every request, by topic and trigger (the scheduler's `runTriggers`). */
  readonly requests?: Counter<'topic' | 'trigger'>;
}

/** Where every trigger (timer, RAW advanced, CLI, backlog) asks for a run. */
export class RunQueue {
  readonly queue: Queue<RunJobData>;

  constructor(private readonly options: RunQueueOptions) {
    this.queue = new Queue<RunJobData>(RUN_QUEUE_NAME, { connection: options.connection, prefix: options.prefix });
  }

  /**
   * Asks for a run of `topic`. BullMQ's deduplication with `keepLastIfActive` keeps at
   * most one run active and one waiting per topic: a request while one waits is dropped
   * (the waiting run will see the same data), a request while one runs is kept for after.
   */
  async requestRun(topic: string, trigger: Trigger): Promise<string | undefined> {
    this.options.requests?.inc({ topic, trigger });
    const job = await this.queue.add(
      RUN_JOB_NAME,
      { topic, trigger, requested_at: new Date().toISOString() },
      {
        deduplication: { id: runDedupId(topic), keepLastIfActive: true },
        attempts: this.options.attempts,
        backoff: { type: 'exponential', delay: this.options.retryBackoffMs },
        removeOnComplete: { count: 1_000 },
        removeOnFail: { count: 1_000 },
      },
    );
    return job.id;
  }

  /**
   * Asks for a maintenance of `topic`'s tables: it marks the topic and requests a run. The
   * next run of the topic that ends its data steps claims the mark and maintains the tables
   * as its last step, so maintenance never runs beside the topic's curation or semantic job
   * (one run per topic is active), whichever request BullMQ's deduplication kept.
   */
  async requestMaintenance(topic: string): Promise<string | undefined> {
    await this.options.connection.set(this.maintenanceKey(topic), new Date().toISOString());
    return this.requestRun(topic, 'maintenance');
  }

  /** True once per mark: the caller (a run of `topic`) maintains the tables. */
  async claimMaintenance(topic: string): Promise<boolean> {
    return (await this.options.connection.del(this.maintenanceKey(topic))) === 1;
  }

  private maintenanceKey(topic: string): string {
    return `${this.options.prefix}:maintain:${topic}`;
  }

  /**
   * Asks for a reprocess of `topic` (docs/reprocess.md): stores the request as the topic's
   * one reprocess mark (refused with `ReprocessInProgressError` while another is waiting or
   * running) and requests a run. The next run of the topic to start claims the mark and
   * becomes the reprocess run; the topic's pipeline runs wait behind it (one run per topic).
   */
  async requestReprocess(request: ReprocessRequest): Promise<string | undefined> {
    const checked = parseReprocessRequest(request);
    const key = this.reprocessKey(checked.topic);
    const set = await this.options.connection.set(key, JSON.stringify(checked), 'NX');
    if (set === null) {
      const current = await this.pendingReprocess(checked.topic);
      if (current) throw new ReprocessInProgressError(current);
      return this.requestReprocess(request); // finished between the two calls
    }
    return this.requestRun(checked.topic, 'reprocess');
  }

  /** The topic's waiting or running reprocess, or null. */
  async pendingReprocess(topic: string): Promise<ReprocessRequest | null> {
    const value = await this.options.connection.get(this.reprocessKey(topic));
    return value === null ? null : parseReprocessRequest(JSON.parse(value));
  }

  /** Clears the mark of reprocess `id` once its run has ended (a later request's mark stays). */
  async finishReprocess(topic: string, id: string): Promise<void> {
    const current = await this.pendingReprocess(topic);
    if (current?.id === id) await this.options.connection.del(this.reprocessKey(topic));
  }

  private reprocessKey(topic: string): string {
    return `${this.options.prefix}:reprocess:${topic}`;
  }

  /** Runs executing now (`active`) and waiting for their turn or a retry (`queued`). */
  async counts(): Promise<{ active: number; queued: number }> {
    const counts = await this.queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
    const { active = 0, ...queued } = counts;
    return { active, queued: Object.values(queued).reduce((a, b) => a + b, 0) };
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

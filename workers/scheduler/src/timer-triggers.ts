import type { Logger } from '@lean-ops/logger';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunQueue } from './run-queue.js';

const TRIGGER_QUEUE_NAME = 'triggers';
const schedulerId = (topic: string): string => `schedule:${topic}`;

interface TickData {
  readonly topic: string;
}

/**
 * The timer trigger: one BullMQ job scheduler per topic on a queue of its own, whose ticks
 * only ask the run queue for a run (so timer, event and manual triggers share one
 * deduplication). Upserted from this one place at start-up: concurrent upserts have
 * produced duplicate or stopped schedulers (BullMQ #3085, #3272).
 */
export class TimerTriggers {
  private readonly queue: Queue<TickData>;
  private readonly worker: Worker<TickData>;

  constructor(
    private readonly options: {
      readonly connection: Redis;
      readonly prefix: string;
      readonly runs: RunQueue;
      readonly logger: Logger;
    },
  ) {
    this.queue = new Queue<TickData>(TRIGGER_QUEUE_NAME, { connection: options.connection, prefix: options.prefix });
    this.worker = new Worker<TickData>(
      TRIGGER_QUEUE_NAME,
      async (job) => {
        await options.runs.requestRun(job.data.topic, 'schedule');
      },
      { connection: options.connection, prefix: options.prefix, autorun: false, concurrency: 4 },
    );
    this.worker.on('error', (err) => options.logger.error({ err }, 'trigger worker error'));
  }

  /**
   * Makes the job schedulers exactly one per topic, every `everyMs` (none when 0); removes
   * stale ones (topics no longer configured).
   */
  async upsert(topics: readonly string[], everyMs: number): Promise<void> {
    const wanted = new Set(everyMs > 0 ? topics.map(schedulerId) : []);
    for (const existing of await this.queue.getJobSchedulers(0, -1)) {
      if (!wanted.has(existing.key)) await this.queue.removeJobScheduler(existing.key);
    }
    for (const topic of everyMs > 0 ? topics : []) {
      await this.queue.upsertJobScheduler(
        schedulerId(topic),
        { every: everyMs },
        { name: 'tick', data: { topic }, opts: { removeOnComplete: true, removeOnFail: 100 } },
      );
    }
    this.options.logger.info({ topics, every_ms: everyMs }, 'timer triggers upserted');
  }

  /** The job scheduler ids, e.g. `schedule:sensors`. */
  async list(): Promise<string[]> {
    return (await this.queue.getJobSchedulers(0, -1)).map((s) => s.key).sort();
  }

  start(): void {
    void this.worker.run();
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
  }
}

import type { Logger } from '@lean-ops/logger';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunQueue } from './run-queue.js';

/**
 * What a tick asks for: a run (`schedule`, queue `triggers`) or a maintenance of the
 * topic's tables (`maintenance`, queue `maintenance-triggers`, `RunQueue.requestMaintenance`).
 */
export type TimerKind = 'schedule' | 'maintenance';

const QUEUE_NAMES: Readonly<Record<TimerKind, string>> = {
  schedule: 'triggers',
  maintenance: 'maintenance-triggers',
};

interface TickData {
  readonly topic: string;
}

/**
 * A timer trigger: one BullMQ job scheduler per topic on a queue of its own (one queue per
 * kind), whose ticks only ask the run queue for a run or a maintenance (so every trigger
 * shares the per-topic deduplication). Upserted from this one place at start-up: concurrent upserts have
 * produced duplicate or stopped schedulers (BullMQ #3085, #3272).
 */
export class TimerTriggers {
  private readonly queue: Queue<TickData>;
  private readonly worker: Worker<TickData>;
  private readonly schedulerId: (topic: string) => string;

  constructor(
    private readonly options: {
      /** @defaultValue "schedule" */
      readonly kind?: TimerKind;
      readonly connection: Redis;
      readonly prefix: string;
      readonly runs: RunQueue;
      readonly logger: Logger;
      /** Whether a tick of `topic` asks at all (a maintenance window); without it every tick asks. */
      readonly due?: (topic: string) => Promise<boolean>;
    },
  ) {
    const kind = options.kind ?? 'schedule';
    this.schedulerId = (topic) => `${kind}:${topic}`;
    const name = QUEUE_NAMES[kind];
    this.queue = new Queue<TickData>(name, { connection: options.connection, prefix: options.prefix });
    this.worker = new Worker<TickData>(
      name,
      async (job) => {
        if (options.due && !(await options.due(job.data.topic))) return;
        if (kind === 'maintenance') await options.runs.requestMaintenance(job.data.topic);
        else await options.runs.requestRun(job.data.topic, 'schedule');
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
    const wanted = new Set(everyMs > 0 ? topics.map(this.schedulerId) : []);
    for (const existing of await this.queue.getJobSchedulers(0, -1)) {
      if (!wanted.has(existing.key)) await this.queue.removeJobScheduler(existing.key);
    }
    for (const topic of everyMs > 0 ? topics : []) {
      await this.queue.upsertJobScheduler(
        this.schedulerId(topic),
        { every: everyMs },
        { name: 'tick', data: { topic }, opts: { removeOnComplete: true, removeOnFail: 100 } },
      );
    }
    this.options.logger.info({ topics, every_ms: everyMs }, `${this.options.kind ?? 'schedule'} timers upserted`);
  }

  /** The job scheduler ids, e.g. `schedule:sensors`, `maintenance:sensors`. */
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

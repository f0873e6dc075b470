import type { TableHealth } from '@lean-ops/core';
import type { Redis } from 'ioredis';
import type { RunReport } from './run-state.js';

/** What the status page and `lean-ops runs` show per topic. */
export interface TopicRunSummary {
  readonly topic: string;
  readonly last_outcome: string | null;
  readonly last_run_at: string | null;
  readonly last_success_at: string | null;
  /** When semantic last caught up with curated (basis of the semantic lag). */
  readonly caught_up_at: string | null;
}

/** The health of a topic's tables after its latest maintenance (the status page). */
export interface TableHealthReading {
  /** When the maintenance ended (ISO-8601). */
  readonly at: string;
  readonly tables: readonly TableHealth[];
}

/** Recent run reports per topic, kept in Redis next to the queue (a capped list). */
export class RunHistory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly length: number,
  ) {}

  private listKey(topic: string): string {
    return `${this.prefix}:history:${topic}`;
  }

  private summaryKey(topic: string): string {
    return `${this.prefix}:summary:${topic}`;
  }

  async record(report: RunReport): Promise<void> {
    const summary: Record<string, string> = { last_outcome: report.outcome, last_run_at: report.finished_at };
    if (report.outcome !== 'Failed') summary.last_success_at = report.finished_at;
    // Semantic is caught up after a full run without backlog, or when nothing new arrived.
    const caughtUp =
      (report.outcome === 'FullPipelineSuccess' && !report.again) ||
      report.outcome === 'NoNewData' ||
      report.outcome === 'NoNewCuratedData';
    if (caughtUp) summary.caught_up_at = report.finished_at;
    await this.redis
      .multi()
      .lpush(this.listKey(report.topic), JSON.stringify(report))
      .ltrim(this.listKey(report.topic), 0, this.length - 1)
      .hset(this.summaryKey(report.topic), summary)
      .exec();
  }

  /** Newest first. */
  async recent(topic: string, limit = this.length): Promise<RunReport[]> {
    const items = await this.redis.lrange(this.listKey(topic), 0, limit - 1);
    return items.map((item) => JSON.parse(item) as RunReport);
  }

  /** Keeps the health of the topic's tables from its latest maintenance, with when it was read. */
  async recordHealth(topic: string, tables: readonly TableHealth[], at: string): Promise<void> {
    await this.redis.set(`${this.prefix}:health:${topic}`, JSON.stringify({ at, tables }));
  }

  /** The health of the latest maintenance, or null before the first. */
  async health(topic: string): Promise<TableHealthReading | null> {
    const item = await this.redis.get(`${this.prefix}:health:${topic}`);
    return item === null ? null : (JSON.parse(item) as TableHealthReading);
  }

  async summary(topic: string): Promise<TopicRunSummary> {
    const h = await this.redis.hgetall(this.summaryKey(topic));
    return {
      topic,
      last_outcome: h.last_outcome ?? null,
      last_run_at: h.last_run_at ?? null,
      last_success_at: h.last_success_at ?? null,
      caught_up_at: h.caught_up_at ?? null,
    };
  }
}

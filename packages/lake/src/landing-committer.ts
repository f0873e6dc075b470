import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { SnapshotRef } from '@lean-ops/core';
import type { DuckDbLake } from './duckdb-lake.js';

export interface LandingCommitterOptions {
  readonly lake: DuckDbLake;
  /** The landing sink's folder: `<dir>/<topic>/*.jsonl`. */
  readonly landingDir: string;
  readonly topics: readonly string[];
  /** How often landed files are committed (Firehose's buffering interval). @defaultValue 1000 */
  readonly intervalMs?: number;
  readonly onCommit?: (topic: string, snapshot: SnapshotRef, files: number) => void;
  readonly onError?: (err: unknown) => void;
}

/** What the landing committer reports: files the landing sink wrote and RAW does not hold yet. */
export interface LandingStatus {
  readonly waitingFiles: number;
}

/**
 * The local stand-in for Firehose's delivery into Iceberg: commits the files the landing
 * sink wrote into each topic's RAW table as one snapshot, then deletes them. A crash
 * between commit and delete is harmless: the lake skips files it committed before.
 */
export class LandingCommitter {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: LandingCommitterOptions) {}

  /**
   * Commits every interval. `onCommitted` hears of each round that made snapshots, so a
   * consumer can react to new RAW data at once instead of on its own timer's phase.
   */
  start(onCommitted?: (topics: readonly string[]) => void): void {
    if (this.timer || this.closing) return;
    this.timer = setInterval(() => {
      this.running ??= this.commitOnce()
        .then((made) => {
          if (made.size > 0) onCommitted?.([...made.keys()]);
        })
        .catch((err: unknown) => this.options.onError?.(err))
        .finally(() => {
          this.running = undefined;
        });
    }, this.options.intervalMs ?? 1_000);
  }

  /** Landed files waiting to be committed into RAW, over every topic. */
  async status(): Promise<LandingStatus> {
    let waitingFiles = 0;
    for (const topic of this.options.topics) waitingFiles += (await this.landed(topic)).length;
    return { waitingFiles };
  }

  /** Commits every topic's landed files now; returns the new snapshots by topic. */
  async commitOnce(): Promise<Map<string, SnapshotRef>> {
    const made = new Map<string, SnapshotRef>();
    for (const topic of this.options.topics) {
      const files = await this.landed(topic);
      if (files.length === 0) continue;
      const snapshot = await this.options.lake.commitRawFiles(topic, files);
      if (snapshot) {
        made.set(topic, snapshot);
        this.options.onCommit?.(topic, snapshot, files.length);
      }
      await Promise.all(files.map((f) => unlink(f).catch(() => undefined)));
    }
    return made;
  }

  /** The landed files of `topic`, sorted by name. */
  private async landed(topic: string): Promise<string[]> {
    const dir = join(this.options.landingDir, topic);
    const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    return names
      .filter((n) => n.endsWith('.jsonl'))
      .sort()
      .map((n) => join(dir, n));
  }

  /** Stops the timer and commits what is left; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      await this.running;
      await this.commitOnce();
    })();
    return this.closing;
  }
}

import { join } from 'node:path';
import {
  ConfigError,
  type EncodedRecord,
  type FailedRecord,
  FIREHOSE_LIMITS,
  type RecordSink,
  RetryableError,
  type SinkLimits,
} from '@lean-ops/core';
import { uniqueFileName, writeFileAtomic } from './atomic-file.js';

export interface LandingSinkOptions {
  /** Landing folder; records of topic T land in `<dir>/<T>/*.jsonl`. */
  readonly dir: string;
  /** @defaultValue "local" (the `sink` metric label) */
  readonly name?: string;
}

/** Firehose's limits, so local batches look like AWS ones. */
export const LANDING_LIMITS: SinkLimits = FIREHOSE_LIMITS;

/**
 * The local stand-in for Firehose: each call lands one JSON-lines file per topic,
 * atomically and durably, before it resolves. The lake owner (`lean-ops dev`) commits
 * landed files into RAW as snapshots, as Firehose commits objects to Iceberg. A worker
 * killed at any point loses nothing it acknowledged.
 */
export class LandingSink implements RecordSink {
  readonly name: string;
  readonly limits = LANDING_LIMITS;
  private readonly dir: string;

  constructor(options: LandingSinkOptions) {
    if (typeof options?.dir !== 'string' || options.dir === '') {
      throw new ConfigError('landing sink options', ['dir: expected a folder path']);
    }
    this.dir = options.dir;
    this.name = options.name ?? 'local';
  }

  async putBatch(records: readonly EncodedRecord[]): Promise<{ failed: readonly FailedRecord[] }> {
    const byTopic = new Map<string, string[]>();
    for (const { record, json } of records) {
      const lines = byTopic.get(record.topic) ?? [];
      lines.push(json);
      byTopic.set(record.topic, lines);
    }
    try {
      await Promise.all(
        [...byTopic].map(([topic, lines]) =>
          writeFileAtomic(join(this.dir, topic, uniqueFileName('.jsonl')), `${lines.join('\n')}\n`),
        ),
      );
    } catch (err) {
      throw new RetryableError(`landing ${records.length} records in ${this.dir} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return { failed: [] };
  }

  async close(): Promise<void> {}
}

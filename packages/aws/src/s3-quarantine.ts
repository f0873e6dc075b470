import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type Quarantine, type QuarantineEntry, RetryableError, TOPIC_NAME_PATTERN } from '@lean-ops/core';
import { errorCode, errorMessage } from './aws-errors.js';
import { groupBy } from './chunk-by-limits.js';
import { InFlight } from './in-flight.js';
import { OptionChecks } from './option-checks.js';

/** Partition for entries whose topic is absent or not a valid topic name. */
export const UNKNOWN_TOPIC_PARTITION = '_unknown';

export interface S3QuarantineOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix, without trailing slash ("" for the bucket root). @defaultValue "quarantine" */
  readonly prefix?: string;
  /** Clock for the `dt=` partition and the object name. @defaultValue () => new Date() */
  readonly now?: () => Date;
  /** Unique part of the object name. @defaultValue crypto.randomUUID */
  readonly newId?: () => string;
}

/** The `topic=` partition of an entry: its topic when that is a valid topic name. */
export function topicPartition(topic: string | null): string {
  return topic !== null && TOPIC_NAME_PATTERN.test(topic) ? topic : UNKNOWN_TOPIC_PARTITION;
}

/** `<prefix>/topic=<partition>/dt=<YYYY-MM-DD>/<ISO time>-<id>.jsonl`, dates in UTC. */
export function quarantineObjectKey(prefix: string, partition: string, at: Date, id: string): string {
  const iso = at.toISOString();
  const key = `topic=${partition}/dt=${iso.slice(0, 10)}/${iso}-${id}.jsonl`;
  return prefix === '' ? key : `${prefix}/${key}`;
}

/**
 * Dropped messages as JSON lines in S3, one object per topic and `put` call:
 * `<prefix>/topic=<topic>/dt=<YYYY-MM-DD>/<ISO time>-<uuid>.jsonl` (Hive-style partitions,
 * so Athena or DuckDB can read the quarantine as a table). A topic that is missing or does
 * not match the topic pattern goes to `topic=_unknown` (the line keeps what was claimed),
 * so no message can choose an S3 path. `put` resolves once S3 accepted every object; if
 * one fails it rejects with `RetryableError`, and a retry may write the others again
 * (duplicates are harmless: replays deduplicate by idempotency key).
 */
export class S3Quarantine implements Quarantine {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly inFlight = new InFlight('S3Quarantine');

  constructor(options: S3QuarantineOptions) {
    new OptionChecks('S3Quarantine options')
      .client('client', options?.client)
      .nonEmptyString('bucket', options?.bucket)
      .string('prefix', options?.prefix)
      .func('now', options?.now, true)
      .func('newId', options?.newId, true)
      .done();
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? 'quarantine').replace(/^\/+|\/+$/g, '');
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
  }

  put(entries: readonly QuarantineEntry[]): Promise<void> {
    return this.inFlight.run(async () => {
      if (entries.length === 0) return;
      const at = this.now();
      const groups = groupBy(entries, (e) => topicPartition(e.topic));
      const results = await Promise.allSettled(
        [...groups].map(([partition, group]) =>
          this.putObject(quarantineObjectKey(this.prefix, partition, at, this.newId()), group),
        ),
      );
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failures.length > 0) {
        const first = failures[0]?.reason;
        throw new RetryableError(
          `S3Quarantine: ${failures.length} of ${results.length} objects not written to s3://${this.bucket}: ${errorCode(first)}: ${errorMessage(first)}`,
          { cause: first },
        );
      }
    });
  }

  close(): Promise<void> {
    return this.inFlight.close();
  }

  private async putObject(key: string, entries: readonly QuarantineEntry[]): Promise<void> {
    const body = `${entries.map((e) => JSON.stringify(e)).join('\n')}\n`;
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/x-ndjson' }),
    );
  }
}

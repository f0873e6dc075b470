import { ConfigError, type EncodedRecord, type FailedRecord, RetryableError, type SinkLimits } from '@lean-ops/core';
import type { RetryPolicy } from 'cockatiel';
import { errorCode, errorMessage } from './aws-errors.js';
import { chunkByLimits, groupBy } from './chunk-by-limits.js';
import { type EntryFailure, retryFailedEntries } from './retry-failed-entries.js';

/** One record as it goes over the wire to a Firehose or Kinesis stream. */
export interface WireRecord {
  /** Position in the batch given to `putBatch`. */
  readonly index: number;
  readonly encoded: EncodedRecord;
  readonly stream: string;
  /** The record's data blob. */
  readonly data: Uint8Array;
  /** What the record counts against the service's per-record and per-call byte limits. */
  readonly wireBytes: number;
}

/** What differs between Firehose and Kinesis; the rest is `writeToStreams`. */
export interface StreamService {
  /** Component name for messages, e.g. `FirehoseSink`. */
  readonly component: string;
  /** The API call, for messages, e.g. `PutRecordBatch`. */
  readonly operation: string;
  /** The service's own limits, in wire bytes. */
  readonly wireLimits: SinkLimits;
  toWire(index: number, encoded: EncodedRecord, stream: string): WireRecord;
  /** One call; resolves with the records that failed individually. */
  send(
    stream: string,
    records: readonly WireRecord[],
    signal: AbortSignal,
  ): Promise<readonly EntryFailure<WireRecord>[]>;
}

/**
 * Groups `records` by stream, splits each group into calls within the service's limits,
 * sends all calls in parallel and retries only the records that failed (see
 * `retryFailedEntries`). A record larger than the per-record limit is not sent and is
 * reported as `RecordTooLarge`. Throws `RetryableError` when nothing was accepted because
 * every call failed as a whole.
 */
export async function writeToStreams(
  service: StreamService,
  streamForTopic: (topic: string) => string,
  policy: RetryPolicy,
  records: readonly EncodedRecord[],
  signal: AbortSignal | undefined,
): Promise<{ failed: readonly FailedRecord[] }> {
  if (records.length === 0) return { failed: [] };
  const failed: FailedRecord[] = [];
  const sendable: WireRecord[] = [];
  records.forEach((encoded, index) => {
    const wire = service.toWire(index, encoded, resolveStream(service.component, streamForTopic, encoded.record.topic));
    if (wire.wireBytes > service.wireLimits.maxRecordBytes) {
      failed.push({
        index,
        code: 'RecordTooLarge',
        message: `${wire.wireBytes} bytes on the wire, more than ${service.component}'s limit of ${service.wireLimits.maxRecordBytes}`,
      });
    } else {
      sendable.push(wire);
    }
  });

  const calls = [...groupBy(sendable, (r) => r.stream)].flatMap(([stream, group]) =>
    chunkByLimits(group, (r) => r.wireBytes, service.wireLimits).map((chunk) => ({ stream, chunk })),
  );
  const outcomes = await Promise.allSettled(
    calls.map(({ stream, chunk }) =>
      retryFailedEntries(policy, chunk, (pending, s) => service.send(stream, pending, s), signal),
    ),
  );

  const wholeCallErrors: { stream: string; error: unknown }[] = [];
  outcomes.forEach((outcome, i) => {
    const { stream, chunk } = calls[i] as (typeof calls)[number];
    if (outcome.status === 'fulfilled') {
      for (const f of outcome.value) failed.push({ index: f.entry.index, code: f.code, message: f.message });
    } else {
      wholeCallErrors.push({ stream, error: outcome.reason });
      const code = errorCode(outcome.reason);
      const message = errorMessage(outcome.reason);
      for (const r of chunk) failed.push({ index: r.index, code, message });
    }
  });
  if (wholeCallErrors.length > 0 && wholeCallErrors.length === calls.length) {
    const first = wholeCallErrors[0] as (typeof wholeCallErrors)[number];
    const streams = [...new Set(wholeCallErrors.map((e) => e.stream))].join(', ');
    throw new RetryableError(
      `${service.component}: ${service.operation} to ${streams} failed for the whole batch: ${errorCode(first.error)}: ${errorMessage(first.error)}`,
      { cause: wholeCallErrors.length === 1 ? first.error : new AggregateError(wholeCallErrors.map((e) => e.error)) },
    );
  }
  failed.sort((a, b) => a.index - b.index);
  return { failed };
}

function resolveStream(component: string, streamForTopic: (topic: string) => string, topic: string): string {
  const stream: unknown = streamForTopic(topic);
  if (typeof stream !== 'string' || stream === '') {
    throw new ConfigError(`${component} options`, [
      `streamForTopic: expected a stream name for topic "${topic}" (got ${JSON.stringify(stream)})`,
    ]);
  }
  return stream;
}

/**
 * Per-record failures from a batch response whose result array lines up with the request
 * (`RequestResponses` of Firehose, `Records` of Kinesis). When the service reports
 * failures without a usable result array, every record counts as failed.
 */
export function perRecordFailures<R extends { readonly ErrorCode?: string; readonly ErrorMessage?: string }>(
  operation: string,
  records: readonly WireRecord[],
  failedCount: number | undefined,
  results: readonly R[] | undefined,
): EntryFailure<WireRecord>[] {
  if (!failedCount) return [];
  const failures: EntryFailure<WireRecord>[] = [];
  if (results?.length === records.length) {
    results.forEach((result, i) => {
      if (result.ErrorCode) {
        failures.push({ entry: records[i] as WireRecord, code: result.ErrorCode, message: result.ErrorMessage ?? '' });
      }
    });
  }
  if (failures.length > 0) return failures;
  // The count says some failed but the results do not say which: none counts as accepted.
  return records.map((entry) => ({
    entry,
    code: 'UnknownFailure',
    message: `${operation} reported ${failedCount} failed records without saying which`,
  }));
}

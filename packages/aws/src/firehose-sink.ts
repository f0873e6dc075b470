import type { FirehoseClient } from '@aws-sdk/client-firehose';
import { PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import {
  type EncodedRecord,
  type FailedRecord,
  FIREHOSE_LIMITS,
  type RecordSink,
  type SinkLimits,
} from '@lean-ops/core';
import type { RetryPolicy } from 'cockatiel';
import { isRetryableAwsError } from './aws-errors.js';
import { InFlight } from './in-flight.js';
import { OptionChecks } from './option-checks.js';
import { buildRetryPolicy, checkRetryOptions, type RetryOptions } from './retry-options.js';
import { sendCached } from './send-cached.js';
import { perRecordFailures, type StreamService, type WireRecord, writeToStreams } from './stream-record-writer.js';

export interface FirehoseSinkOptions extends RetryOptions {
  readonly client: FirehoseClient;
  /**
   * The delivery stream of a topic. lean-ops uses one stream per topic: each topic's RAW
   * Iceberg table then has its own buffering, throughput quota, error output and IAM
   * scope, and one noisy topic cannot throttle or hold back the others. Topics mapped to
   * the same stream share its calls.
   */
  readonly streamForTopic: (topic: string) => string;
  /**
   * Appended to each record's JSON: Firehose concatenates records when it writes S3
   * objects, so newline-delimited JSON stays parseable.
   * @defaultValue "\n"
   */
  readonly recordDelimiter?: string;
}

/**
 * RAW records into Amazon Data Firehose (`PutRecordBatch`), one call per delivery stream
 * and per legal chunk, all in parallel. Only the records Firehose rejected are re-sent
 * (cockatiel: exponential backoff with jitter); those that failed every attempt come back
 * in `failed`. Throws `RetryableError` when every call failed as a whole. The client is
 * the caller's: `close()` waits for running calls but does not destroy it.
 */
export class FirehoseSink implements RecordSink {
  readonly name = 'firehose';
  /**
   * Firehose's limits in the units the batcher counts (`EncodedRecord.bytes`, the JSON
   * without delimiter): the delimiter each record carries on the wire is subtracted, so a
   * batch within these limits is always exactly one call per stream.
   */
  readonly limits: SinkLimits;
  private readonly client: FirehoseClient;
  private readonly streamForTopic: (topic: string) => string;
  private readonly delimiter: Buffer;
  private readonly policy: RetryPolicy;
  private readonly inFlight = new InFlight('FirehoseSink');
  private readonly service: StreamService;

  constructor(options: FirehoseSinkOptions) {
    const checks = new OptionChecks('FirehoseSink options')
      .client('client', options?.client)
      .func('streamForTopic', options?.streamForTopic)
      .string('recordDelimiter', options?.recordDelimiter);
    checkRetryOptions(checks, options ?? {});
    const delimiterBytes = Buffer.byteLength(options?.recordDelimiter ?? '\n', 'utf8');
    checks.rule(delimiterBytes <= 16, `recordDelimiter: expected at most 16 bytes (got ${delimiterBytes})`).done();

    this.client = options.client;
    this.streamForTopic = options.streamForTopic;
    this.delimiter = Buffer.from(options.recordDelimiter ?? '\n', 'utf8');
    this.policy = buildRetryPolicy(options, isRetryableAwsError);
    this.limits = {
      maxRecords: FIREHOSE_LIMITS.maxRecords,
      maxBatchBytes: FIREHOSE_LIMITS.maxBatchBytes - FIREHOSE_LIMITS.maxRecords * this.delimiter.length,
      maxRecordBytes: FIREHOSE_LIMITS.maxRecordBytes - this.delimiter.length,
    };
    this.service = {
      component: 'FirehoseSink',
      operation: 'PutRecordBatch',
      wireLimits: FIREHOSE_LIMITS,
      toWire: (index, encoded, stream) => this.toWire(index, encoded, stream),
      send: (stream, records, signal) => this.send(stream, records, signal),
    };
  }

  putBatch(records: readonly EncodedRecord[], signal?: AbortSignal): Promise<{ failed: readonly FailedRecord[] }> {
    return this.inFlight.run(() => writeToStreams(this.service, this.streamForTopic, this.policy, records, signal));
  }

  close(): Promise<void> {
    return this.inFlight.close();
  }

  private toWire(index: number, encoded: EncodedRecord, stream: string): WireRecord {
    const data = Buffer.concat([Buffer.from(encoded.json, 'utf8'), this.delimiter]);
    return { index, encoded, stream, data, wireBytes: data.length };
  }

  private async send(stream: string, records: readonly WireRecord[], signal: AbortSignal) {
    const out = await sendCached(
      () =>
        this.client.send(
          new PutRecordBatchCommand({ DeliveryStreamName: stream, Records: records.map((r) => ({ Data: r.data })) }),
        ),
      signal,
    );
    return perRecordFailures('PutRecordBatch', records, out.FailedPutCount, out.RequestResponses);
  }
}

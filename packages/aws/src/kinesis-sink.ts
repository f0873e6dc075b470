import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { EncodedRecord, FailedRecord, RecordSink, SinkLimits } from '@lean-ops/core';
import type { RetryPolicy } from 'cockatiel';
import { isRetryableAwsError } from './aws-errors.js';
import { InFlight } from './in-flight.js';
import { OptionChecks } from './option-checks.js';
import { buildRetryPolicy, checkRetryOptions, type RetryOptions } from './retry-options.js';
import { sendCached } from './send-cached.js';
import { perRecordFailures, type StreamService, type WireRecord, writeToStreams } from './stream-record-writer.js';

/** Kinesis `PutRecords` limits: 500 records, 5 MiB, 1 MiB per record, partition keys included. */
export const KINESIS_LIMITS: SinkLimits = {
  maxRecords: 500,
  maxBatchBytes: 5 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
};

/** The partition key is `device_id`: at most 128 characters (contract §1), ≤ 512 bytes of UTF-8. */
export const MAX_PARTITION_KEY_BYTES = 512;

export interface KinesisSinkOptions extends RetryOptions {
  /** Build it with `requestHandler: new NodeHttpHandler()` when talking to kinesalite. */
  readonly client: KinesisClient;
  /** The data stream of a topic; a constant function sends every topic to one stream. */
  readonly streamForTopic: (topic: string) => string;
}

/**
 * RAW records into Kinesis Data Streams (`PutRecords`), partition key = `device_id`, so
 * one device's records stay in order on one shard. Same behaviour as `FirehoseSink`:
 * parallel calls per stream and legal chunk, only failed records re-sent (cockatiel),
 * `RetryableError` when every call failed as a whole. The data blob is the record's JSON,
 * without delimiter (Kinesis keeps records apart).
 */
export class KinesisSink implements RecordSink {
  readonly name = 'kinesis';
  /**
   * Kinesis' limits in the units the batcher counts (`EncodedRecord.bytes`): room for the
   * longest partition key is subtracted, so a batch within these limits is one call per stream.
   */
  readonly limits: SinkLimits = {
    maxRecords: KINESIS_LIMITS.maxRecords,
    maxBatchBytes: KINESIS_LIMITS.maxBatchBytes - KINESIS_LIMITS.maxRecords * MAX_PARTITION_KEY_BYTES,
    maxRecordBytes: KINESIS_LIMITS.maxRecordBytes - MAX_PARTITION_KEY_BYTES,
  };
  private readonly client: KinesisClient;
  private readonly streamForTopic: (topic: string) => string;
  private readonly policy: RetryPolicy;
  private readonly inFlight = new InFlight('KinesisSink');
  private readonly service: StreamService;

  constructor(options: KinesisSinkOptions) {
    const checks = new OptionChecks('KinesisSink options')
      .client('client', options?.client)
      .func('streamForTopic', options?.streamForTopic);
    checkRetryOptions(checks, options ?? {}).done();

    this.client = options.client;
    this.streamForTopic = options.streamForTopic;
    this.policy = buildRetryPolicy(options, isRetryableAwsError);
    this.service = {
      component: 'KinesisSink',
      operation: 'PutRecords',
      wireLimits: KINESIS_LIMITS,
      toWire: (index, encoded, stream) => {
        const data = Buffer.from(encoded.json, 'utf8');
        const keyBytes = Buffer.byteLength(encoded.record.device_id, 'utf8');
        return { index, encoded, stream, data, wireBytes: data.length + keyBytes };
      },
      send: (stream, records, signal) => this.send(stream, records, signal),
    };
  }

  putBatch(records: readonly EncodedRecord[], signal?: AbortSignal): Promise<{ failed: readonly FailedRecord[] }> {
    return this.inFlight.run(() => writeToStreams(this.service, this.streamForTopic, this.policy, records, signal));
  }

  close(): Promise<void> {
    return this.inFlight.close();
  }

  private async send(stream: string, records: readonly WireRecord[], signal: AbortSignal) {
    const out = await sendCached(
      () =>
        this.client.send(
          new PutRecordsCommand({
            StreamName: stream,
            Records: records.map((r) => ({ Data: r.data, PartitionKey: r.encoded.record.device_id })),
          }),
        ),
      signal,
    );
    return perRecordFailures('PutRecords', records, out.FailedRecordCount, out.Records);
  }
}

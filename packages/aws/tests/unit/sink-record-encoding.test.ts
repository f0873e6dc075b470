import { FirehoseClient, PutRecordBatchCommand, type PutRecordBatchCommandOutput } from '@aws-sdk/client-firehose';
import { KinesisClient, PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { decodeRawRecord, encodeRawRecord, formatMicros, MAX_MICROS, MIN_MICROS, type RawRecord } from '@lean-ops/core';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FirehoseSink, KinesisSink } from '../../src/index.js';
import { rawRecord } from '../helpers/records.js';

/*
 * The bytes the sinks hand to the SDK (mocked: Firehose's Iceberg destination and its
 * conversion of the record cannot run here). Firehose's Iceberg destination needs
 * timestamps as epoch microseconds; the sinks must send encodeRawRecord's wire form as is.
 */

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const firehoseClient = new FirehoseClient({ region: 'us-east-1', credentials });
const kinesisClient = new KinesisClient({ region: 'us-east-1', credentials });
const firehose = mockClient(firehoseClient);
const kinesis = mockClient(kinesisClient);
afterEach(() => {
  firehose.reset();
  kinesis.reset();
});

const firehoseAccepts = (): void => {
  firehose.on(PutRecordBatchCommand).callsFake(
    (input: { Records: unknown[] }): PutRecordBatchCommandOutput => ({
      $metadata: {},
      FailedPutCount: 0,
      RequestResponses: input.Records.map((_, i) => ({ RecordId: `r-${i}` })),
    }),
  );
};
const kinesisAccepts = (): void => {
  kinesis.on(PutRecordsCommand).callsFake(
    (input: { Records: unknown[] }): PutRecordsCommandOutput => ({
      $metadata: {},
      FailedRecordCount: 0,
      Records: input.Records.map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-000000000000' })),
    }),
  );
};

const firehoseBytes = () =>
  firehose
    .commandCalls(PutRecordBatchCommand)
    .flatMap((c) => c.args[0].input.Records ?? [])
    .map((r) => Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'));
const kinesisBytes = () =>
  kinesis
    .commandCalls(PutRecordsCommand)
    .flatMap((c) => c.args[0].input.Records ?? [])
    .map((r) => Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'));

const edges = (): RawRecord[] => [
  rawRecord(0, {
    event_timestamp: '0001-01-01T00:00:00.000000Z',
    publish_time: '1969-12-31T23:59:59.999999Z',
    ingested_at: '2024-03-01T12:00:06.000001Z',
  }),
  rawRecord(1, { event_timestamp: '9999-12-31T23:59:59.999999Z' }),
];

describe('RAW record bytes on the wire (mocked SDK)', () => {
  it('FirehoseSink sends the timestamps as epoch microseconds, newline-delimited, exact past 2^53', async () => {
    firehoseAccepts();
    await new FirehoseSink({ client: firehoseClient, streamForTopic: () => 'raw' }).putBatch(
      edges().map(encodeRawRecord),
    );
    const [first, second] = firehoseBytes();
    expect(first).toMatch(
      /^\{"topic":"telemetry",.*"event_timestamp":-62135596800000000,"publish_time":-1,.*"ingested_at":1709294406000001,"source_message_id":"msg-0"\}\n$/,
    );
    expect(second).toContain('"event_timestamp":253402300799999999,"publish_time":1709294405250000,');
    expect([first, second].map((b) => decodeRawRecord((b as string).slice(0, -1)))).toEqual(edges());
  });

  it('KinesisSink sends the same wire form, without delimiter', async () => {
    kinesisAccepts();
    await new KinesisSink({ client: kinesisClient, streamForTopic: () => 'raw' }).putBatch(
      edges().map(encodeRawRecord),
    );
    expect(kinesisBytes()).toEqual(edges().map((r) => encodeRawRecord(r).json));
    expect(kinesisBytes()[1]).toContain('"event_timestamp":253402300799999999,');
  });

  it('property: decode(bytes sent) = the record, across the contract timestamp range', async () => {
    const instant = fc.bigInt({ min: MIN_MICROS, max: MAX_MICROS });
    const records = fc.array(
      fc.tuple(instant, instant, instant).map(([e, p, i]) =>
        rawRecord(Number(e % 1000n), {
          event_timestamp: formatMicros(e),
          publish_time: formatMicros(p),
          ingested_at: formatMicros(i),
        }),
      ),
      { minLength: 1, maxLength: 10 },
    );
    firehoseAccepts();
    kinesisAccepts();
    await fc.assert(
      fc.asyncProperty(records, async (batch) => {
        firehose.resetHistory();
        kinesis.resetHistory();
        await new FirehoseSink({ client: firehoseClient, streamForTopic: () => 'raw' }).putBatch(
          batch.map(encodeRawRecord),
        );
        await new KinesisSink({ client: kinesisClient, streamForTopic: () => 'raw' }).putBatch(
          batch.map(encodeRawRecord),
        );
        expect(firehoseBytes().map((b) => decodeRawRecord(b.slice(0, -1)))).toEqual(batch);
        expect(kinesisBytes().map(decodeRawRecord)).toEqual(batch);
      }),
      { numRuns: 100 },
    );
  });
});

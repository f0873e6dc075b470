import { KinesisClient, PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { ConfigError, RetryableError } from '@lean-ops/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { KINESIS_LIMITS, KinesisSink, type KinesisSinkOptions } from '../../src/index.js';
import { throttled, unavailable } from '../helpers/aws-errors.js';
import { encoded, encodedBatch, encodedOfSize } from '../helpers/records.js';

const client = new KinesisClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const kinesis = mockClient(client);
afterEach(() => kinesis.reset());

const sink = (options: Partial<KinesisSinkOptions> = {}) =>
  new KinesisSink({ client, streamForTopic: () => 'raw', baseDelayMs: 1, maxDelayMs: 2, ...options });

function response(count: number, failAt: readonly number[] = []): PutRecordsCommandOutput {
  return {
    $metadata: {},
    FailedRecordCount: failAt.length,
    Records: Array.from({ length: count }, (_, i) =>
      failAt.includes(i)
        ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' }
        : { SequenceNumber: String(i), ShardId: 'shardId-000000000000' },
    ),
  };
}

const sentCalls = () => kinesis.commandCalls(PutRecordsCommand).map((c) => c.args[0].input);

describe('Class: KinesisSink', () => {
  it('sends each record as its JSON with device_id as partition key (mocked SDK)', async () => {
    // Prepare
    const records = [encoded(0, { device_id: 'sensor-α' }), encoded(1, { device_id: 'sensor-β' })];
    kinesis.on(PutRecordsCommand).resolves(response(2));

    // Act
    const result = await sink().putBatch(records);

    // Assess
    expect(result.failed).toEqual([]);
    const [call] = sentCalls();
    expect(call?.StreamName).toBe('raw');
    expect(call?.Records?.map((r) => [r.PartitionKey, Buffer.from(r.Data as Uint8Array).toString('utf8')])).toEqual(
      records.map((r) => [r.record.device_id, r.json]),
    );
  });

  it('re-sends only the records Kinesis rejected; returns those that failed every attempt (mocked SDK)', async () => {
    // Prepare: record 2 always fails, record 0 fails once
    const records = encodedBatch(4);
    kinesis
      .on(PutRecordsCommand)
      .resolvesOnce(response(4, [0, 2]))
      .resolves(response(2, [1]));

    // Act
    const result = await sink({ maxAttempts: 2 }).putBatch(records);

    // Assess
    expect(sentCalls().map((c) => c.Records?.map((r) => r.PartitionKey))).toEqual([
      records.map((r) => r.record.device_id),
      [records[0]?.record.device_id, records[2]?.record.device_id],
    ]);
    expect(result.failed).toEqual([
      { index: 2, code: 'ProvisionedThroughputExceededException', message: 'Rate exceeded for shard' },
    ]);
  });

  it('retries a throttled whole call, then succeeds (mocked SDK)', async () => {
    kinesis.on(PutRecordsCommand).rejectsOnce(throttled()).resolves(response(3));
    expect(await sink().putBatch(encodedBatch(3))).toEqual({ failed: [] });
    expect(sentCalls()).toHaveLength(2);
  });

  it('throws RetryableError when the whole call keeps failing (mocked SDK)', async () => {
    const cause = unavailable();
    kinesis.on(PutRecordsCommand).rejects(cause);
    await expect(sink({ maxAttempts: 2 }).putBatch(encodedBatch(3))).rejects.toMatchObject({
      name: 'RetryableError',
      cause,
    });
    expect(sentCalls()).toHaveLength(2);
  });

  it('groups records by stream (mocked SDK)', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input: { Records: unknown[] }) => response(input.Records.length));
    const records = [encoded(0, { topic: 'a' }), encoded(1, { topic: 'b' }), encoded(2, { topic: 'a' })];

    await sink({ streamForTopic: (t) => `raw-${t}` }).putBatch(records);

    expect(sentCalls().map((c) => [c.StreamName, c.Records?.length])).toEqual([
      ['raw-a', 2],
      ['raw-b', 1],
    ]);
  });

  it('splits at 500 records and at 5 MiB including partition keys (mocked SDK)', async () => {
    // Prepare: 5 records of exactly 1 MiB minus their partition key fit one call; a 6th does not
    kinesis.on(PutRecordsCommand).callsFake((input: { Records: unknown[] }) => response(input.Records.length));
    const big = Array.from({ length: 6 }, (_, i) => encodedOfSize(i, KINESIS_LIMITS.maxRecordBytes - 5));
    const many = encodedBatch(501, {}, 100);

    // Act
    await sink().putBatch(big);
    const bigCalls = sentCalls();
    kinesis.resetHistory();
    await sink().putBatch(many);

    // Assess
    expect(big.every((r) => r.record.device_id.length === 5)).toBe(true);
    expect(bigCalls.map((c) => c.Records?.length)).toEqual([5, 1]);
    for (const call of bigCalls) {
      const bytes = (call.Records ?? []).reduce(
        (sum, r) => sum + (r.Data as Uint8Array).length + Buffer.byteLength(r.PartitionKey ?? ''),
        0,
      );
      expect(bytes).toBeLessThanOrEqual(KINESIS_LIMITS.maxBatchBytes);
    }
    expect(sentCalls().map((c) => c.Records?.length)).toEqual([500, 1]);
  });

  it('reports a record over 1 MiB with its partition key as RecordTooLarge (mocked SDK)', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input: { Records: unknown[] }) => response(input.Records.length));
    const result = await sink().putBatch([encodedOfSize(0, KINESIS_LIMITS.maxRecordBytes - 4), encoded(1)]);
    expect(result.failed).toEqual([{ index: 0, code: 'RecordTooLarge', message: expect.any(String) }]);
    expect(sentCalls().map((c) => c.Records?.length)).toEqual([1]);
  });

  it('rejects invalid options, naming each one', () => {
    const act = () =>
      new KinesisSink({ client: undefined as unknown as KinesisClient, streamForTopic: () => 'raw', maxDelayMs: -1 });
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/client: expected an AWS SDK v3 client \(got undefined\)/);
    expect(act).toThrow(/maxDelayMs: expected a number ≥ 0 \(got -1\)/);
  });

  it('refuses batches after close()', async () => {
    const s = sink();
    await s.close();
    await expect(s.putBatch(encodedBatch(1))).rejects.toThrow(RetryableError);
  });
});

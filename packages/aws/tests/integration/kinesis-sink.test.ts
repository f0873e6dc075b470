import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { decodeRawRecord, RetryableError } from '@lean-ops/core';
import { awsClientConfig, startKinesalite } from '@lean-ops/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { KinesisSink } from '../../src/index.js';
import { encodedBatch } from '../helpers/records.js';
import { sharedServerClient } from '../helpers/shared-setup.js';
import { sleep } from '../helpers/sqs.js';

const env = sharedServerClient(startKinesalite, (endpoint) => new KinesisClient(awsClientConfig(endpoint)));
afterAll(() => env.dispose());

async function createActiveStream(kinesis: KinesisClient, name: string, shards: number): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (;;) {
    const out = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await sleep(20);
  }
}

/** Every record of every shard, from the start: [shard, partition key, data]. */
async function readAll(
  kinesis: KinesisClient,
  stream: string,
): Promise<{ shard: string; key: string; data: string }[]> {
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
  const read: { shard: string; key: string; data: string }[] = [];
  for (const shard of Shards) {
    let { ShardIterator: iterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    while (iterator) {
      const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }));
      for (const r of out.Records ?? []) {
        read.push({
          shard: shard.ShardId ?? '',
          key: r.PartitionKey ?? '',
          data: Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'),
        });
      }
      iterator = out.Records?.length ? out.NextShardIterator : undefined;
    }
  }
  return read;
}

describe('Class: KinesisSink (kinesalite)', () => {
  it('puts every record with device_id as partition key; one device stays on one shard', async () => {
    // Prepare: 600 records (two calls) over 7 devices, on a 3-shard stream
    const { client: kinesis } = await env.get();
    await createActiveStream(kinesis, 'raw', 3);
    const records = encodedBatch(600);
    const sink = new KinesisSink({ client: kinesis, streamForTopic: () => 'raw' });

    // Act
    const result = await sink.putBatch(records);

    // Assess
    expect(result.failed).toEqual([]);
    const read = await readAll(kinesis, 'raw');
    expect(read).toHaveLength(600);
    for (const r of read) expect(JSON.parse(r.data).device_id).toBe(r.key);
    expect(read.map((r) => decodeRawRecord(r.data))).toEqual(expect.arrayContaining(records.map((r) => r.record)));
    const shardsPerDevice = new Map<string, Set<string>>();
    for (const r of read) shardsPerDevice.set(r.key, (shardsPerDevice.get(r.key) ?? new Set()).add(r.shard));
    expect([...shardsPerDevice.values()].every((shards) => shards.size === 1)).toBe(true);
    expect(new Set(read.map((r) => r.shard)).size).toBeGreaterThan(1);
  });

  it('throws RetryableError with the service error when the stream does not exist', async () => {
    const { client: kinesis } = await env.get();
    const sink = new KinesisSink({ client: kinesis, streamForTopic: () => 'missing', maxAttempts: 1 });

    const act = sink.putBatch(encodedBatch(1));

    await expect(act).rejects.toThrow(RetryableError);
    await expect(act).rejects.toMatchObject({ cause: { name: 'ResourceNotFoundException' } });
  });
});

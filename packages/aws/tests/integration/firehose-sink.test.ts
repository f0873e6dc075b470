import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { decodeRawRecord, RetryableError } from '@lean-ops/core';
import { awsClientConfig, startMotoServer } from '@lean-ops/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { FirehoseSink } from '../../src/index.js';
import { encoded, encodedBatch } from '../helpers/records.js';
import { readObjects } from '../helpers/s3.js';
import { sharedSetup } from '../helpers/shared-setup.js';

const BUCKET = 'lake';

const env = sharedSetup(
  async () => {
    const moto = await startMotoServer();
    const firehose = new FirehoseClient(awsClientConfig(moto.endpoint));
    const s3 = new S3Client({ ...awsClientConfig(moto.endpoint), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    return { moto, firehose, s3 };
  },
  async ({ moto, firehose, s3 }) => {
    firehose.destroy();
    s3.destroy();
    await moto.stop();
  },
);
afterAll(() => env.dispose());

/** A DirectPut stream delivering into moto's S3 under `raw/<topic>/`. */
async function createStream(firehose: FirehoseClient, topic: string): Promise<string> {
  const name = `raw-${topic}`;
  await firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: {
        BucketARN: `arn:aws:s3:::${BUCKET}`,
        RoleARN: 'arn:aws:iam::123456789012:role/firehose-delivery',
        Prefix: `raw/${topic}/`,
        BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 64 },
      },
    }),
  );
  return name;
}

describe('Class: FirehoseSink (moto Firehose → S3)', () => {
  it('delivers every record of every topic, newline-delimited, into its own stream', async () => {
    // Prepare: 1,200 telemetry records (three calls) and 30 alerts, two at the ends of the timestamp range
    const { firehose, s3 } = await env.get();
    await createStream(firehose, 'telemetry');
    await createStream(firehose, 'alerts');
    const records = [
      ...encodedBatch(1_200),
      ...encodedBatch(28, { topic: 'alerts' }, 5_000),
      encoded(6_000, { topic: 'alerts', event_timestamp: '0001-01-01T00:00:00.000000Z' }),
      encoded(6_001, { topic: 'alerts', publish_time: '9999-12-31T23:59:59.999999Z' }),
    ];
    const sink = new FirehoseSink({ client: firehose, streamForTopic: (t) => `raw-${t}` });

    // Act
    const result = await sink.putBatch(records);

    // Assess
    expect(result.failed).toEqual([]);
    for (const [topic, calls] of [
      ['telemetry', 3],
      ['alerts', 1],
    ] as const) {
      const objects = await readObjects(s3, BUCKET, `raw/${topic}/`);
      // moto does not buffer: each PutRecordBatch call lands at once as one object
      expect(objects).toHaveLength(calls);
      expect(objects.every((o) => o.body.endsWith('}\n'))).toBe(true);
      const delivered = objects.flatMap((o) => o.body.split('\n').filter((line) => line !== ''));
      const expected = records.filter((r) => r.record.topic === topic);
      expect(delivered.map(decodeRawRecord)).toEqual(expect.arrayContaining(expected.map((r) => r.record)));
      expect(delivered).toHaveLength(expected.length);
    }
    await sink.close();
  });

  it('throws RetryableError with the service error when the stream does not exist', async () => {
    const { firehose } = await env.get();
    const sink = new FirehoseSink({ client: firehose, streamForTopic: () => 'raw-missing', maxAttempts: 2 });

    const act = sink.putBatch(encodedBatch(2));

    await expect(act).rejects.toThrow(RetryableError);
    await expect(act).rejects.toMatchObject({ cause: { name: 'ResourceNotFoundException' } });
  });
});

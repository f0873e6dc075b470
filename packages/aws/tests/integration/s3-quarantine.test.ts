import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { RetryableError } from '@lean-ops/core';
import { awsClientConfig, startMotoServer } from '@lean-ops/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { S3Quarantine } from '../../src/index.js';
import { quarantineEntry } from '../helpers/records.js';
import { readObjects } from '../helpers/s3.js';
import { sharedSetup } from '../helpers/shared-setup.js';

const BUCKET = 'quarantine-bucket';
const env = sharedSetup(
  async () => {
    const moto = await startMotoServer();
    const s3 = new S3Client({ ...awsClientConfig(moto.endpoint), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    return { moto, s3 };
  },
  async ({ moto, s3 }) => {
    s3.destroy();
    await moto.stop();
  },
);
afterAll(() => env.dispose());

describe('Class: S3Quarantine (moto S3)', () => {
  it('writes one JSON-lines object per topic whose lines parse back to the entries', async () => {
    // Prepare
    const { s3 } = await env.get();
    const entries = [
      quarantineEntry(1),
      quarantineEntry(2, { topic: null, reason: 'invalid_json', body: 'not json at all' }),
      quarantineEntry(3, { body: '{"topic":"telemetry","payload":"ünïcode ✓"}', reason: 'invalid_field:payload' }),
      quarantineEntry(4, { topic: 'alerts', reason: 'dlq:too_many_receives' }),
    ];
    const quarantine = new S3Quarantine({ client: s3, bucket: BUCKET, prefix: 'dropped' });

    // Act
    await quarantine.put(entries);

    // Assess
    const objects = await readObjects(s3, BUCKET, 'dropped/');
    const today = new Date().toISOString().slice(0, 10);
    expect(objects.map((o) => o.key.replace(/\/[^/]+$/, ''))).toEqual([
      `dropped/topic=_unknown/dt=${today}`,
      `dropped/topic=alerts/dt=${today}`,
      `dropped/topic=telemetry/dt=${today}`,
    ]);
    for (const o of objects) {
      expect(o.key).toMatch(/\/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z-[0-9a-f-]{36}\.jsonl$/);
      expect(o.contentType).toBe('application/x-ndjson');
    }
    const parsed = objects.flatMap((o) =>
      o.body
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    );
    expect(parsed).toHaveLength(entries.length);
    expect(parsed).toEqual(expect.arrayContaining(entries));
    await quarantine.close();
  });

  it('rejects with RetryableError when the bucket does not exist', async () => {
    const { s3 } = await env.get();
    const quarantine = new S3Quarantine({ client: s3, bucket: 'no-such-bucket' });

    const act = quarantine.put([quarantineEntry(1)]);

    await expect(act).rejects.toThrow(RetryableError);
    await expect(act).rejects.toMatchObject({ cause: { name: 'NoSuchBucket' } });
  });
});

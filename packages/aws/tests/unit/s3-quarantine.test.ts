import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConfigError, RetryableError } from '@lean-ops/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { quarantineObjectKey, S3Quarantine, type S3QuarantineOptions } from '../../src/index.js';
import { awsError } from '../helpers/aws-errors.js';
import { quarantineEntry } from '../helpers/records.js';

const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const s3 = mockClient(client);
afterEach(() => s3.reset());

const AT = new Date('2024-03-01T23:59:58.123Z');
let ids = 0;
const quarantine = (options: Partial<S3QuarantineOptions> = {}) =>
  new S3Quarantine({ client, bucket: 'lake', now: () => AT, newId: () => `id${++ids}`, ...options });
const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);

describe('Class: S3Quarantine', () => {
  it('writes one JSON-lines object per topic at <prefix>/topic=<t>/dt=<day>/<ISO time>-<uuid>.jsonl (mocked SDK)', async () => {
    // Prepare
    ids = 0;
    s3.on(PutObjectCommand).resolves({});
    const entries = [
      quarantineEntry(1),
      quarantineEntry(2, { topic: 'alerts', reason: 'missing_field:payload' }),
      quarantineEntry(3),
      quarantineEntry(4, { topic: null, reason: 'not_an_object' }),
    ];

    // Act
    await quarantine().put(entries);

    // Assess
    const calls = puts();
    expect(calls.map((c) => c.Key)).toEqual([
      'quarantine/topic=telemetry/dt=2024-03-01/2024-03-01T23:59:58.123Z-id1.jsonl',
      'quarantine/topic=alerts/dt=2024-03-01/2024-03-01T23:59:58.123Z-id2.jsonl',
      'quarantine/topic=_unknown/dt=2024-03-01/2024-03-01T23:59:58.123Z-id3.jsonl',
    ]);
    expect(calls.every((c) => c.Bucket === 'lake' && c.ContentType === 'application/x-ndjson')).toBe(true);
    const lines = String(calls[0]?.Body).split('\n');
    expect(lines).toHaveLength(3); // two entries and the final newline
    expect(lines.slice(0, 2).map((l) => JSON.parse(l))).toEqual([entries[0], entries[2]]);
  });

  it('puts a topic that is not a valid topic name under _unknown, keeping it in the line (mocked SDK)', async () => {
    s3.on(PutObjectCommand).resolves({});
    const entry = quarantineEntry(1, { topic: '../../etc/passwd', reason: 'invalid_field:topic' });

    await quarantine({ prefix: '/dropped/' }).put([entry]);

    const [call] = puts();
    expect(call?.Key).toMatch(/^dropped\/topic=_unknown\/dt=2024-03-01\//);
    expect(JSON.parse(String(call?.Body).trim())).toEqual(entry);
  });

  it('builds keys at the bucket root when the prefix is empty', () => {
    expect(quarantineObjectKey('', 'telemetry', AT, 'u')).toBe(
      'topic=telemetry/dt=2024-03-01/2024-03-01T23:59:58.123Z-u.jsonl',
    );
  });

  it('rejects with RetryableError when S3 does not accept an object (mocked SDK)', async () => {
    const cause = awsError('NoSuchBucket', 404);
    s3.on(PutObjectCommand).rejects(cause);

    const act = quarantine().put([quarantineEntry(1)]);

    await expect(act).rejects.toThrow(RetryableError);
    await expect(act).rejects.toMatchObject({ message: expect.stringContaining('NoSuchBucket'), cause });
  });

  it('writes nothing for no entries (mocked SDK)', async () => {
    await quarantine().put([]);
    expect(puts()).toHaveLength(0);
  });

  it('rejects invalid options, naming each one', () => {
    const act = () => new S3Quarantine({ client, bucket: '', now: 'today' as unknown as () => Date });
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/bucket: expected a non-empty string/);
    expect(act).toThrow(/now: expected a function/);
  });
});

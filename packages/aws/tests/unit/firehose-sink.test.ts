import { FirehoseClient, PutRecordBatchCommand, type PutRecordBatchCommandOutput } from '@aws-sdk/client-firehose';
import { ConfigError, FIREHOSE_LIMITS, RetryableError } from '@lean-ops/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { FirehoseSink, type FirehoseSinkOptions } from '../../src/index.js';
import { awsError, throttled, unavailable } from '../helpers/aws-errors.js';
import { encoded, encodedBatch, encodedOfSize } from '../helpers/records.js';

const client = new FirehoseClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const firehose = mockClient(client);
afterEach(() => firehose.reset());

const FAST = { baseDelayMs: 1, maxDelayMs: 2 } as const;
const sink = (options: Partial<FirehoseSinkOptions> = {}) =>
  new FirehoseSink({ client, streamForTopic: (t) => `raw-${t}`, ...FAST, ...options });

/** A response accepting every record, or failing the positions in `failAt`. */
function response(count: number, failAt: readonly number[] = []): PutRecordBatchCommandOutput {
  return {
    $metadata: {},
    FailedPutCount: failAt.length,
    RequestResponses: Array.from({ length: count }, (_, i) =>
      failAt.includes(i)
        ? { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' }
        : { RecordId: `rec-${i}` },
    ),
  };
}

const sentCalls = () => firehose.commandCalls(PutRecordBatchCommand).map((c) => c.args[0].input);
const sentText = (call: { Records?: { Data?: Uint8Array }[] | undefined }) =>
  (call.Records ?? []).map((r) => Buffer.from(r.Data ?? new Uint8Array()).toString('utf8'));

describe('Class: FirehoseSink', () => {
  describe('retries', () => {
    it('re-sends only the records Firehose rejected, in the second call (mocked SDK)', async () => {
      // Prepare
      const records = encodedBatch(4);
      firehose
        .on(PutRecordBatchCommand)
        .resolvesOnce(response(4, [1, 3]))
        .resolvesOnce(response(2));

      // Act
      const result = await sink().putBatch(records);

      // Assess
      expect(result.failed).toEqual([]);
      const calls = sentCalls();
      expect(calls).toHaveLength(2);
      expect(sentText(calls[0] ?? {})).toEqual(records.map((r) => `${r.json}\n`));
      expect(sentText(calls[1] ?? {})).toEqual([`${records[1]?.json}\n`, `${records[3]?.json}\n`]);
    });

    it('returns only the records that failed every attempt, with their input index (mocked SDK)', async () => {
      // Prepare: record 0 always fails, record 2 fails once
      const records = encodedBatch(3);
      firehose
        .on(PutRecordBatchCommand)
        .resolvesOnce(response(3, [0, 2]))
        .resolvesOnce(response(2, [0]))
        .resolves(response(1, [0]));

      // Act
      const result = await sink({ maxAttempts: 3 }).putBatch(records);

      // Assess
      expect(result.failed).toEqual([{ index: 0, code: 'ServiceUnavailableException', message: 'Slow down.' }]);
      const calls = sentCalls();
      expect(calls.map((c) => c.Records?.length)).toEqual([3, 2, 1]);
      expect(sentText(calls[2] ?? {})).toEqual([`${records[0]?.json}\n`]);
    });

    it('retries a throttled whole call, then succeeds (mocked SDK)', async () => {
      // Prepare
      firehose.on(PutRecordBatchCommand).rejectsOnce(throttled()).rejectsOnce(unavailable()).resolves(response(2));

      // Act
      const result = await sink().putBatch(encodedBatch(2));

      // Assess
      expect(result.failed).toEqual([]);
      expect(sentCalls()).toHaveLength(3);
    });

    it('throws RetryableError with the cause when the whole call fails every attempt (mocked SDK)', async () => {
      // Prepare
      const cause = unavailable();
      firehose.on(PutRecordBatchCommand).rejects(cause);

      // Act
      const act = sink({ maxAttempts: 3 }).putBatch(encodedBatch(2));

      // Assess
      await expect(act).rejects.toThrow(RetryableError);
      await expect(act).rejects.toMatchObject({
        message: expect.stringMatching(/PutRecordBatch to raw-telemetry failed .*ServiceUnavailableException/),
        cause,
      });
      expect(sentCalls()).toHaveLength(3);
    });

    it('does not repeat a whole call that failed for a non-retryable reason (mocked SDK)', async () => {
      // Prepare
      firehose.on(PutRecordBatchCommand).rejects(awsError('ResourceNotFoundException', 400));

      // Act
      const act = sink().putBatch(encodedBatch(2));

      // Assess
      await expect(act).rejects.toThrow(/ResourceNotFoundException/);
      expect(sentCalls()).toHaveLength(1);
    });

    it('reports the remaining records with the error when a retry fails as a whole (mocked SDK)', async () => {
      // Prepare: record 1 is rejected, then every retry is a 500
      firehose
        .on(PutRecordBatchCommand)
        .resolvesOnce(response(3, [1]))
        .rejects(awsError('InternalFailure', 500));

      // Act
      const result = await sink({ maxAttempts: 2 }).putBatch(encodedBatch(3));

      // Assess: records 0 and 2 were accepted, so the call resolves
      expect(result.failed).toEqual([{ index: 1, code: 'InternalFailure', message: 'InternalFailure (simulated)' }]);
    });

    it('stops retrying as soon as the signal aborts (mocked SDK)', async () => {
      // Prepare: one record fails, and the backoff before its retry is long
      const controller = new AbortController();
      firehose.on(PutRecordBatchCommand).callsFakeOnce(async () => {
        setTimeout(() => controller.abort(), 20);
        return response(2, [1]);
      });

      // Act
      const result = await sink({ baseDelayMs: 30_000, maxDelayMs: 30_000 }).putBatch(
        encodedBatch(2),
        controller.signal,
      );

      // Assess (had the abort not cut the 30 s backoff short, the test's 5 s limit would fail it)
      expect(result.failed).toEqual([{ index: 1, code: 'AbortError', message: expect.any(String) }]);
      expect(sentCalls()).toHaveLength(1);
    });

    it('sends nothing when the signal is already aborted (mocked SDK)', async () => {
      // Prepare
      firehose.on(PutRecordBatchCommand).resolves(response(1));

      // Act
      const act = sink().putBatch(encodedBatch(1), AbortSignal.abort());

      // Assess
      await expect(act).rejects.toThrow(RetryableError);
      expect(sentCalls()).toHaveLength(0);
    });
  });

  describe('grouping and limits', () => {
    it('sends each topic to its own delivery stream, and maps failures back to input positions (mocked SDK)', async () => {
      // Prepare: topics a and b share stream "shared", c has its own
      const records = [
        encoded(0, { topic: 'a' }),
        encoded(1, { topic: 'c' }),
        encoded(2, { topic: 'b' }),
        encoded(3, { topic: 'c' }),
      ];
      firehose
        .on(PutRecordBatchCommand)
        .callsFake((input: { DeliveryStreamName: string; Records: unknown[] }) =>
          input.DeliveryStreamName === 'raw-c' ? response(input.Records.length, [1]) : response(input.Records.length),
        );

      // Act
      const result = await sink({
        maxAttempts: 1,
        streamForTopic: (t) => (t === 'c' ? 'raw-c' : 'shared'),
      }).putBatch(records);

      // Assess
      const calls = sentCalls();
      expect(calls.map((c) => [c.DeliveryStreamName, c.Records?.length])).toEqual([
        ['shared', 2],
        ['raw-c', 2],
      ]);
      expect(sentText(calls[0] ?? {})).toEqual([`${records[0]?.json}\n`, `${records[2]?.json}\n`]);
      expect(result.failed).toEqual([{ index: 3, code: 'ServiceUnavailableException', message: 'Slow down.' }]);
    });

    it('splits more than 500 records into calls of at most 500 (mocked SDK)', async () => {
      // Prepare
      firehose.on(PutRecordBatchCommand).callsFake((input: { Records: unknown[] }) => response(input.Records.length));

      // Act
      const result = await sink().putBatch(encodedBatch(1_201));

      // Assess
      expect(result.failed).toEqual([]);
      expect(sentCalls().map((c) => c.Records?.length)).toEqual([500, 500, 201]);
    });

    it('splits calls before they exceed 4 MiB on the wire (mocked SDK)', async () => {
      // Prepare: ten records of 900 KiB; four fit in 4 MiB, five do not
      firehose.on(PutRecordBatchCommand).callsFake((input: { Records: unknown[] }) => response(input.Records.length));
      const records = Array.from({ length: 10 }, (_, i) => encodedOfSize(i, 900 * 1024));

      // Act
      await sink().putBatch(records);

      // Assess
      const calls = sentCalls();
      expect(calls.map((c) => c.Records?.length)).toEqual([4, 4, 2]);
      for (const call of calls) {
        const bytes = (call.Records ?? []).reduce((sum, r) => sum + (r.Data as Uint8Array).length, 0);
        expect(bytes).toBeLessThanOrEqual(FIREHOSE_LIMITS.maxBatchBytes);
      }
    });

    it('never sends a record over 1,000 KiB: it is reported as RecordTooLarge (mocked SDK)', async () => {
      // Prepare: exactly 1,000 KiB of JSON plus the delimiter is one byte too many
      firehose.on(PutRecordBatchCommand).callsFake((input: { Records: unknown[] }) => response(input.Records.length));
      const s = sink();
      const records = [encoded(0), encodedOfSize(1, 1_000 * 1024), encodedOfSize(2, s.limits.maxRecordBytes)];

      // Act
      const result = await s.putBatch(records);

      // Assess
      expect(result.failed).toEqual([
        { index: 1, code: 'RecordTooLarge', message: expect.stringContaining('1024001') },
      ]);
      expect(sentCalls().map((c) => c.Records?.length)).toEqual([2]);
    });

    it('advertises limits in JSON bytes, leaving room for the delimiter', () => {
      expect(sink().limits).toEqual({
        maxRecords: 500,
        maxBatchBytes: 4 * 1024 * 1024 - 500,
        maxRecordBytes: 1_023_999,
      });
      expect(sink({ recordDelimiter: '' }).limits).toEqual(FIREHOSE_LIMITS);
    });

    it('makes no call for an empty batch (mocked SDK)', async () => {
      expect(await sink().putBatch([])).toEqual({ failed: [] });
      expect(sentCalls()).toHaveLength(0);
    });
  });

  describe('options and lifecycle', () => {
    it('rejects invalid options, naming each one', () => {
      // Act
      const act = () =>
        new FirehoseSink({
          client: {} as FirehoseClient,
          streamForTopic: 'raw' as unknown as (t: string) => string,
          maxAttempts: 0,
          baseDelayMs: 500,
          maxDelayMs: 100,
        });

      // Assess
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(/client: expected an AWS SDK v3 client/);
      expect(act).toThrow(/streamForTopic: expected a function/);
      expect(act).toThrow(/maxAttempts: expected an integer 1–100 \(got 0\)/);
      expect(act).toThrow(/maxDelayMs: must be ≥ baseDelayMs/);
    });

    it('rejects the batch with a ConfigError when streamForTopic gives no stream (mocked SDK)', async () => {
      await expect(sink({ streamForTopic: () => '' }).putBatch(encodedBatch(1))).rejects.toThrow(
        /streamForTopic: expected a stream name for topic "telemetry"/,
      );
      expect(sentCalls()).toHaveLength(0);
    });

    it('close() waits for running batches, is idempotent, and refuses new batches (mocked SDK)', async () => {
      // Prepare
      let release: (value: PutRecordBatchCommandOutput) => void = () => {};
      firehose.on(PutRecordBatchCommand).callsFake(() => new Promise((resolve) => (release = resolve)));
      const s = sink();
      const running = s.putBatch(encodedBatch(1));
      let closed = false;

      // Act
      const closing = s.close();
      void closing.then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 10));
      const closedBeforeRelease = closed;
      release(response(1));
      await closing;

      // Assess
      expect(closedBeforeRelease).toBe(false);
      expect(await running).toEqual({ failed: [] });
      expect(s.close()).toBe(closing);
      await expect(s.putBatch(encodedBatch(1))).rejects.toThrow(/FirehoseSink is closed/);
    });
  });
});

import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type DeleteMessageBatchCommandOutput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { ConfigError, type ReceivedMessage, RetryableError } from '@lean-ops/core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { type AdapterLogger, clampVisibilitySeconds, SqsAcknowledger } from '../../src/index.js';
import { unavailable } from '../helpers/aws-errors.js';

const client = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const sqs = mockClient(client);
afterEach(() => sqs.reset());

const Q1 = 'https://sqs.us-east-1.amazonaws.com/123456789012/telemetry';
const Q2 = 'https://sqs.us-east-1.amazonaws.com/123456789012/alerts';

function messages(queue: string, count: number, from = 0): ReceivedMessage[] {
  return Array.from({ length: count }, (_, k) => ({
    queue,
    receiptHandle: `rh-${from + k}`,
    receiveCount: 1,
    body: '{}',
    sourceMessageId: `m-${from + k}`,
    publishTimeMs: 0,
  }));
}

/** Every entry succeeds except those whose receipt handle is in `fail` (with its code and fault). */
function deleteResponder(fail: Record<string, { code: string; senderFault: boolean }> = {}) {
  return (input: { Entries: { Id: string; ReceiptHandle: string }[] }): DeleteMessageBatchCommandOutput => ({
    $metadata: {},
    Successful: input.Entries.filter((e) => !fail[e.ReceiptHandle]).map((e) => ({ Id: e.Id })),
    Failed: input.Entries.filter((e) => fail[e.ReceiptHandle]).map((e) => ({
      Id: e.Id,
      Code: fail[e.ReceiptHandle]?.code,
      SenderFault: fail[e.ReceiptHandle]?.senderFault,
      Message: 'simulated',
    })),
  });
}

const acknowledger = (logger?: AdapterLogger) =>
  new SqsAcknowledger({ client, baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 3, ...(logger ? { logger } : {}) });
const deletes = () => sqs.commandCalls(DeleteMessageBatchCommand).map((c) => c.args[0].input);

describe('Class: SqsAcknowledger', () => {
  it('deletes in batches of at most 10 per queue (mocked SDK)', async () => {
    // Prepare
    sqs.on(DeleteMessageBatchCommand).callsFake(deleteResponder());
    const batch = [...messages(Q1, 23), ...messages(Q2, 4, 100)];

    // Act
    await acknowledger().ack(batch);

    // Assess
    const calls = deletes();
    expect(calls.map((c) => [c.QueueUrl, c.Entries?.length])).toEqual([
      [Q1, 10],
      [Q1, 10],
      [Q1, 3],
      [Q2, 4],
    ]);
    expect(calls.flatMap((c) => c.Entries?.map((e) => e.ReceiptHandle))).toEqual(batch.map((m) => m.receiptHandle));
    expect(calls.every((c) => new Set(c.Entries?.map((e) => e.Id)).size === c.Entries?.length)).toBe(true);
  });

  it('re-sends only the entries SQS reported as Failed, then succeeds (mocked SDK)', async () => {
    // Prepare: rh-3 and rh-7 fail once with a server fault
    sqs
      .on(DeleteMessageBatchCommand)
      .callsFakeOnce(
        deleteResponder({
          'rh-3': { code: 'InternalError', senderFault: false },
          'rh-7': { code: 'InternalError', senderFault: false },
        }),
      )
      .callsFake(deleteResponder());

    // Act
    await acknowledger().ack(messages(Q1, 10));

    // Assess
    expect(deletes().map((c) => c.Entries?.map((e) => e.ReceiptHandle))).toEqual([
      messages(Q1, 10).map((m) => m.receiptHandle),
      ['rh-3', 'rh-7'],
    ]);
  });

  it('throws RetryableError naming the code when entries fail every attempt (mocked SDK)', async () => {
    sqs
      .on(DeleteMessageBatchCommand)
      .callsFake(deleteResponder({ 'rh-1': { code: 'InternalError', senderFault: false } }));

    await expect(acknowledger().ack(messages(Q1, 3))).rejects.toThrow(
      /DeleteMessageBatch failed for 1 of 3 messages: .*InternalError/,
    );
    expect(deletes()).toHaveLength(3);
  });

  it('logs stale receipt handles and counts them as done, without retrying (mocked SDK)', async () => {
    // Prepare
    sqs
      .on(DeleteMessageBatchCommand)
      .callsFake(deleteResponder({ 'rh-1': { code: 'ReceiptHandleIsInvalid', senderFault: true } }));
    const warnings: Record<string, unknown>[] = [];

    // Act
    await acknowledger({ warn: (fields) => warnings.push(fields) }).ack(messages(Q1, 3));

    // Assess
    expect(deletes()).toHaveLength(1);
    expect(warnings).toEqual([
      expect.objectContaining({ queue: Q1, count: 1, codes: ['ReceiptHandleIsInvalid'], source_message_ids: ['m-1'] }),
    ]);
  });

  it('does not retry other sender faults, and throws (mocked SDK)', async () => {
    sqs
      .on(DeleteMessageBatchCommand)
      .callsFake(deleteResponder({ 'rh-0': { code: 'InvalidParameterValue', senderFault: true } }));
    await expect(acknowledger().ack(messages(Q1, 2))).rejects.toThrow(RetryableError);
    expect(deletes()).toHaveLength(1);
  });

  it('retries a whole call that failed with a 5xx (mocked SDK)', async () => {
    sqs.on(DeleteMessageBatchCommand).rejectsOnce(unavailable()).callsFake(deleteResponder());
    await acknowledger().ack(messages(Q1, 2));
    expect(deletes()).toHaveLength(2);
  });

  it('changes visibility in batches of 10, clamped to 0–43200 s (mocked SDK)', async () => {
    // Prepare
    sqs.on(ChangeMessageVisibilityBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.map((e) => ({ Id: e.Id })),
      Failed: [],
    }));
    const ack = acknowledger();

    // Act
    await ack.retryLater(messages(Q1, 12), 99_999);
    await ack.extend(messages(Q2, 1), -5);
    await ack.extend(messages(Q2, 1), 29.2);

    // Assess
    const calls = sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.QueueUrl, c.Entries?.length, c.Entries?.[0]?.VisibilityTimeout])).toEqual([
      [Q1, 10, 43_200],
      [Q1, 2, 43_200],
      [Q2, 1, 0],
      [Q2, 1, 30],
    ]);
  });

  it('refuses a visibility that is not a number', () => {
    expect(() => clampVisibilitySeconds(Number.NaN, 'delaySeconds')).toThrow(/delaySeconds: expected a finite number/);
  });

  it('makes no call for no messages (mocked SDK)', async () => {
    await acknowledger().ack([]);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('rejects invalid options, naming each one', () => {
    const act = () => new SqsAcknowledger({ client, maxAttempts: 1.5, logger: {} as AdapterLogger });
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/maxAttempts: expected an integer/);
    expect(act).toThrow(/logger: expected an object with a warn/);
  });
});

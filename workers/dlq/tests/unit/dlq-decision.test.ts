import { describe, expect, it } from 'vitest';
import {
  type DecisionOptions,
  type DlqMessage,
  type DlqQuarantineReason,
  decideDlqAction,
  reasonLabel,
} from '../../src/index.js';

const options: DecisionOptions = {
  maxAttempts: 3,
  backoffBaseSeconds: 60,
  backoffMaxSeconds: 900,
  maxRecordBytes: 1_000 * 1024,
  isKnownTopic: (t) => t === 'telemetry',
  random: () => 0.5,
};

const valid = { topic: 'telemetry', device_id: 'd1', event_timestamp: 1_700_000_000_000, payload: { t: 1 } };

function dlqMessage(body: unknown, attempt = 0): DlqMessage {
  return {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    sourceMessageId: 'm1',
    publishTimeMs: 1_700_000_000_000,
    queue: 'http://sqs.local/000000000000/telemetry-dlq',
    receiptHandle: 'rh',
    receiveCount: 6,
    topic: 'telemetry',
    messageId: 'm1',
    dlqMessageId: 'm1',
    attempt,
    attributes: {},
  };
}

describe('Function: decideDlqAction', () => {
  it.each([
    ['{"topic":', 'dlq:invalid_json'],
    ['[1]', 'dlq:not_an_object'],
    [JSON.stringify({ ...valid, device_id: undefined }), 'dlq:missing_field:device_id'],
    [JSON.stringify({ ...valid, payload: [1] }), 'dlq:invalid_field:payload'],
    [JSON.stringify({ ...valid, topic: 'orders' }), 'dlq:unknown_topic'],
    [JSON.stringify({ ...valid, payload: { x: 'y'.repeat(1_100_000) } }), 'dlq:too_large'],
  ])('quarantines a DROP as dlq:<reason>: %s', (body, reason) => {
    expect(decideDlqAction(dlqMessage(body), options)).toEqual({ kind: 'quarantine', reason });
  });

  it('a DROP is quarantined with its reason even over the attempt cap', () => {
    expect(decideDlqAction(dlqMessage('nope', 99), options)).toEqual({
      kind: 'quarantine',
      reason: 'dlq:invalid_json',
    });
  });

  it('redrives a valid message with the next attempt number and an exponential delay', () => {
    expect([0, 1, 2].map((attempt) => decideDlqAction(dlqMessage(valid, attempt), options))).toEqual([
      { kind: 'redrive', attempt: 1, delaySeconds: 60 },
      { kind: 'redrive', attempt: 2, delaySeconds: 120 },
      { kind: 'redrive', attempt: 3, delaySeconds: 240 },
    ]);
  });

  it('caps the delay at backoffMaxSeconds (SQS allows 900) whatever the jitter', () => {
    const wide = { ...options, maxAttempts: 20 };
    for (const random of [() => 0, () => 0.5, () => 0.999]) {
      const action = decideDlqAction(dlqMessage(valid, 10), { ...wide, random });
      expect(action).toMatchObject({ kind: 'redrive', attempt: 11 });
      expect(action.kind === 'redrive' && action.delaySeconds).toBeLessThanOrEqual(900);
    }
    expect(decideDlqAction(dlqMessage(valid, 10), { ...wide, random: () => 0.999 })).toMatchObject({
      delaySeconds: 900,
    });
  });

  it('jitters the delay by ±20 %', () => {
    expect(decideDlqAction(dlqMessage(valid, 1), { ...options, random: () => 0 })).toMatchObject({ delaySeconds: 96 });
    expect(decideDlqAction(dlqMessage(valid, 1), { ...options, random: () => 1 })).toMatchObject({ delaySeconds: 144 });
  });

  it('quarantines a valid message as dlq:max_attempts once it had maxAttempts redrives', () => {
    expect(decideDlqAction(dlqMessage(valid, 3), options)).toEqual({ kind: 'quarantine', reason: 'dlq:max_attempts' });
    expect(decideDlqAction(dlqMessage(valid, 0), { ...options, maxAttempts: 0 })).toEqual({
      kind: 'quarantine',
      reason: 'dlq:max_attempts',
    });
  });
});

describe('Function: reasonLabel', () => {
  it.each<[DlqQuarantineReason, string]>([
    ['dlq:missing_field:device_id', 'missing_field'],
    ['dlq:invalid_json', 'invalid_json'],
    ['dlq:max_attempts', 'max_attempts'],
    ['dlq:purged', 'purged'],
  ])('%s → %s', (reason, label) => {
    expect(reasonLabel(reason)).toBe(label);
  });
});

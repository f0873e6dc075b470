import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '@aws-sdk/client-sqs';
import { transformMessage } from '@lean-ops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fleetMessages,
  MESSAGE_FAULTS,
  parseSimulationOptions,
  planRun,
  runSimulation,
  type SimulationOptionsInput,
  type SimulationProgress,
} from '../../src/index.js';
import { ledgerLines } from '../helpers/ledger-file.js';
import { type LocalQueues, startLocalQueues } from '../helpers/local-queues.js';
import { receiveAll } from '../helpers/receive-all.js';

const TOPICS = ['sensors', 'gps'];

const countBy = <T>(items: readonly T[], key: (item: T) => string) => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

describe('runSimulation against the embedded SQS endpoint', () => {
  let local: LocalQueues;
  let dir: string;

  beforeAll(async () => {
    local = await startLocalQueues('sim-', TOPICS);
    dir = mkdtempSync(join(tmpdir(), 'simulate-'));
  });
  afterAll(() => local.close());

  it('sends a chaos run whose ledger matches what the queues hold: ids, counts, bodies and fates', async () => {
    const options: SimulationOptionsInput = {
      topics: TOPICS,
      queuePrefix: 'sim-',
      endpoint: local.sqs.endpoint,
      devices: 8,
      count: 600,
      rate: 5_000,
      profile: 'chaos',
      seed: 1234,
      startTime: '2025-03-01T12:00:00Z',
      ledger: join(dir, 'chaos.jsonl'),
    };
    const progress: SimulationProgress[] = [];
    let reported = 0;
    const summary = await runSimulation(options, {
      onProgress: (p) => progress.push(p),
      onSent: (lines) => {
        reported += lines.length;
      },
    });

    expect(summary).toMatchObject({ sent: 600, failed: 0, aborted: false, seed: 1234, profile: 'chaos' });
    expect(summary.expected_raw + summary.expected_drop).toBe(600);
    expect(reported).toBe(600);
    expect(progress.at(-1)).toMatchObject({ sent: 600, target: { count: 600 } });

    const ledger = await ledgerLines(join(dir, 'chaos.jsonl'));
    expect(ledger.map((l) => l.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(new Set(ledger.map((l) => `${l.run_id} ${l.status}`))).toEqual(new Set([`${summary.run_id} sent`]));
    expect(countBy(ledger, (l) => l.fault)).toEqual(summary.by_fault);
    for (const fault of MESSAGE_FAULTS) expect(summary.by_fault[fault], fault).toBeGreaterThan(0);

    // Every message the ledger lists is in its queue, and nothing else is.
    const received = new Map<string, Message & { queue: string }>();
    for (const topic of TOPICS) {
      const inQueue = ledger.filter((l) => l.queue === `sim-${topic}`);
      expect(inQueue.length).toBe(summary.by_topic[topic]?.sent);
      const messages = await receiveAll(local.client, local.urls.get(topic) as string, inQueue.length);
      expect(messages.map((m) => m.MessageId).sort()).toEqual(inQueue.map((l) => l.message_id).sort());
      for (const m of messages) received.set(m.MessageId as string, { ...m, queue: `sim-${topic}` });
    }

    // Bodies are the planned ones (same seed, same start time), and the worker's transform,
    // given the queue's real MessageId and SentTimestamp, reaches the ledger's verdict.
    const plan = planRun(parseSimulationOptions(options));
    if (plan.kind !== 'fleet') throw new Error('expected a fleet plan');
    const bodies = [...fleetMessages(plan.fleet)].map((m) => m.body);
    for (const line of ledger) {
      if (line.status !== 'sent') throw new Error(`line ${line.seq} was not sent`);
      const message = received.get(line.message_id);
      expect(message?.Body).toBe(bodies[line.seq - 1]);
      const result = transformMessage(
        {
          body: message?.Body as string,
          sourceMessageId: line.message_id,
          publishTimeMs: Number(message?.Attributes?.SentTimestamp),
        },
        { isKnownTopic: (t) => TOPICS.includes(t) },
      );
      if (result.ok) {
        expect(line).toMatchObject({ expected: 'raw', reason: null });
        expect(line.idempotency_key).toBe(result.encoded.record.idempotency_key);
        expect(line.topic).toBe(result.encoded.record.topic);
      } else {
        expect(line).toMatchObject({ expected: 'drop', reason: result.reason, idempotency_key: null });
      }
      if (line.duplicate_of !== null) expect(line.fault).toBe('duplicate');
      if (line.duplicate_of !== null) expect(message?.Body).toBe(bodies[line.duplicate_of - 1]);
    }
  });

  it('sends every topic to one explicit queue URL', async () => {
    const { url } = await local.sqs.createTopicQueue('single-queue');
    const summary = await runSimulation({
      topics: TOPICS,
      queueUrl: url,
      endpoint: local.sqs.endpoint,
      count: 40,
      rate: 1_000,
      profile: 'clean',
      ledger: join(dir, 'single.jsonl'),
    });
    const ledger = await ledgerLines(join(dir, 'single.jsonl'));
    expect(summary).toMatchObject({ sent: 40, expected_raw: 40, expected_drop: 0 });
    expect(new Set(ledger.map((l) => l.queue))).toEqual(new Set(['single-queue']));
    expect(new Set(ledger.map((l) => l.topic))).toEqual(new Set(TOPICS));
    expect(await receiveAll(local.client, url, 40)).toHaveLength(40);
  });

  it('runs until stopped without count or duration; the ledger holds exactly what was sent', async () => {
    const controller = new AbortController();
    const progress: SimulationProgress[] = [];
    let sent = 0;
    const summary = await runSimulation(
      {
        topics: TOPICS,
        queuePrefix: 'sim-',
        endpoint: local.sqs.endpoint,
        rate: 200,
        profile: 'clean',
        ledger: join(dir, 'aborted.jsonl'),
      },
      {
        onSent: (lines) => {
          sent += lines.length;
          if (sent >= 100) controller.abort();
        },
        onProgress: (p) => progress.push(p),
        signal: controller.signal,
      },
    );
    expect(summary.aborted).toBe(true);
    expect(summary.sent).toBeGreaterThanOrEqual(100);
    expect(summary.sent).toBeLessThan(1_000);
    expect(progress.at(-1)?.target).toEqual({ until: 'stopped' });
    expect(await ledgerLines(join(dir, 'aborted.jsonl'))).toHaveLength(summary.sent);
  });

  it('a missing queue is a ConfigError naming it, before anything is sent or written', async () => {
    const ledger = join(dir, 'never.jsonl');
    await expect(
      runSimulation({
        topics: ['sensors', 'nowhere'],
        queuePrefix: 'sim-',
        endpoint: local.sqs.endpoint,
        count: 5,
        ledger,
      }),
    ).rejects.toMatchObject({ name: 'ConfigError', issues: ['queue sim-nowhere: does not exist'] });
    expect(existsSync(ledger)).toBe(false);
  });
});

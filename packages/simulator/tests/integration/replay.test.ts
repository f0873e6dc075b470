import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LedgerEntry, runSimulation, type SimulationOptionsInput } from '../../src/index.js';
import { ledgerLines } from '../helpers/ledger-file.js';
import { type LocalQueues, startLocalQueues } from '../helpers/local-queues.js';
import { receiveAll } from '../helpers/receive-all.js';

const TOPICS = ['sensors', 'gps'];
const valid = (topic: string, device: string) =>
  JSON.stringify({ topic, device_id: device, event_timestamp: '2025-03-01T12:00:00Z', payload: { v: 1 } });

/** Line number → body; line 4 is blank. */
const LINES = [
  valid('sensors', 'd1'),
  valid('gps', 'd2'),
  '{"topic":"gps", broken',
  '',
  valid('orders', 'd3'),
  valid('sensors', 'd1'),
  '[1,2]',
  JSON.stringify({ topic: 'gps', device_id: 'd4', event_timestamp: 'soon', payload: {} }),
];

describe('replaying an input file', () => {
  let local: LocalQueues;
  let dir: string;

  beforeAll(async () => {
    local = await startLocalQueues('rp-', TOPICS);
    dir = mkdtempSync(join(tmpdir(), 'replay-'));
  });
  afterAll(() => local.close());

  /** Writes `text` to `file` in the test folder and replays it to the rp- queues. */
  function replay(file: string, text: string | null, options: Partial<SimulationOptionsInput> = {}) {
    const input = join(dir, file);
    if (text !== null) writeFileSync(input, text);
    return runSimulation({ topics: TOPICS, queuePrefix: 'rp-', endpoint: local.sqs.endpoint, input, ...options });
  }

  it('sends each body to its topic’s queue (else the default topic’s) and writes the same ledger', async () => {
    const summary = await replay('input.jsonl', `${LINES.join('\r\n')}\n`, {
      defaultTopic: 'sensors',
      ledger: join(dir, 'ledger.jsonl'),
    });
    expect(summary).toMatchObject({ sent: 7, failed: 0, expected_raw: 3, expected_drop: 4, seed: null, profile: null });
    expect(summary.by_fault).toEqual({ replay: 7 });

    const ledger = await ledgerLines(join(dir, 'ledger.jsonl'));
    const bySeq = new Map(ledger.map((l) => [l.seq, l]));
    expect([...bySeq.keys()].sort()).toEqual([1, 2, 3, 5, 6, 7, 8]);
    const expectations: Array<[number, Partial<LedgerEntry>]> = [
      [1, { queue: 'rp-sensors', topic: 'sensors', device_id: 'd1', expected: 'raw', duplicate_of: null }],
      [2, { queue: 'rp-gps', topic: 'gps', expected: 'raw' }],
      [3, { queue: 'rp-sensors', topic: null, device_id: null, expected: 'drop', reason: 'invalid_json' }],
      [5, { queue: 'rp-sensors', topic: 'orders', expected: 'drop', reason: 'unknown_topic' }],
      [6, { queue: 'rp-sensors', expected: 'raw', duplicate_of: 1 }],
      [7, { queue: 'rp-sensors', expected: 'drop', reason: 'not_an_object' }],
      [8, { queue: 'rp-gps', expected: 'drop', reason: 'invalid_field:event_timestamp' }],
    ];
    for (const [seq, expected] of expectations) expect(bySeq.get(seq), `line ${seq}`).toMatchObject(expected);
    expect(bySeq.get(6)?.idempotency_key).toBe(bySeq.get(1)?.idempotency_key);

    for (const topic of TOPICS) {
      const lines = ledger.filter((l) => l.queue === `rp-${topic}`);
      const messages = await receiveAll(local.client, local.urls.get(topic) as string, lines.length);
      const bodyById = new Map(messages.map((m) => [m.MessageId, m.Body]));
      for (const line of lines) expect(bodyById.get(line.message_id ?? '')).toBe(LINES[line.seq - 1]);
      expect(messages).toHaveLength(lines.length);
    }
  });

  it('a body SQS refuses is counted as failed and is a not_sent ledger line with its line and error', async () => {
    const refused = [
      '{"topic":"sensors","note":"bell \u0007"}', // a raw control character
      '{"topic":"sensors","note":"nul \u0000"}',
      '{"topic":"gps","note":"non-character \uffff"}',
    ];
    const summary = await replay('refused.jsonl', `${valid('sensors', 'd1')}\n${refused.join('\n')}\n`, {
      defaultTopic: 'sensors',
      ledger: join(dir, 'refused-ledger.jsonl'),
    });
    expect(summary).toMatchObject({ sent: 1, failed: 3 });
    expect(summary.by_topic).toMatchObject({ sensors: { sent: 1, not_sent: 2 }, gps: { sent: 0, not_sent: 1 } });
    expect(summary.failures.map((f) => [f.seq, f.queue, f.code]).sort()).toEqual([
      [2, 'rp-sensors', 'InvalidMessageContents'],
      [3, 'rp-sensors', 'InvalidMessageContents'],
      [4, 'rp-gps', 'InvalidMessageContents'],
    ]);
    const ledger = (await ledgerLines(join(dir, 'refused-ledger.jsonl'))).sort((a, b) => a.seq - b.seq);
    expect(ledger.map((l) => [l.seq, l.status])).toEqual([
      [1, 'sent'],
      [2, 'not_sent'],
      [3, 'not_sent'],
      [4, 'not_sent'],
    ]);
    for (const line of ledger.slice(1)) {
      expect(line).toMatchObject({
        run_id: summary.run_id,
        message_id: null,
        expected: null,
        reason: null,
        idempotency_key: null,
        fault: 'replay',
        error: { code: 'InvalidMessageContents', message: expect.stringMatching(/./) },
      });
    }
    expect(ledger[3]).toMatchObject({ topic: 'gps', queue: 'rp-gps' });
    expect(await receiveAll(local.client, local.urls.get('sensors') as string, 1)).toHaveLength(1);
  });

  it('a line longer than SQS takes, and a line that is not UTF-8, are not_sent ledger lines without a call', async () => {
    const input = join(dir, 'unreadable.jsonl');
    const huge = JSON.stringify({ topic: 'sensors', device_id: 'd9', pad: 'x'.repeat(1_048_576) });
    writeFileSync(
      input,
      Buffer.concat([
        Buffer.from(`${valid('gps', 'd1')}\n${huge}\n`),
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d, 0x0a]), // {"a":"\xc3("}
        Buffer.from(`${valid('gps', 'd2')}\n`),
      ]),
    );
    const ledgerPath = join(dir, 'unreadable-ledger.jsonl');
    const summary = await runSimulation({
      topics: TOPICS,
      queuePrefix: 'rp-',
      endpoint: local.sqs.endpoint,
      input,
      defaultTopic: 'gps',
      ledger: ledgerPath,
    });
    expect(summary).toMatchObject({ sent: 2, failed: 2 });
    const bySeq = new Map((await ledgerLines(ledgerPath)).map((l) => [l.seq, l]));
    // Longer than any message, it claims no topic (as the quarantine would read it): the default topic's queue.
    expect(bySeq.get(2)).toMatchObject({
      status: 'not_sent',
      queue: 'rp-gps',
      topic: null,
      error: { code: 'MessageTooLong', message: expect.stringContaining('more than the queue') },
    });
    expect(bySeq.get(3)).toMatchObject({
      status: 'not_sent',
      queue: 'rp-gps',
      error: { code: 'InvalidUtf8', message: expect.stringContaining('unreadable.jsonl:3: the line is not UTF-8') },
    });
    expect([bySeq.get(1)?.status, bySeq.get(4)?.status]).toEqual(['sent', 'sent']);
    expect(await receiveAll(local.client, local.urls.get('gps') as string, 2)).toHaveLength(2);
  });

  it('appends each run to the same ledger under its own run id', async () => {
    const ledgerPath = join(dir, 'two-runs.jsonl');
    const first = await replay('run1.jsonl', `${valid('sensors', 'r1')}\n${valid('gps', 'r1')}\n`, {
      ledger: ledgerPath,
    });
    const second = await replay('run2.jsonl', `${valid('gps', 'r2')}\n`, { ledger: ledgerPath });
    expect(first.run_id).not.toBe(second.run_id);
    const ledger = await ledgerLines(ledgerPath);
    expect(ledger.map((l) => [l.run_id, l.seq, l.device_id]).sort()).toEqual(
      [
        [first.run_id, 1, 'r1'],
        [first.run_id, 2, 'r1'],
        [second.run_id, 1, 'r2'],
      ].sort(),
    );
    expect(await receiveAll(local.client, local.urls.get('sensors') as string, 1)).toHaveLength(1);
    expect(await receiveAll(local.client, local.urls.get('gps') as string, 2)).toHaveLength(2);
  });

  it('a call no retry fixes ends the run, and the batch it took down is in the ledger as not_sent', async () => {
    const { url } = await local.sqs.createTopicQueue('rp-gone');
    const ledgerPath = join(dir, 'gone-ledger.jsonl');
    writeFileSync(join(dir, 'gone.jsonl'), `${valid('gone', 'g1')}\n${valid('gone', 'g2')}\n${valid('gone', 'g3')}\n`);
    let deleted: Promise<unknown> | undefined;
    const run = runSimulation(
      {
        topics: ['gone'],
        queuePrefix: 'rp-',
        endpoint: local.sqs.endpoint,
        input: join(dir, 'gone.jsonl'),
        rate: 4, // 250 ms between lines: the queue is gone before the second one
        ledger: ledgerPath,
      },
      { onSent: () => (deleted ??= local.client.send(new DeleteQueueCommand({ QueueUrl: url }))) },
    );
    await expect(run).rejects.toThrow(/SendMessageBatch to .*rp-gone failed/);
    await deleted;
    // Line 3 may have been planned before the failure showed: then its call failed the same way.
    const ledger = (await ledgerLines(ledgerPath)).sort((a, b) => a.seq - b.seq);
    expect(ledger.slice(0, 2).map((l) => [l.seq, l.status])).toEqual([
      [1, 'sent'],
      [2, 'not_sent'],
    ]);
    for (const line of ledger.slice(1)) {
      expect(line).toMatchObject({ status: 'not_sent', error: { message: expect.stringMatching(/rp-gone failed/) } });
    }
  });

  it('without a default topic, a body for no configured topic is an error naming its line', async () => {
    const ledger = join(dir, 'orphan-ledger.jsonl');
    const text = `${valid('gps', 'd1')}\n${valid('orders', 'd2')}\n${valid('gps', 'd3')}\n`;
    await expect(replay('orphan.jsonl', text, { ledger })).rejects.toThrow(
      /orphan\.jsonl:2: topic "orders" is not configured; set defaultTopic/,
    );
    // What was read before the bad line was sent, and the ledger says so.
    expect((await ledgerLines(ledger)).map((l) => l.seq)).toEqual([1]);
    await receiveAll(local.client, local.urls.get('gps') as string, 1);
  });

  it('a missing input file is an error naming it', async () => {
    await expect(replay('nope.jsonl', null)).rejects.toThrow(/nope\.jsonl/);
  });
});

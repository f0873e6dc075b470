import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      for (const line of lines) expect(bodyById.get(line.message_id)).toBe(LINES[line.seq - 1]);
      expect(messages).toHaveLength(lines.length);
    }
  });

  it('a body SQS refuses is counted as failed, with its line, and left out of the ledger', async () => {
    const summary = await replay(
      'refused.jsonl',
      `${valid('sensors', 'd1')}\n{"topic":"sensors","note":"bell \u0007"}\n`,
      {
        defaultTopic: 'sensors',
        ledger: join(dir, 'refused-ledger.jsonl'),
      },
    );
    expect(summary).toMatchObject({ sent: 1, failed: 1 });
    expect(summary.failures).toEqual([
      expect.objectContaining({ seq: 2, queue: 'rp-sensors', code: 'InvalidMessageContents' }),
    ]);
    const ledger = await ledgerLines(join(dir, 'refused-ledger.jsonl'));
    expect(ledger.map((l) => l.seq)).toEqual([1]);
    await receiveAll(local.client, local.urls.get('sensors') as string, 1);
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

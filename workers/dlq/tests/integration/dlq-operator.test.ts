import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueStatsSampler, SqsAcknowledger } from '@lean-ops/aws';
import { loadConfig } from '@lean-ops/config';
import { readServiceEnvironment, SqsMessageReader, SqsMessageSender } from '@lean-ops/queue-worker';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTEMPT_ATTRIBUTE, DLQ, DlqOperator, formatDlqListings, openDlqOperator } from '../../src/index.js';
import { attribute, type DlqHarness, SOURCE_ID, startDlqHarness, validBody } from '../helpers/dlq-harness.js';

describe('Class: DlqOperator (lean-ops dlq list|redrive|purge) against a real SQS-protocol server', () => {
  let h: DlqHarness | undefined;
  let operator: DlqOperator | undefined;
  afterEach(async () => {
    await operator?.close();
    await h?.stop();
    h = undefined;
    operator = undefined;
  });

  async function setup(bodies: string[], overCap: string[] = []) {
    h = await startDlqHarness();
    const ids = await h.send(bodies);
    const overCapIds = await h.send(overCap, { [ATTEMPT_ATTRIBUTE]: { DataType: 'Number', StringValue: '3' } });
    await h.driveToDlq(bodies.length + overCap.length);
    operator = new DlqOperator(
      { queues: [{ topic: 'telemetry', url: h.queueUrl, dlqUrl: h.dlqUrl }], maxAttempts: 3 },
      {
        reader: new SqsMessageReader(h.sqs),
        sender: new SqsMessageSender(h.sqs),
        acknowledger: new SqsAcknowledger({ client: h.sqs }),
        depths: new QueueStatsSampler({ client: h.sqs }),
        quarantine: h.quarantine,
        isKnownTopic: (t) => t === 'telemetry',
      },
    );
    return { h, operator, ids, overCapIds };
  }

  it('list: peeks at every message with what the processor would do, and releases them', async () => {
    const { h, operator, ids, overCapIds } = await setup([validBody(1), 'not json'], [validBody(2)]);
    const [listing] = await operator.list({ topic: 'telemetry', limit: 10 });
    expect(listing?.dlq).toBe('telemetry-dlq');
    const byId = new Map(listing?.messages.map((m) => [m.sourceMessageId, m]));
    expect(byId.size).toBe(3);
    expect(byId.get(ids[0] as string)?.action).toEqual({ kind: 'redrive', attempt: 1, delaySeconds: 60 });
    expect(byId.get(ids[1] as string)?.action).toEqual({ kind: 'quarantine', reason: 'dlq:invalid_json' });
    expect(byId.get(overCapIds[0] as string)).toMatchObject({
      attempt: 3,
      action: { kind: 'quarantine', reason: 'dlq:max_attempts' },
    });
    expect(byId.get(ids[1] as string)).toMatchObject({ bodyExcerpt: 'not json', bodyBytes: 8 });
    expect(listing?.messages.every((m) => m.receiveCount >= 3 && m.ageSeconds >= 0)).toBe(true);
    // Released: all visible again at once, nothing consumed.
    expect(await h.stats(h.dlqUrl)).toEqual({ visible: 3, inFlight: 0, delayed: 0 });
    const text = formatDlqListings(await operator.list({ limit: 2 }));
    expect(text).toMatch(/^telemetry-dlq \(topic telemetry\): 3 visible, 0 in flight, 0 delayed; showing 2\n {2}AGE/);
  });

  it('redrive --limit then --all: moves messages back to the source queue now, with the attempt counter and first id', async () => {
    const { h, operator, ids } = await setup(Array.from({ length: 5 }, (_, i) => validBody(i)));
    expect(await operator.redrive({ topic: 'telemetry', limit: 2 })).toMatchObject({ redriven: 2 });
    expect(await h.depth(h.dlqUrl)).toBe(3);
    expect(await operator.redrive({ topic: 'telemetry' })).toMatchObject({ redriven: 3, quarantined: {} });
    expect(await h.depth(h.dlqUrl)).toBe(0);
    const back = await h.receiveAll(h.queueUrl);
    expect(back.map((m) => attribute(m, SOURCE_ID)).sort()).toEqual([...ids].sort());
    expect(back.every((m) => attribute(m, ATTEMPT_ATTRIBUTE) === '1')).toBe(true);
  });

  it('purge: moves every message to quarantine as dlq:purged, keeping each one', async () => {
    const { h, operator, ids, overCapIds } = await setup([validBody(1), 'not json', validBody(3)], [validBody(4)]);
    expect(await operator.purge({ topic: 'telemetry' })).toMatchObject({
      redriven: 0,
      quarantined: { 'dlq:purged': 4 },
    });
    expect(await h.depth(h.dlqUrl)).toBe(0);
    const entries = await h.quarantined();
    expect(entries.every((e) => e.reason === 'dlq:purged')).toBe(true);
    expect(entries.map((e) => e.source_message_id).sort()).toEqual([...ids, ...overCapIds].sort());
  });

  it('purge keeps everything in the DLQ when the quarantine is down', async () => {
    const { h, operator } = await setup(['a', 'b']);
    h.quarantine.down = true;
    await expect(operator.purge({ topic: 'telemetry' })).rejects.toMatchObject({ name: 'DlqOperationError' });
    expect(await h.stats(h.dlqUrl)).toEqual({ visible: 2, inFlight: 0, delayed: 0 });
  });

  it('names an unknown topic or a missing queue', async () => {
    h = await startDlqHarness();
    const dataDir = mkdtempSync(join(tmpdir(), 'dlq-op-'));
    const env = readServiceEnvironment(DLQ, { LEAN_OPS_SQS_ENDPOINT: h.endpoint });
    const config = loadConfig({
      env: { LEAN_OPS_TOPICS: 'telemetry,orders', LEAN_OPS_DATA_DIR: dataDir },
      cwd: dataDir,
    });
    await expect(openDlqOperator(config, env, 'alerts')).rejects.toThrow(
      /alerts: not a configured topic \(configured: telemetry, orders\)/,
    );
    await expect(openDlqOperator(config, env, 'orders')).rejects.toThrow(
      /orders: queue does not exist[\s\S]*orders-dlq: queue does not exist/,
    );
    operator = await openDlqOperator(config, env, 'telemetry');
    await expect(operator.redrive({ topic: 'orders' })).rejects.toMatchObject({ name: 'ConfigError' });
    expect(await operator.list()).toMatchObject([{ topic: 'telemetry', messages: [] }]);
    const closing = operator.close();
    expect(operator.close()).toBe(closing);
    await closing;
  });
});

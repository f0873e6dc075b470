import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { DevStatus } from '@lean-ops/dev';
import { freePort } from '@lean-ops/local';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, DevProcess, eventually, readDevJson } from './dev-process.js';

const PYTHON = resolve(import.meta.dirname, '../../.venv/bin/python');
const run = promisify(execFile);

/**
 * A client the project did not write: boto3 finds the endpoint, credentials and region in
 * the environment that `lean-ops dev` printed, looks the queue up by name, and sends 10
 * messages one by one and 20 in two batches.
 */
const BOTO3_CLIENT = `
import json, sys
from datetime import datetime, timezone
import boto3

sqs = boto3.client("sqs")
url = sqs.get_queue_url(QueueName="sensors")["QueueUrl"]
now = datetime.now(timezone.utc).isoformat()

def body(i):
    return json.dumps({
        "topic": "sensors",
        "device_id": f"gateway-{i % 3}",
        "event_timestamp": now,
        "idempotency_key": f"boto3-{i:02d}",
        "payload": {"temperature": 20 + i / 10, "humidity": 40.5},
    })

ids = [sqs.send_message(QueueUrl=url, MessageBody=body(i))["MessageId"] for i in range(10)]
for start in (10, 20):
    out = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[{"Id": str(i), "MessageBody": body(i)} for i in range(start, start + 10)],
    )
    assert not out.get("Failed"), out
    ids += [m["MessageId"] for m in out["Successful"]]
print(json.dumps(ids))
`;

describe('your own clients feed lean-ops dev --rate 0 (boto3 from .venv, real bin)', () => {
  const running: DevProcess[] = [];
  afterAll(() => {
    for (const dev of running) dev.signalGroup('SIGKILL');
  });

  it('takes boto3 messages on the fixed SQS port it prints; they reach the semantic layer and the received count', async () => {
    const data = mkdtempSync(join(tmpdir(), 'e2e-own-clients-'));
    const sqsPort = await freePort();
    const dev = DevProcess.start([
      '--rate',
      '0',
      '--data-dir',
      data,
      '--sqs-port',
      String(sqsPort),
      '--status-port',
      '0',
      '--metrics-port',
      '0',
    ]);
    running.push(dev);
    const exported = await dev.waitFor(/export (AWS_ENDPOINT_URL_SQS=.*)/);
    const status = await dev.waitFor(/status page (http:\/\/127\.0\.0\.1:\d+)/);
    expect(dev.stderr).toMatch(/No simulator \(--rate 0\)/);
    expect(dev.stderr).toMatch(new RegExp(`sensors +http://\\S+:${sqsPort}/\\S*/sensors`));
    // What the user pastes into the client's shell, as printed.
    const clientEnv = Object.fromEntries(
      exported
        .trim()
        .split(/\s+/)
        .map((pair) => pair.split('=', 2) as [string, string]),
    );
    expect(clientEnv.AWS_ENDPOINT_URL_SQS).toBe(`http://127.0.0.1:${sqsPort}`);
    expect(readDevJson(data)).toMatchObject({ sqs: `http://127.0.0.1:${sqsPort}`, status });

    const withoutAws = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    const sent = await run(PYTHON, ['-c', BOTO3_CLIENT], { env: { ...withoutAws, ...clientEnv } }).catch(
      (err: Error & { stderr?: string }) => {
        throw new Error(`boto3 client failed (is .venv provisioned? npm run provision): ${err.message}\n${err.stderr}`);
      },
    );
    const messageIds = JSON.parse(sent.stdout) as string[];
    expect(new Set(messageIds).size).toBe(30);

    const flowed = await eventually(
      async () => {
        const s = (await (await fetch(`${status}/api/status`)).json()) as DevStatus;
        const sensors = s.topics.find((t) => t.topic === 'sensors');
        return sensors && sensors.received === 30 && sensors.semantic === 30 ? s : undefined;
      },
      120_000,
      500,
    );
    expect(flowed, `sensors never showed 30 received and 30 semantic rows:\n${dev.stderr}`).toBeDefined();
    const byTopic = new Map(flowed?.topics.map((t) => [t.topic, t]));
    expect(byTopic.get('sensors')).toMatchObject({ received: 30, raw: 30, curated: 30, semantic: 30, quarantined: 0 });
    // Nothing else feeds it: no simulator runs.
    expect(byTopic.get('meters')?.received).toBe(0);
    expect(flowed?.simulator).toMatchObject({ enabled: false, running: false, sent: 0 });

    dev.signalGroup('SIGINT');
    expect(await dev.exited, dev.stderr).toBe(0);
    const rows = await cli([
      'query',
      'SELECT idempotency_key, device_id, temperature FROM semantic.sensors ORDER BY idempotency_key',
      '--data-dir',
      data,
    ]);
    expect(rows.code, rows.stderr).toBe(0);
    const semantic = rows.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { idempotency_key: string; device_id: string; temperature: number });
    expect(semantic.map((r) => r.idempotency_key)).toEqual(
      Array.from({ length: 30 }, (_, i) => `boto3-${String(i).padStart(2, '0')}`),
    );
    expect(semantic.map((r) => Number(r.temperature))).toEqual(Array.from({ length: 30 }, (_, i) => 20 + i / 10));
  }, 240_000);
});

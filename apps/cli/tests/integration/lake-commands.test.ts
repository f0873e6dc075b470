import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  type DropReason,
  MESSAGE_FIELDS,
  type MessageField,
  type QuarantineEntry,
  REQUIRED_FIELDS,
  transformMessage,
} from '@lean-ops/core';
import { DuckDbLake } from '@lean-ops/lake';
import { FileQuarantine, startDynamoDbLocal } from '@lean-ops/local';
import { claimedTopic } from '@lean-ops/queue-worker';
import { LedgerWriter, type NotSentLedgerEntry, type SentLedgerEntry } from '@lean-ops/simulator';
import { openStateStores, schedulerEnvironmentSchema } from '@lean-ops/worker-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/lean-ops.js');
const execute = promisify(execFile);
const TOPICS = ['sensors', 'gps'];
const MAX_RECORD_BYTES = 1_024;
const queueUrl = (name: string) => `http://127.0.0.1:4566/000000000000/${name}`;

const message = (fields: Record<string, unknown>) =>
  JSON.stringify({
    topic: 'sensors',
    device_id: 'd1',
    event_timestamp: '2025-03-01T12:00:00Z',
    payload: { v: 1 },
    ...fields,
  });

/** A value of each field that the contract refuses (an unknown field here leaves a reason untested). */
const BAD_VALUE: Readonly<Record<MessageField, unknown>> = {
  topic: 'Bad-Topic',
  device_id: 42,
  event_timestamp: 'soon',
  payload: [1],
  idempotency_key: 5,
  message_id: 7,
  period_reference: '2024-13',
};

/** A body for every DROP reason of contract §2. */
const BODIES: ReadonlyArray<readonly [DropReason, string]> = [
  ['invalid_json', '{"topic":"sensors",'],
  ['not_an_object', '[1,2]'],
  ...REQUIRED_FIELDS.map((f) => [`missing_field:${f}`, message({ [f]: null })] as const),
  ...MESSAGE_FIELDS.map((f) => [`invalid_field:${f}`, message({ [f]: BAD_VALUE[f] })] as const),
  ['unknown_topic', message({ topic: 'orders' })],
  ['too_large', message({ payload: { pad: 'x'.repeat(2 * MAX_RECORD_BYTES) } })],
];

/** The quarantine entry the ingest worker writes for `body` from `queue` (its reason checked by core's transform). */
function dropped(body: string, queue: string, expected: DropReason): QuarantineEntry {
  const result = transformMessage(
    { body, sourceMessageId: randomUUID(), publishTimeMs: Date.parse('2025-03-01T12:00:01Z') },
    { isKnownTopic: (t) => TOPICS.includes(t), maxRecordBytes: MAX_RECORD_BYTES },
  );
  if (result.ok || result.reason !== expected) {
    throw new Error(`body for ${expected} gives ${result.ok ? 'a RAW record' : result.reason}: ${body}`);
  }
  return {
    body,
    reason: result.reason,
    topic: claimedTopic(body),
    queue: queueUrl(queue),
    receive_count: 1,
    source_message_id: randomUUID(),
    quarantined_at: '2025-03-01T12:00:01.000000Z',
  };
}

describe('CLI: lean-ops export and audit over a data dir (real bin, file quarantine, DuckDB, DynamoDB Local)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const entries: QuarantineEntry[] = [];

  const cli = async (args: string[]) => {
    try {
      const { stdout, stderr } = await execute(process.execPath, [BIN, ...args, '--data-dir', dataDir], {
        env,
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const jsonl = (text: string) =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cli-lake-'));
    env = { ...process.env, LEAN_OPS_CONFIG: '', LEAN_OPS_LOG_LEVEL: 'warn' };
    for (const [reason, body] of BODIES) entries.push(dropped(body, 'sensors', reason));
    entries.push(dropped('{"broken', 'gps', 'invalid_json'));
    entries.push(dropped(message({ topic: 'gps', device_id: null }), 'gps', 'missing_field:device_id'));
    entries.push({ ...dropped('not json at all', 'gps-dlq', 'invalid_json'), reason: 'dlq:invalid_json' });
    await new FileQuarantine({ dir: join(dataDir, 'quarantine') }).put(entries);

    const dynamo = await startDynamoDbLocal({ path: join(dataDir, 'state') });
    try {
      const state = await openStateStores(schedulerEnvironmentSchema.parse({ dynamodbEndpoint: dynamo.endpoint }));
      try {
        for (const [topic, column] of [
          ['sensors', 'pressure'],
          ['gps', 'altitude'],
          ['gps', 'heading_deg'],
        ] as const) {
          await state.drift.record({ topic, column, first_seen: '2025-03-01T12:00:00.000Z', status: 'pending' });
        }
      } finally {
        state.close();
      }
    } finally {
      await dynamo.stop();
    }
  }, 120_000);

  it('the bodies cover every DROP reason, including unreadable and invalid topics', () => {
    const reasons = new Set(entries.map((e) => e.reason));
    for (const reason of ['invalid_json', 'invalid_field:topic', 'missing_field:topic', 'too_large']) {
      expect(reasons).toContain(reason);
    }
    expect(entries.find((e) => e.reason === 'invalid_field:topic')?.topic).toBe('Bad-Topic');
    expect(entries.filter((e) => e.topic === null).length).toBeGreaterThanOrEqual(4);
  });

  it('export --layer quarantine without --topic lists every entry, whatever its topic', async () => {
    const out = await cli(['export', '--layer', 'quarantine', '--format', 'jsonl']);
    expect(out.code, out.stderr).toBe(0);
    const rows = jsonl(out.stdout);
    expect(rows.map((r) => r.source_message_id).sort()).toEqual(entries.map((e) => e.source_message_id).sort());
    const byId = new Map(rows.map((r) => [r.source_message_id, r]));
    for (const entry of entries) expect(byId.get(entry.source_message_id)).toEqual(entry);
  });

  it('export --layer quarantine --format csv without --topic has a row per entry', async () => {
    const out = await cli(['export', '--layer', 'quarantine', '--format', 'csv']);
    expect(out.code, out.stderr).toBe(0);
    const [header, ...rows] = out.stdout.trimEnd().split('\n');
    expect(header?.split(',')).toEqual(expect.arrayContaining(['body', 'reason', 'topic', 'source_message_id']));
    for (const entry of entries) expect(rows.some((r) => r.includes(entry.source_message_id))).toBe(true);
    expect(rows).toHaveLength(entries.length);
  });

  it('--topic filters: entries that claim the topic or came from its queue or DLQ', async () => {
    const gps = await cli(['export', '--layer', 'quarantine', '--topic', 'gps']);
    expect(gps.code, gps.stderr).toBe(0);
    const expected = entries.filter((e) => e.topic === 'gps' || /\/gps(-dlq)?$/.test(e.queue));
    expect(expected).toHaveLength(3);
    expect(
      jsonl(gps.stdout)
        .map((r) => r.source_message_id)
        .sort(),
    ).toEqual(expected.map((e) => e.source_message_id).sort());

    const sensors = jsonl((await cli(['export', '--layer', 'quarantine', '--topic', 'sensors'])).stdout);
    expect(sensors).toHaveLength(BODIES.length);
    expect(sensors.map((r) => r.reason)).toContain('invalid_field:topic');
  });

  it('refuses --topic that is not a topic name, and a table layer without --topic', async () => {
    const unknown = await cli(['export', '--layer', 'quarantine', '--topic', '_unknown']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/--topic: "_unknown" is not a topic name/);
    const raw = await cli(['export', '--layer', 'raw']);
    expect(raw.code).not.toBe(0);
    expect(raw.stderr).toMatch(/--topic: required with --layer raw/);
  });

  it('export --layer drift without --topic lists the drift of every topic; --topic filters', async () => {
    const all = await cli(['export', '--layer', 'drift', '--format', 'jsonl']);
    expect(all.code, all.stderr).toBe(0);
    expect(jsonl(all.stdout).map((r) => `${r.topic}.${r.column}`)).toEqual([
      'gps.altitude',
      'gps.heading_deg',
      'sensors.pressure',
    ]);
    const sensors = await cli(['export', '--layer', 'drift', '--topic', 'sensors']);
    expect(jsonl(sensors.stdout)).toEqual([
      { topic: 'sensors', column: 'pressure', first_seen: '2025-03-01T12:00:00.000Z', status: 'pending' },
    ]);
  }, 120_000);

  it('audit exits 0 when every ledger line is accounted for, and 1 once a line was not sent', async () => {
    const lake = await DuckDbLake.open({ path: join(dataDir, 'lake.duckdb') });
    for (const topic of TOPICS) await lake.ensureTopic(topic);
    await lake.close();
    const ledger = await LedgerWriter.open(join(dataDir, 'ledger.jsonl'));
    const sentLine = (entry: QuarantineEntry, seq: number): SentLedgerEntry => ({
      run_id: 'run-1',
      seq,
      status: 'sent',
      topic: entry.topic,
      queue: 'sensors',
      message_id: entry.source_message_id,
      device_id: null,
      idempotency_key: null,
      fault: 'replay',
      expected: 'drop',
      reason: entry.reason,
      duplicate_of: null,
      sent_at: '2025-03-01T12:00:00.000Z',
      error: null,
    });
    const fromSensors = entries.filter((e) => e.queue === queueUrl('sensors'));
    await ledger.write(fromSensors.map((e, i) => sentLine(e, i + 1)));
    await ledger.close();

    const green = await cli(['audit']);
    expect(green.code, green.stdout + green.stderr).toBe(0);
    expect(green.stdout).toMatch(/audit passed/);

    const more = await LedgerWriter.open(join(dataDir, 'ledger.jsonl'));
    const refused: NotSentLedgerEntry = {
      run_id: 'run-2',
      seq: 1,
      status: 'not_sent',
      topic: 'sensors',
      queue: 'sensors',
      message_id: null,
      device_id: 'd1',
      idempotency_key: null,
      fault: 'replay',
      expected: null,
      reason: null,
      duplicate_of: null,
      sent_at: '2025-03-01T12:00:00.000Z',
      error: { code: 'InvalidMessageContents', message: 'Invalid characters found.' },
    };
    await more.write([refused]);
    await more.close();
    const red = await cli(['audit']);
    expect(red.code).toBe(1);
    expect(red.stdout).toMatch(/^topic\s+sent\s+not_sent/m);
    expect(red.stdout).toMatch(/audit failed: 1 not sent/);
    const json = await cli(['audit', '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.runs).toEqual(['run-1', 'run-2']);
    expect(report.totals).toMatchObject({ sent: fromSensors.length, not_sent: 1, quarantined: fromSensors.length });
    expect(report.examples.not_sent).toEqual([
      {
        run_id: 'run-2',
        seq: 1,
        queue: 'sensors',
        code: 'InvalidMessageContents',
        message: 'Invalid characters found.',
      },
    ]);
  });
});

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, encodeRawRecord, type QuarantineEntry, type RawRecord, RetryableError } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { FileQuarantine, LandingSink, listJsonlFiles, readLandedRecords } from '../../src/index.js';

const raw = (topic: string, id: string): RawRecord => ({
  topic,
  idempotency_key: `k-${id}`,
  device_id: 'd',
  event_timestamp: '2024-01-01T00:00:00.000000Z',
  publish_time: '2024-01-01T00:00:00.000000Z',
  period_reference: '2024-01',
  json_payload: '{"a":"ü\\n"}',
  ingested_at: '2024-01-01T00:00:00.000000Z',
  source_message_id: id,
});

describe('Class: LandingSink (real files)', () => {
  it('lands one JSON-lines file per topic and call, readable back exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'landing-'));
    const sink = new LandingSink({ dir });
    const records = [raw('a', '1'), raw('b', '2'), raw('a', '3')];
    const { failed } = await sink.putBatch(records.map(encodeRawRecord));
    expect(failed).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['a', 'b']);
    expect((await listJsonlFiles(dir)).length).toBe(2);
    const back: RawRecord[] = [];
    for await (const r of readLandedRecords(dir)) back.push(r);
    expect(back.sort((x, y) => x.source_message_id.localeCompare(y.source_message_id))).toEqual(records);
  });

  it('lands the wire form Firehose receives: timestamps as epoch microseconds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'landing-'));
    await new LandingSink({ dir }).putBatch([encodeRawRecord(raw('a', '1'))]);
    const [file] = await listJsonlFiles(dir);
    const text = readFileSync(file as string, 'utf8');
    expect(text).toBe(`${encodeRawRecord(raw('a', '1')).json}\n`);
    expect(JSON.parse(text)).toMatchObject({
      event_timestamp: 1_704_067_200_000_000,
      publish_time: 1_704_067_200_000_000,
      ingested_at: 1_704_067_200_000_000,
    });
  });

  it('leaves no temporary files behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'landing-'));
    await new LandingSink({ dir }).putBatch([encodeRawRecord(raw('a', '1'))]);
    expect(readdirSync(join(dir, 'a')).every((n) => n.endsWith('.jsonl'))).toBe(true);
  });

  it('fails with a RetryableError when it cannot write', async () => {
    // A folder below a regular file cannot be created, even as root.
    const blocked = new LandingSink({ dir: join(import.meta.filename, 'x') });
    await expect(blocked.putBatch([encodeRawRecord(raw('a', '1'))])).rejects.toBeInstanceOf(RetryableError);
  });

  it('requires a folder', () => expect(() => new LandingSink({ dir: '' })).toThrow(ConfigError));
});

describe('Class: FileQuarantine (real files)', () => {
  it('writes entries under their claimed topic, unknown ones under _unknown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quarantine-'));
    const entry = (topic: string | null, reason: QuarantineEntry['reason']): QuarantineEntry => ({
      body: '{bad',
      reason,
      topic,
      queue: 'q',
      receive_count: 1,
      source_message_id: 'm',
      quarantined_at: '2024-01-01T00:00:00.000000Z',
    });
    await new FileQuarantine({ dir }).put([
      entry('telemetry', 'too_large'),
      entry(null, 'invalid_json'),
      entry('../etc', 'unknown_topic'),
    ]);
    expect(readdirSync(dir).sort()).toEqual(['_unknown', 'telemetry']);
    const files = await listJsonlFiles(dir);
    const lines = files.flatMap((f) => readFileSync(f, 'utf8').trim().split('\n')).map((l) => JSON.parse(l).reason);
    expect(lines.sort()).toEqual(['invalid_json', 'too_large', 'unknown_topic']);
  });
});

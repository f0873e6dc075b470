// scratch: build a lake file with 1M curated + committed 1M increment (not curated)
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { SnapshotRef } from '@lean-ops/core';
import { DuckDbLake } from '../src/index.js';
const ROWS = 1_000_000;
const dir = '/tmp/lakefix';
mkdirSync(dir, { recursive: true });
const rawSelect = (range: string, minute: string, publishSecond: string) => `
  SELECT 'telemetry' AS topic, 'k' || i AS idempotency_key, 'dev-' || (i % 5000) AS device_id,
    strftime(TIMESTAMP '2024-03-01 10:00:00' + to_minutes(${minute}), '%Y-%m-%dT%H:%M:%S.%fZ') AS event_timestamp,
    strftime(TIMESTAMP '2024-03-01 12:00:00' + to_seconds(${publishSecond}), '%Y-%m-%dT%H:%M:%S.%fZ') AS publish_time,
    '2024-03' AS period_reference,
    json_object('topic', 'telemetry', 'device_id', 'dev-' || (i % 5000), 'event_timestamp', 0, 'payload',
      json_object('temperature', 15 + (i % 200) / 10.0, 'humidity', i % 100, 'status', CASE WHEN i % 97 = 0 THEN 'warn' ELSE 'ok' END))::VARCHAR AS json_payload,
    '2024-03-01T12:00:05.000000Z' AS ingested_at, 'msg-' || i || '-' || ${minute} AS source_message_id
  FROM ${range}`;
async function gen(path: string, select: string) {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (${select}) TO '${path}' (FORMAT JSON)`);
  c.closeSync(); db.closeSync();
}
const lake = await DuckDbLake.open({ path: join(dir, 'lake.duckdb'), memoryLimit: '512MB' });
await lake.ensureTopic('telemetry');
await gen(join(dir, 'existing.jsonl'), rawSelect(`range(${ROWS}) t(i)`, '0', '0'));
const s1 = (await lake.commitRawFiles('telemetry', [join(dir, 'existing.jsonl')])) as SnapshotRef;
await lake.runCuration('telemetry', null, s1);
const fresh = 700000, newer = 100000, dups = 200000;
await gen(join(dir, 'increment.jsonl'), `${rawSelect(`range(${ROWS}, ${ROWS + fresh}) t(i)`, '5', '10')}
     UNION ALL ${rawSelect(`range(0, ${newer}) t(i)`, '30', '20')}
     UNION ALL ${rawSelect(`range(${ROWS}, ${ROWS + dups}) t(i)`, '5', '10')}`);
const s2 = await lake.commitRawFiles('telemetry', [join(dir, 'increment.jsonl')]);
console.log(s1, s2);
await lake.close();

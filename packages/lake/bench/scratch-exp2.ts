import { copyFileSync, rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { DUCKDB } from '../src/sql/dialect.js';
import { columnsOfKeys, payloadColumnSelect } from '../src/sql/payload-columns.js';
import { renderJob } from '../src/sql/render.js';
const variant = process.argv[2] ?? 'A';
const settings = process.argv[3] ?? '';
const path = '/tmp/lakefix/run.duckdb';
rmSync(path, { force: true }); rmSync(`${path}.wal`, { force: true });
copyFileSync('/tmp/lakefix/lake.duckdb', path);
let peak = 0; let phasePeak = 0;
setInterval(() => { const r = process.memoryUsage().rss; peak = Math.max(peak, r); phasePeak = Math.max(phasePeak, r); }, 10).unref();
const db = await DuckDBInstance.create(path);
const c = await db.connect();
const log: string[] = [];
async function run(sql: string, label = sql.replace(/\s+/g, ' ').slice(0, 70)) {
  phasePeak = 0;
  const t = performance.now();
  const r = await c.runAndReadAll(sql);
  const ms = performance.now() - t;
  log.push(`${ms.toFixed(0).padStart(6)} ms rss ${(Math.max(phasePeak, process.memoryUsage().rss) / 1048576).toFixed(0).padStart(5)} MB  ${label}`);
  return { ms, rows: r.getRows() };
}
await run(`SET TimeZone = 'UTC'; SET memory_limit = '512MB'; ${settings}`);
await run('CREATE TABLE main.ceiling AS SELECT * EXCLUDE (_snapshot_seq) FROM raw.telemetry_staging LIMIT 0');
const ceil = await run('INSERT INTO main.ceiling SELECT * EXCLUDE (_snapshot_seq) FROM raw.telemetry_staging WHERE _snapshot_seq = 3', 'CEILING');
const t0 = performance.now();
await run('BEGIN TRANSACTION');
await run('CREATE OR REPLACE TEMP VIEW raw_increment AS SELECT * FROM raw.telemetry_staging WHERE _snapshot_seq > 1 AND _snapshot_seq <= 3');
await run(renderJob('curation_parse', DUCKDB));
if (variant !== 'nomat') {
  await run('CREATE OR REPLACE TEMP TABLE curation_parsed_rows AS SELECT * REPLACE (CASE WHEN payload_map IS NULL THEN json_payload END AS json_payload) FROM curation_parsed; CREATE OR REPLACE TEMP VIEW curation_parsed AS SELECT * FROM curation_parsed_rows', 'materialise parsed');
}
const keys = (await run(renderJob('curation_keys', DUCKDB))).rows.map((r) => String(r[0]));
const cols = columnsOfKeys(keys);
const existing = ['humidity', 'status', 'temperature'];
await run(renderJob('curation_batch', DUCKDB, { raw_seq: '3', payload_columns: payloadColumnSelect(DUCKDB, existing, cols) }));
await run(`INSERT INTO curated.telemetry_rejects SELECT idempotency_key, device_id, source_message_id, json_payload, reason, now(), 3 FROM (${renderJob('curation_rejects', DUCKDB)})`);
let written = 0;
const wins = JSON.parse((await import('node:fs')).readFileSync('jobs/sql/dialects.json', 'utf8')).incoming_wins;
if (variant === 'A' || variant === 'nomat') {
  { await run("PRAGMA enable_profiling='query_tree_optimizer'; SET profiling_output='/tmp/prof/merge.txt'"); written = Number((await run(renderJob('curation_merge', DUCKDB, { curated_table: 'curated.telemetry' }), 'MERGE')).rows[0]?.[0]); await run('PRAGMA disable_profiling'); }
} else if (variant === 'B') {
  // materialise batch, then UPDATE winners, INSERT new
  await run('CREATE OR REPLACE TEMP TABLE batch_rows AS SELECT * FROM curation_batch', 'materialise batch');
  const u = await run(`UPDATE curated.telemetry AS t SET topic = s.topic, device_id = s.device_id, event_timestamp = s.event_timestamp, publish_time = s.publish_time, period_reference = s.period_reference, ingested_at = s.ingested_at, source_message_id = s.source_message_id, _raw_seq = s._raw_seq, humidity = s.humidity, status = s.status, temperature = s.temperature FROM batch_rows AS s WHERE t.idempotency_key = s.idempotency_key AND ${wins}`, 'UPDATE');
  const i = await run('INSERT INTO curated.telemetry BY NAME SELECT s.* FROM batch_rows AS s ANTI JOIN curated.telemetry AS t ON t.idempotency_key = s.idempotency_key', 'INSERT new');
  written = Number(u.rows[0]?.[0]) + Number(i.rows[0]?.[0]);
} else if (variant === 'C') {
  // winners table, DELETE replaced, INSERT all winners
  await run(`CREATE OR REPLACE TEMP TABLE win_rows AS ${renderJob('winners', DUCKDB, { source: 'curation_batch', target: 'curated.telemetry' })}`, 'winners');
  await run('DELETE FROM curated.telemetry AS t USING win_rows AS s WHERE t.idempotency_key = s.idempotency_key', 'DELETE');
  written = Number((await run('INSERT INTO curated.telemetry BY NAME SELECT * FROM win_rows', 'INSERT winners')).rows[0]?.[0]);
} else if (variant === 'D') {
  // MERGE from materialised batch
  await run('CREATE OR REPLACE TEMP TABLE batch_rows AS SELECT * FROM curation_batch; CREATE OR REPLACE TEMP VIEW curation_batch AS SELECT * FROM batch_rows', 'materialise batch');
  { await run("PRAGMA enable_profiling='query_tree_optimizer'; SET profiling_output='/tmp/prof/merge.txt'"); written = Number((await run(renderJob('curation_merge', DUCKDB, { curated_table: 'curated.telemetry' }), 'MERGE')).rows[0]?.[0]); await run('PRAGMA disable_profiling'); }
}
await run('COMMIT');
const cur = (performance.now() - t0);
const n = (await run('SELECT count(*) FROM curated.telemetry')).rows[0]?.[0];
console.log(log.join('\n'));
console.log(JSON.stringify({ variant, settings, written, curated: Number(n), ceiling_ms: Math.round(ceil.ms), curation_ms: Math.round(cur), ratio: +(ceil.ms / cur).toFixed(3), peak_mb: Math.round(peak / 1048576) }));
c.closeSync(); db.closeSync();

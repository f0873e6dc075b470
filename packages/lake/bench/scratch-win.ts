import { copyFileSync, rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { DUCKDB } from '../src/sql/dialect.js';
import { renderJob } from '../src/sql/render.js';
const path = '/tmp/lakefix/win.duckdb';
rmSync(path, { force: true }); copyFileSync('/tmp/lakefix/lake.duckdb', path);
const db = await DuckDBInstance.create(path);
const c = await db.connect();
const run = async (label: string, sql: string) => { const t = performance.now(); const r = await c.runAndReadAll(sql); console.log(label.padEnd(14), (performance.now() - t).toFixed(0).padStart(6), 'ms', JSON.stringify(r.getRows()[0]?.map(String))); };
await run('set', `SET TimeZone='UTC'; SET memory_limit='512MB'; BEGIN TRANSACTION; CREATE OR REPLACE TEMP VIEW raw_increment AS SELECT * FROM raw.telemetry_staging WHERE _snapshot_seq > 1 AND _snapshot_seq <= 3`);
await run('parse', renderJob('curation_parse', DUCKDB));
await run('mat', 'CREATE OR REPLACE TEMP TABLE curation_parsed_rows AS SELECT * REPLACE (CASE WHEN payload_map IS NULL THEN json_payload END AS json_payload) FROM curation_parsed; CREATE OR REPLACE TEMP VIEW curation_parsed AS SELECT * FROM curation_parsed_rows');
const order = 'ORDER BY event_timestamp DESC, publish_time DESC, source_message_id DESC';
for (let rep = 0; rep < 2; rep++) {
await run('window', `CREATE OR REPLACE TEMP TABLE b1 AS SELECT * EXCLUDE (version_rank) FROM (SELECT p.*, ROW_NUMBER() OVER (PARTITION BY idempotency_key ${order}) AS version_rank FROM curation_parsed p WHERE payload_map IS NOT NULL) WHERE version_rank = 1; SELECT count(*) FROM b1`);
await run('qualify', `CREATE OR REPLACE TEMP TABLE b2 AS SELECT * FROM curation_parsed p WHERE payload_map IS NOT NULL QUALIFY ROW_NUMBER() OVER (PARTITION BY idempotency_key ${order}) = 1; SELECT count(*) FROM b2`);
await run('argmax', `CREATE OR REPLACE TEMP TABLE b3 AS SELECT unnest(arg_max(p, (event_timestamp, publish_time, source_message_id))) FROM curation_parsed p WHERE payload_map IS NOT NULL GROUP BY idempotency_key; SELECT count(*) FROM b3`);
await run('slim+join', `CREATE OR REPLACE TEMP TABLE b4 AS SELECT p.* FROM curation_parsed_rows p SEMI JOIN (SELECT rowid AS rid FROM curation_parsed_rows WHERE payload_map IS NOT NULL QUALIFY ROW_NUMBER() OVER (PARTITION BY idempotency_key ${order}) = 1) w ON p.rowid = w.rid; SELECT count(*) FROM b4`);
await run('nomap-window', `CREATE OR REPLACE TEMP TABLE b5 AS SELECT * EXCLUDE (version_rank) FROM (SELECT p.* EXCLUDE (payload_map), ROW_NUMBER() OVER (PARTITION BY idempotency_key ${order}) AS version_rank FROM curation_parsed p WHERE payload_map IS NOT NULL) WHERE version_rank = 1; SELECT count(*) FROM b5`);
}

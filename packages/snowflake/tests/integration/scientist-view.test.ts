import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { SemanticSchema } from '@lean-ops/core';
import { DUCKDB, renderJob, semanticTableColumns } from '@lean-ops/lake';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runVenv } from '../../../../tests/snowflake/python.js';
import { renderScientistView, scientistViewStatement } from '../../src/index.js';

const schema: SemanticSchema = {
  version: 1,
  columns: [{ name: 'temperature', type: 'double', required: false }],
} as SemanticSchema;
const columns = semanticTableColumns(schema);

/**
 * Versions of three keys: k1's newest wins on event_timestamp; k2's versions tie on
 * event_timestamp and publish_time, source_message_id decides; k3 is one message delivered
 * twice (identical rows) plus an older version; k4 has one version.
 */
const ROWS: readonly (readonly [string, string, string, string, string, string, number | null])[] = [
  ['k1', 'd1', '2026-01-01 00:00:00', '2026-01-01 00:00:05', '2026-01', 'm1', 1.5],
  ['k1', 'd1', '2026-01-01 00:00:01', '2026-01-01 00:00:02', '2026-01', 'm2', 2.5],
  ['k2', 'd2', '2026-01-02 00:00:00', '2026-01-02 00:00:00', '2026-01', 'm3', 3.5],
  ['k2', 'd2', '2026-01-02 00:00:00', '2026-01-02 00:00:00', '2026-01', 'm4', 4.5],
  ['k2', 'd2', '2026-01-02 00:00:00', '2026-01-02 00:00:01', '2026-01', 'm0', 5.5],
  ['k3', 'd3', '2026-01-03 00:00:00', '2026-01-03 00:00:00', '2026-01', 'm5', 6.5],
  ['k3', 'd3', '2026-01-03 00:00:00', '2026-01-03 00:00:00', '2026-01', 'm5', 6.5],
  ['k3', 'd3', '2026-01-02 23:59:59', '2026-01-03 00:00:09', '2026-01', 'm9', 7.5],
  ['k4', 'd4', '2026-01-04 00:00:00', '2026-01-04 00:00:00', '2026-01', 'm6', null],
];

const sqlValue = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v}'`);
const values = ROWS.map((r) => `(${r.map(sqlValue).join(', ')})`).join(', ');
const types = ['VARCHAR', 'VARCHAR', 'TIMESTAMP', 'TIMESTAMP', 'VARCHAR', 'VARCHAR', 'DOUBLE'];
const tableColumns = (quote: (c: string) => string, timestamp: string) =>
  columns.map((c, i) => `${quote(c)} ${types[i] === 'TIMESTAMP' ? timestamp : types[i]}`).join(', ');

/** Rows as sorted text tuples: timestamps ISO with a `T`, doubles as JS prints them. */
const normalise = (rows: readonly (readonly unknown[])[]) =>
  rows
    .map((row) =>
      row.map((v) =>
        v === null
          ? null
          : String(v)
              .replace(' ', 'T')
              .replace(/\.0$/, '')
              .replace(/(T\d\d:\d\d:\d\d)$/, '$1'),
      ),
    )
    .map((row) => JSON.stringify(row))
    .sort();

async function duckDbRows(): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE TABLE t (${tableColumns(DUCKDB.quote, 'TIMESTAMP')})`);
    await connection.run(`INSERT INTO t VALUES ${values}`);
    await connection.run(
      renderJob('scientist_view', DUCKDB, { view_name: 'v', newest_per_key: DUCKDB.newestPerKey('t', columns) }),
    );
    const reader = await connection.runAndReadAll('SELECT * FROM v');
    return normalise(reader.getRows().map((row) => row.map((v) => (v === null ? null : String(v)))));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Runs statements and a query on fakesnow. Its transpiler (sqlglot) reports the one clause it
 * drops, `COPY GRANTS` (DuckDB has no grants); any other message on stderr fails the test.
 */
function onFakesnow(request: { statements: string[]; query: string }): { columns: string[]; rows: string[] } {
  const run = runVenv('python', [join(REPO_ROOT, 'tests/snowflake/run_on_fakesnow.py')], JSON.stringify(request));
  const stderr = run.stderr
    .replace(/^.*UserWarning.*\n.*\n?/gm, '')
    .replace(/^Unsupported property copygrantsproperty\n/gm, '');
  expect(stderr).toBe('');
  expect(run.status).toBe(0);
  const out = JSON.parse(run.stdout) as { columns: string[]; rows: (string | null)[][] };
  return { columns: out.columns, rows: normalise(out.rows) };
}

const snowflakeQuote = (c: string) => `"${c}"`;

function fakesnowRows(): { columns: string[]; rows: string[] } {
  const request = {
    statements: [
      'CREATE DATABASE LEAN_OPS',
      'CREATE SCHEMA LEAN_OPS.SEMANTIC',
      // A plain table stands in for the Iceberg table (fakesnow runs no Iceberg DDL), with the catalog's lower-case names.
      `CREATE TABLE LEAN_OPS.SEMANTIC.TELEMETRY (${tableColumns(snowflakeQuote, 'TIMESTAMP_NTZ')})`,
      `INSERT INTO LEAN_OPS.SEMANTIC.TELEMETRY VALUES ${values}`,
      renderScientistView('LEAN_OPS.SEMANTIC.TELEMETRY_SCIENTIST_VIEW', 'LEAN_OPS.SEMANTIC.TELEMETRY', columns),
    ],
    query: 'SELECT * FROM LEAN_OPS.SEMANTIC.TELEMETRY_SCIENTIST_VIEW',
  };
  return onFakesnow(request);
}

describe('the Scientist View in Snowflake’s dialect (fakesnow stands in for Snowflake)', () => {
  it('returns the same rows as the DuckDB view over duplicates and ties', async () => {
    const duck = await duckDbRows();
    const snow = fakesnowRows();
    expect(snow.rows).toEqual(duck);
    // One row per key, and the winners the contract's order picks.
    expect(duck.map((r) => (JSON.parse(r) as string[])[5])).toEqual(['m2', 'm0', 'm5', 'm6']);
  });

  it('names the view’s columns upper case, unquoted-friendly, in table order', () => {
    expect(fakesnowRows().columns).toEqual(columns.map((c) => c.toUpperCase()));
  });

  it('after a column is added, the view created again for the new schema (COPY GRANTS) shows it', () => {
    const v2: SemanticSchema = {
      ...schema,
      version: 2,
      columns: [...schema.columns, { name: 'humidity', type: 'double', required: false }],
    } as SemanticSchema;
    const section = { database: 'LEAN_OPS', schema: 'SEMANTIC' };
    const before = scientistViewStatement(section, 'telemetry', schema);
    const after = scientistViewStatement(section, 'telemetry', v2);
    const { columns: names, rows } = onFakesnow({
      statements: [
        'CREATE DATABASE LEAN_OPS',
        'CREATE SCHEMA LEAN_OPS.SEMANTIC',
        `CREATE TABLE LEAN_OPS.SEMANTIC.TELEMETRY (${tableColumns(snowflakeQuote, 'TIMESTAMP_NTZ')})`,
        before.sql,
        // The refreshed Iceberg table has the new column (a plain table stands in).
        'ALTER TABLE LEAN_OPS.SEMANTIC.TELEMETRY ADD COLUMN "humidity" DOUBLE',
        `INSERT INTO LEAN_OPS.SEMANTIC.TELEMETRY VALUES ('k1', 'd1', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01', 'm1', 1.5, 40.5)`,
        after.sql,
      ],
      query: `SELECT * FROM ${after.view}`,
    });
    expect(after.view).toBe('LEAN_OPS.SEMANTIC.TELEMETRY_SCIENTIST_VIEW');
    expect(names).toEqual([...columns.map((c) => c.toUpperCase()), 'HUMIDITY']);
    expect(rows).toEqual([
      JSON.stringify(['k1', 'd1', '2026-01-01T00:00:00', '2026-01-01T00:00:00', '2026-01', 'm1', '1.5', '40.5']),
    ]);
  });
});

import { parseSemanticSchema, type SnapshotRef } from '@lean-ops/core';
import { afterEach, describe, expect, it } from 'vitest';
import { DUCKDB, type DuckDbLake, renderJob, SPARK } from '../../src/index.js';
import { DIALECTS_FILE } from '../../src/sql/dialect.js';
import { TABLE_COLUMNS } from '../../src/sql/table-columns.js';
import { event, lakeWithLanding, rawOf } from '../helpers/raw-fixtures.js';

/** A column as both engines can be compared: its name and its semantic type. */
interface Column {
  readonly name: string;
  readonly type: string;
}

/** The semantic type of an engine's column type (the inverse of dialects.json's `types`). */
function semanticTypeOf(engine: 'duckdb' | 'spark', sqlType: string): string {
  const normalised = sqlType === 'TIMESTAMP WITH TIME ZONE' ? 'TIMESTAMPTZ' : sqlType;
  const found = Object.entries(DIALECTS_FILE.dialects[engine].types).find(([, t]) => t === normalised);
  if (!found) throw new Error(`${engine} type ${sqlType} is no semantic type`);
  return found[0];
}

/** The columns an Iceberg DDL template creates, as Spark would. */
function icebergColumns(template: string): Column[] {
  const sql = renderJob(template, SPARK, { table: 't' });
  const body = sql.slice(sql.indexOf('(\n') + 2, sql.indexOf('\n)\nUSING iceberg'));
  return body.split(',\n').map((line) => {
    const match = /^ {2}`([^`]+)` ([A-Z]+)$/.exec(line);
    if (!match) throw new Error(`not a column definition: ${line}`);
    return { name: match[1] as string, type: semanticTypeOf('spark', match[2] as string) };
  });
}

const TOPIC = 'telemetry';

describe('the DuckDB tables and the Iceberg DDL (real DuckDB file)', () => {
  let lake: DuckDbLake | undefined;
  afterEach(async () => {
    await lake?.close();
  });

  /** The columns of a table DuckDB created, in table order. */
  async function duckdbColumns(schema: string, table: string): Promise<Column[]> {
    const rows = await (lake as DuckDbLake).query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ${DUCKDB.literal(schema)} AND table_name = ${DUCKDB.literal(table)} ORDER BY ordinal_position`,
    );
    return rows.map((r) => ({ name: r.column_name, type: semanticTypeOf('duckdb', r.data_type) }));
  }

  it('have the same columns, in the same order, with the same types, per table', async () => {
    const h = await lakeWithLanding();
    lake = h.lake;
    // Every table exists once a record went through curation and the semantic job.
    const raw = (await h.append([rawOf(event('k1', '2024-03-01T10:00:00Z', { temperature: 21.5 }), 0)])) as SnapshotRef;
    const { curated_snapshot } = await lake.runCuration(TOPIC, null, raw);
    const schema = parseSemanticSchema({
      topic: TOPIC,
      version: 1,
      columns: [{ name: 'temperature', type: 'double' }],
    });
    await lake.runSemantic(TOPIC, null, curated_snapshot, schema);

    // What DuckDB adds beyond the shared columns: its RAW snapshot column, the payload
    // columns curation added, the declared columns of the semantic schema.
    const tables = [
      { template: 'raw', schema: 'raw', table: `${TOPIC}_staging`, extra: [{ name: '_snapshot_seq', type: 'long' }] },
      { template: 'curated', schema: 'curated', table: TOPIC, extra: [{ name: 'temperature', type: 'string' }] },
      { template: 'curated_rejects', schema: 'curated', table: `${TOPIC}_rejects`, extra: [] },
      { template: 'semantic', schema: 'semantic', table: TOPIC, extra: [{ name: 'temperature', type: 'double' }] },
      { template: 'semantic_rejects', schema: 'semantic', table: `${TOPIC}_semantic_rejects`, extra: [] },
    ];
    for (const t of tables) {
      const iceberg = icebergColumns(`iceberg_ddl_${t.template}`);
      expect(iceberg.map((c) => c.name)).toEqual(
        TABLE_COLUMNS[t.template as keyof typeof TABLE_COLUMNS].map((c) => c.name),
      );
      expect(await duckdbColumns(t.schema, t.table), t.template).toEqual([...iceberg, ...t.extra]);
    }
  });
});

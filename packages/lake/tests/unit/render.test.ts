import { CURATED_METADATA_COLUMNS, parseSemanticSchema, RAW_COLUMNS, SEMANTIC_METADATA_COLUMNS } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import {
  columnsOfKeys,
  DUCKDB,
  payloadColumnSelect,
  render,
  renderJob,
  SPARK,
  semanticSelect,
} from '../../src/index.js';

describe('Module: SQL rendering — the one place the dialects differ', () => {
  it('renders the dialect placeholders of the MERGE per engine', () => {
    const duck = renderJob('curation_merge', DUCKDB, { curated_table: 'curated."t"' });
    const spark = renderJob('curation_merge', SPARK, { curated_table: 'lake.curated.t' });
    expect(duck).toMatch(/THEN UPDATE BY NAME\nWHEN NOT MATCHED THEN INSERT BY NAME/);
    expect(spark).toMatch(/THEN UPDATE SET \*\nWHEN NOT MATCHED THEN INSERT \*/);
    expect(duck.replace(/UPDATE BY NAME|INSERT BY NAME|curated\."t"/g, '')).toBe(
      spark.replace(/UPDATE SET \*|INSERT \*|lake\.curated\.t/g, ''),
    );
  });

  it('creates the Iceberg tables with the metadata columns the contract lists, in its order', () => {
    const columns = (job: string) =>
      [...renderJob(job, SPARK, { table: 't' }).matchAll(/^ {2}`([a-z_]+)` [A-Z]+,?$/gm)].map((m) => m[1]);

    expect(columns('iceberg_ddl_raw')).toEqual([...RAW_COLUMNS]);
    expect(columns('iceberg_ddl_curated')).toEqual([...CURATED_METADATA_COLUMNS, '_raw_seq']);
    expect(columns('iceberg_ddl_semantic')).toEqual([...SEMANTIC_METADATA_COLUMNS]);
  });

  it('renders the columns of a table with the types of each engine', () => {
    const spark = renderJob('iceberg_ddl_curated_rejects', SPARK, { table: 't' });
    expect(spark).toContain(
      'CREATE TABLE IF NOT EXISTS t (\n  `idempotency_key` STRING,\n  `device_id` STRING,\n  `source_message_id` STRING,\n  `json_payload` STRING,\n  `reason` STRING,\n  `rejected_at` TIMESTAMP,\n  `_raw_seq` BIGINT\n)\nUSING iceberg',
    );
    const duck = renderJob('duckdb_ddl_curated_rejects', DUCKDB, { table: 't' });
    expect(duck).toMatch(/"rejected_at" TIMESTAMPTZ,\n {2}"_raw_seq" BIGINT\n\)\n$/);
    expect(() => render('{{columns:nope}}', DUCKDB)).toThrow(/\{\{columns:nope\}\} has no value for duckdb/);
  });

  it('quotes identifiers and escapes literals per engine', () => {
    expect(DUCKDB.quote('a"b')).toBe('"a""b"');
    expect(SPARK.quote('a`b')).toBe('`a``b`');
    expect(DUCKDB.literal("it's")).toBe("'it''s'");
    expect(SPARK.literal("it's \\")).toBe("'it\\'s \\\\'");
    expect(render('{{q:_raw_seq}}', SPARK)).toBe('`_raw_seq`');
  });

  it('fails on a placeholder without a value instead of rendering blank', () =>
    expect(() => renderJob('curation_batch', DUCKDB)).toThrow(/\{\{raw_seq\}\} has no value for duckdb/));

  it('renders the Scientist View with QUALIFY on DuckDB and a subquery on Spark', () => {
    expect(DUCKDB.newestPerKey('curated."t"', ['idempotency_key', 'v'])).toMatch(
      /QUALIFY ROW_NUMBER\(\) OVER \(PARTITION BY idempotency_key ORDER BY event_timestamp DESC, publish_time DESC, source_message_id DESC\) = 1/,
    );
    const spark = SPARK.newestPerKey('curated.t', ['idempotency_key', 'v']);
    expect(spark).not.toMatch(/QUALIFY/);
    expect(spark).toMatch(/WHERE version_rank = 1$/);
  });

  it('maps colliding payload keys to one column, first key in UTF-16 order first', () => {
    const columns = columnsOfKeys(['temp', 'Temp', 'TEMP', 'device_id']);
    expect([...columns]).toEqual([
      ['temp', ['TEMP', 'Temp', 'temp']],
      ['payload_device_id', ['device_id']],
    ]);
    expect(payloadColumnSelect(SPARK, ['temp', 'other'], columns)).toBe(
      ",\n  COALESCE(payload_map['TEMP'], payload_map['Temp'], payload_map['temp']) AS `temp`,\n  CAST(NULL AS STRING) AS `other`",
    );
    // DuckDB converts each JSON value to the contract's text before COALESCE, so a JSON null does not hide the next key.
    expect(payloadColumnSelect(DUCKDB, ['temp'], columns)).toMatch(
      /^,\n {2}COALESCE\(CASE json_type\(payload_map\['TEMP'\]\) WHEN 'VARCHAR'/,
    );
    expect(payloadColumnSelect(SPARK, [], columns)).toBe('');
  });

  it('guards casts with the shared patterns in both dialects', () => {
    const schema = parseSemanticSchema({
      topic: 't',
      version: 1,
      columns: [{ name: 'n', type: 'long', required: true }],
    });
    const duck = semanticSelect(DUCKDB, schema, new Set(['n']));
    const spark = semanticSelect(SPARK, schema, new Set(['n']));
    expect(duck.reason).toContain('WHEN c."n" IS NULL THEN \'missing_required:n\'');
    expect(duck.typed).toContain('regexp_full_match(c."n", \'-?[0-9]{1,19}\')');
    expect(spark.typed).toContain("(c.`n` RLIKE '^(?:-?[0-9]{1,19})$')");
    expect(semanticSelect(DUCKDB, schema, new Set()).typed).toContain('CAST(NULL AS BIGINT)');
  });
});

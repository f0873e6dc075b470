/**
 * Renders job SQL with the TypeScript implementation for the Spark dialect, so
 * tests/spark/test_glue_sql.py can check that jobs/glue/lean_ops_jobs/sql.py renders the
 * same text (the two must agree on naming, quoting, escaping and select-list shapes).
 *
 *   node --import tsx tests/conformance/render-sql.ts <request.json>
 *
 * Request: { names, keys, all_columns, schema, curated_columns, templates: [{ name, values }],
 * newest: { table, columns }, full_match: [{ expr, regex }] }. Prints the renderings as JSON.
 */
import { readFileSync } from 'node:fs';
import { curatedColumnName, parseSemanticSchema } from '@lean-ops/core';
import {
  columnsOfKeys,
  payloadColumnSelect,
  renderJob,
  SPARK,
  semanticSelect,
  semanticTableColumns,
} from '@lean-ops/lake';

interface RenderRequest {
  readonly names: string[];
  readonly keys: string[];
  readonly all_columns: string[];
  readonly schema: unknown;
  readonly curated_columns: string[];
  readonly templates: { name: string; values: Record<string, string> }[];
  readonly newest: { table: string; columns: string[] };
  readonly full_match: { expr: string; regex: string }[];
  readonly literals: string[];
  readonly identifiers: string[];
}

const path = process.argv[2];
if (!path) throw new Error('usage: render-sql.ts <request.json>');
const request = JSON.parse(readFileSync(path, 'utf8')) as RenderRequest;
const schema = parseSemanticSchema(request.schema);
const batchColumns = columnsOfKeys(request.keys);
const out = {
  column_names: request.names.map((n) => curatedColumnName(n)),
  columns_of_keys: [...batchColumns],
  payload_column_select: payloadColumnSelect(SPARK, request.all_columns, batchColumns),
  semantic_select: semanticSelect(SPARK, schema, new Set(request.curated_columns)),
  semantic_table_columns: semanticTableColumns(schema),
  templates: Object.fromEntries(request.templates.map((t) => [t.name, renderJob(t.name, SPARK, t.values)])),
  newest_per_key: SPARK.newestPerKey(request.newest.table, request.newest.columns),
  full_match: request.full_match.map((f) => SPARK.fullMatch(f.expr, f.regex)),
  literals: request.literals.map((l) => SPARK.literal(l)),
  identifiers: request.identifiers.map((i) => SPARK.quote(i)),
};
process.stdout.write(`${JSON.stringify(out)}\n`);

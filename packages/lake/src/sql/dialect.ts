import type { SemanticType } from '@lean-ops/core';

/**
 * Everything that differs between the two lake engines' SQL, in one place. The job SQL
 * in `jobs/sql/` uses placeholders; a dialect fills them.
 */
export interface Dialect {
  readonly name: 'duckdb' | 'spark';
  /** A quoted identifier. */
  quote(identifier: string): string;
  /** A string literal. */
  literal(text: string): string;
  /** Expression of `json_payload`'s payload as MAP<STRING,STRING> of contract §4 values; NULL when not an object. */
  readonly payloadMap: string;
  readonly updateAll: string;
  readonly insertAll: string;
  /** One row per key of `payload_map`. */
  readonly explodeKeys: string;
  /** Newest row per idempotency key of `table`, selecting `columns`. */
  newestPerKey(table: string, columns: readonly string[]): string;
  /** A boolean expression: `expr` matches `regex` as a whole. */
  fullMatch(expr: string, regex: string): string;
  /** The engine's column type of a semantic type. */
  sqlType(type: SemanticType): string;
}

const DUCKDB_LITERAL = (text: string): string => `'${text.replaceAll("'", "''")}'`;

const ORDER = 'ORDER BY event_timestamp DESC, publish_time DESC, source_message_id DESC';

export const DUCKDB: Dialect = {
  fullMatch: (expr, regex) => `regexp_full_match(${expr}, ${DUCKDB_LITERAL(regex)})`,
  sqlType: (type) =>
    ({ string: 'VARCHAR', long: 'BIGINT', double: 'DOUBLE', boolean: 'BOOLEAN', timestamp: 'TIMESTAMPTZ' })[type],
  name: 'duckdb',
  quote: (id) => `"${id.replaceAll('"', '""')}"`,
  literal: (text) => DUCKDB_LITERAL(text),
  // JSON values become text per contract §4: strings unquoted, null as NULL, the rest as compact JSON.
  payloadMap:
    "CASE WHEN json_valid(r.json_payload) THEN map_from_entries(list_transform(map_entries(TRY_CAST(json_extract(r.json_payload, '$.payload') AS MAP(VARCHAR, JSON))), e -> {'key': e.key, 'value': CASE json_type(e.value) WHEN 'VARCHAR' THEN e.value->>'$' WHEN 'NULL' THEN NULL ELSE CAST(e.value AS VARCHAR) END})) END",
  updateAll: 'UPDATE BY NAME',
  insertAll: 'INSERT BY NAME',
  explodeKeys: 'unnest(map_keys(payload_map))',
  newestPerKey: (table, columns) =>
    `SELECT ${columns.map((c) => DUCKDB.quote(c)).join(', ')} FROM ${table}\nQUALIFY ROW_NUMBER() OVER (PARTITION BY idempotency_key ${ORDER}) = 1`,
};

export const SPARK: Dialect = {
  fullMatch: (expr, regex) => `(${expr} RLIKE ${SPARK.literal(`^(?:${regex})$`)})`,
  sqlType: (type) =>
    ({ string: 'STRING', long: 'BIGINT', double: 'DOUBLE', boolean: 'BOOLEAN', timestamp: 'TIMESTAMP' })[type],
  name: 'spark',
  quote: (id) => `\`${id.replaceAll('`', '``')}\``,
  literal: (text) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`,
  // Spark's JSON reader returns the raw JSON text of non-string values read as STRING.
  payloadMap: "from_json(r.json_payload, 'struct<payload:map<string,string>>').payload",
  updateAll: 'UPDATE SET *',
  insertAll: 'INSERT *',
  explodeKeys: 'explode(map_keys(payload_map))',
  // Spark 3.5 has neither QUALIFY nor SELECT * EXCEPT: a subquery with explicit columns.
  newestPerKey: (table, columns) => {
    const list = columns.map((c) => SPARK.quote(c)).join(', ');
    return `SELECT ${list} FROM (\n  SELECT ${list}, ROW_NUMBER() OVER (PARTITION BY idempotency_key ${ORDER}) AS version_rank\n  FROM ${table}\n) AS ranked WHERE version_rank = 1`;
  },
};

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SemanticType } from '@lean-ops/core';
import { JOBS_SQL_DIR } from './jobs-sql-dir.js';

/**
 * Everything that differs between the two lake engines' SQL. The text lives in
 * `jobs/sql/dialects.json`, read by this file and by the Glue jobs' Python, so the
 * differences are written once.
 */
export interface Dialect {
  readonly name: 'duckdb' | 'spark';
  /** A quoted identifier. */
  quote(identifier: string): string;
  /** A string literal. */
  literal(text: string): string;
  /** Expression of `json_payload`'s payload as a map keyed by payload key; NULL when not an object. */
  readonly payloadMap: string;
  /** One `payload_map` value as the contract's curated text (§4). */
  payloadValue(value: string): string;
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
  /** A timestamp from a BIGINT of UTC epoch microseconds (RAW's wire form), exact. */
  timestampOfMicros(value: string): string;
}

interface DialectSpec {
  quote: { open: string; close: string };
  literal_escape: 'double_quote' | 'backslash';
  payload_map: string;
  payload_value: string;
  update_all: string;
  insert_all: string;
  explode_keys: string;
  full_match: string;
  anchor_pattern: boolean;
  types: Record<SemanticType, string>;
  newest_per_key: string;
  timestamp_of_micros: string;
}

export interface DialectsFile {
  castable: Record<Exclude<SemanticType, 'string'>, string>;
  newest_order: string;
  /** `s` (incoming) replaces `t` (stored) under the contract's order. */
  incoming_wins: string;
  dialects: Record<'duckdb' | 'spark', DialectSpec> & { snowflake: ReaderDialectSpec };
}

/** A dialect that only reads the lake: what the Scientist View needs. */
interface ReaderDialectSpec {
  quote: { open: string; close: string };
  /** `{key}`: the quoted idempotency key; `{order}`: `newest_order` with its columns quoted. */
  newest_per_key: string;
}

/**
 * An engine that only reads the lake (Snowflake, through the Glue catalog): it renders the
 * Scientist View's newest-row-per-key rule, nothing the jobs write with.
 */
export interface ReaderDialect {
  readonly name: 'snowflake';
  quote(identifier: string): string;
  /** Newest row per idempotency key of `table`, selecting `columns`; every column quoted. */
  newestPerKey(table: string, columns: readonly string[]): string;
}

export const DIALECTS_FILE: DialectsFile = JSON.parse(
  readFileSync(join(JOBS_SQL_DIR, 'dialects.json'), 'utf8'),
) as DialectsFile;

/** Fills `{name}` placeholders of a dialect template. */
const fill = (template: string, values: Record<string, string>): string =>
  template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => values[name] ?? whole);

function dialectOf(name: 'duckdb' | 'spark'): Dialect {
  const spec = DIALECTS_FILE.dialects[name];
  const quote = (id: string) =>
    `${spec.quote.open}${id.replaceAll(spec.quote.close, spec.quote.close + spec.quote.close)}${spec.quote.close}`;
  const literal = (text: string) =>
    spec.literal_escape === 'double_quote'
      ? `'${text.replaceAll("'", "''")}'`
      : `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  return {
    name,
    quote,
    literal,
    payloadMap: spec.payload_map,
    payloadValue: (value) => fill(spec.payload_value, { value }),
    updateAll: spec.update_all,
    insertAll: spec.insert_all,
    explodeKeys: spec.explode_keys,
    fullMatch: (expr, regex) =>
      fill(spec.full_match, { expr, pattern: literal(spec.anchor_pattern ? `^(?:${regex})$` : regex) }),
    sqlType: (type) => spec.types[type],
    timestampOfMicros: (value) => fill(spec.timestamp_of_micros, { value }),
    newestPerKey: (table, columns) =>
      fill(spec.newest_per_key, { table, columns: columns.map(quote).join(', '), order: DIALECTS_FILE.newest_order }),
  };
}

export const DUCKDB: Dialect = dialectOf('duckdb');
export const SPARK: Dialect = dialectOf('spark');

/** `newest_order` with each ordering column quoted (`ORDER BY "a" DESC, "b" DESC`). */
export function quoteOrderColumns(order: string, quote: (identifier: string) => string): string {
  const match = /^ORDER BY (.+)$/.exec(order);
  const terms = match?.[1]?.split(', ') ?? [];
  const quoted = terms.map((term) => {
    const parts = /^([a-z_][a-z0-9_]*) (ASC|DESC)$/.exec(term);
    if (!parts?.[1] || !parts[2])
      throw new Error(`newest_order term ${JSON.stringify(term)} is not "<column> ASC|DESC"`);
    return `${quote(parts[1])} ${parts[2]}`;
  });
  if (quoted.length === 0)
    throw new Error(`newest_order ${JSON.stringify(order)} is not "ORDER BY <column> ASC|DESC, …"`);
  return `ORDER BY ${quoted.join(', ')}`;
}

function readerDialectOf(name: 'snowflake'): ReaderDialect {
  const spec = DIALECTS_FILE.dialects[name];
  const quote = (id: string) =>
    `${spec.quote.open}${id.replaceAll(spec.quote.close, spec.quote.close + spec.quote.close)}${spec.quote.close}`;
  const order = quoteOrderColumns(DIALECTS_FILE.newest_order, quote);
  return {
    name,
    quote,
    newestPerKey: (table, columns) =>
      fill(spec.newest_per_key, {
        table,
        columns: columns.map(quote).join(', '),
        key: quote('idempotency_key'),
        order,
      }),
  };
}

export const SNOWFLAKE: ReaderDialect = readerDialectOf('snowflake');

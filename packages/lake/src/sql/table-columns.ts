import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SemanticType } from '@lean-ops/core';
import type { Dialect } from './dialect.js';
import { JOBS_SQL_DIR } from './jobs-sql-dir.js';

/** The tables every topic has in the lake, in both engines. */
export type LakeTable = 'raw' | 'curated' | 'curated_rejects' | 'semantic' | 'semantic_rejects';

export interface TableColumn {
  readonly name: string;
  readonly type: SemanticType;
}

const LAKE_TABLES: readonly LakeTable[] = ['raw', 'curated', 'curated_rejects', 'semantic', 'semantic_rejects'];

/**
 * `jobs/sql/table_columns.json`: the columns of each lake table, in table order, read by
 * this file and by the Glue jobs' Python so that both engines create the same tables.
 */
export const TABLE_COLUMNS: Readonly<Record<LakeTable, readonly TableColumn[]>> = JSON.parse(
  readFileSync(join(JOBS_SQL_DIR, 'table_columns.json'), 'utf8'),
);

const isLakeTable = (name: string): name is LakeTable => (LAKE_TABLES as readonly string[]).includes(name);

/**
 * The column definitions of `table` (`{{columns:<table>}}` in the DDL templates): one
 * indented line per column, the quoted name and the dialect's type, comma-separated.
 * Undefined for a name that is not a lake table.
 */
export function columnDefinitions(dialect: Dialect, table: string): string | undefined {
  if (!isLakeTable(table)) return undefined;
  return TABLE_COLUMNS[table].map((c) => `  ${dialect.quote(c.name)} ${dialect.sqlType(c.type)}`).join(',\n');
}

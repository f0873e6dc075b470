import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type SemanticSchema,
  type SnowflakeNaming,
  snowflakeScientistView,
  snowflakeSemanticTable,
  type ViewStatement,
} from '@lean-ops/core';
import { JOBS_SQL_DIR, SNOWFLAKE, semanticTableColumns } from '@lean-ops/lake';

/**
 * `jobs/sql/scientist_view.sql` in Snowflake's dialect: the newest row per idempotency key
 * of `table`. The Iceberg table's columns keep the catalog's lower case (quoted); the view
 * names them upper case, so analysts query it like any Snowflake table. `COPY GRANTS`: a
 * replaced view keeps the grants of the one it replaces (the analyst role's `SELECT`).
 */
export function renderScientistView(view: string, table: string, columns: readonly string[]): string {
  const values: Record<string, string> = {
    view_name: `${view} (${columns.map((c) => SNOWFLAKE.quote(c.toUpperCase())).join(', ')}) COPY GRANTS`,
    newest_per_key: SNOWFLAKE.newestPerKey(table, columns),
  };
  const template = readFileSync(join(JOBS_SQL_DIR, 'scientist_view.sql'), 'utf8');
  const body = template
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n')
    .trim();
  return body.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`scientist_view.sql placeholder {{${name}}} has no value for snowflake`);
    return value;
  });
}

/** The Scientist View of `topic` over its semantic table, with the columns of `schema` (the DDL and the scheduler's refresh). */
export function scientistViewStatement(
  section: Pick<SnowflakeNaming, 'database' | 'schema'>,
  topic: string,
  schema: SemanticSchema,
): ViewStatement {
  const view = snowflakeScientistView(section, topic);
  return {
    view,
    sql: renderScientistView(view, snowflakeSemanticTable(section, topic), semanticTableColumns(schema)),
  };
}

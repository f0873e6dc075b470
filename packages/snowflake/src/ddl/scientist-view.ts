import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOBS_SQL_DIR, SNOWFLAKE } from '@lean-ops/lake';

/**
 * `jobs/sql/scientist_view.sql` in Snowflake's dialect: the newest row per idempotency key
 * of `table`. The Iceberg table's columns keep the catalog's lower case (quoted); the view
 * names them upper case, so analysts query it like any Snowflake table.
 */
export function renderScientistView(view: string, table: string, columns: readonly string[]): string {
  const values: Record<string, string> = {
    view_name: `${view} (${columns.map((c) => SNOWFLAKE.quote(c.toUpperCase())).join(', ')})`,
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

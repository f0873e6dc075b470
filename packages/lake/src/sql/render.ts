import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIALECTS_FILE, type Dialect } from './dialect.js';
import { JOBS_SQL_DIR } from './jobs-sql-dir.js';
import { columnDefinitions } from './table-columns.js';

const cache = new Map<string, string>();

/** The text of `jobs/sql/<name>.sql`. */
export function loadTemplate(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(JOBS_SQL_DIR, `${name}.sql`), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/**
 * Fills a template: `{{q:ident}}` quotes an identifier, `{{columns:table}}` lists a lake
 * table's columns (`table_columns.json`) with the dialect's types, `{{name}}` takes
 * `values.name` or, for the dialect placeholders (`payload_map`, `update_all`,
 * `insert_all`, `explode_keys`), the dialect's text. An unknown placeholder is an error,
 * never blank.
 */
export function render(template: string, dialect: Dialect, values: Readonly<Record<string, string>> = {}): string {
  const builtIn: Record<string, string> = {
    payload_map: dialect.payloadMap,
    update_all: dialect.updateAll,
    insert_all: dialect.insertAll,
    explode_keys: dialect.explodeKeys,
    incoming_wins: DIALECTS_FILE.incoming_wins,
  };
  return template.replace(
    /\{\{\s*(q:|columns:)?([a-z_][a-z0-9_]*)\s*\}\}/gi,
    (_, written: string | undefined, name: string) => {
      const prefix = written?.toLowerCase() ?? '';
      if (prefix === 'q:') return dialect.quote(name);
      const value = prefix === 'columns:' ? columnDefinitions(dialect, name) : (values[name] ?? builtIn[name]);
      if (value === undefined) {
        throw new Error(`SQL template placeholder {{${prefix}${name}}} has no value for ${dialect.name}`);
      }
      return value;
    },
  );
}

/** Renders `jobs/sql/<name>.sql`. */
export function renderJob(name: string, dialect: Dialect, values: Readonly<Record<string, string>> = {}): string {
  return render(loadTemplate(name), dialect, values);
}

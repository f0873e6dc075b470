import type { SemanticColumn, SemanticSchema } from '@lean-ops/core';
import { DIALECTS_FILE, type Dialect } from './dialect.js';
import { TABLE_COLUMNS } from './table-columns.js';

/** What "casts" means for each semantic type (shared with the Glue jobs, see dialects.json). */
export const CASTABLE = DIALECTS_FILE.castable;

/** SQL of "this value casts": the pattern, then the engine's try-cast (range, calendar). */
function castable(dialect: Dialect, value: string, column: SemanticColumn): string {
  if (column.type === 'string') return 'TRUE';
  const target = dialect.sqlType(column.type);
  const tryCast = column.type === 'boolean' ? 'TRUE' : `TRY_CAST(${value} AS ${target}) IS NOT NULL`;
  return `(${dialect.fullMatch(value, CASTABLE[column.type])} AND ${tryCast})`;
}

function typedValue(dialect: Dialect, value: string, column: SemanticColumn): string {
  if (column.type === 'string') return value;
  if (column.type === 'boolean') return `(${value} = 'true')`;
  return `TRY_CAST(${value} AS ${dialect.sqlType(column.type)})`;
}

/**
 * The typed column list and the reject-reason expression of `semantic_check.sql`.
 * Declared columns missing from the curated table read as NULL.
 */
export function semanticSelect(
  dialect: Dialect,
  schema: SemanticSchema,
  curatedColumns: ReadonlySet<string>,
): { typed: string; reason: string } {
  const source = (c: SemanticColumn) => (curatedColumns.has(c.name) ? `c.${dialect.quote(c.name)}` : 'NULL');
  const typed = schema.columns
    .map((c) => {
      const value = source(c);
      const expr =
        value === 'NULL'
          ? `CAST(NULL AS ${dialect.sqlType(c.type)})`
          : `CASE WHEN ${castable(dialect, value, c)} THEN ${typedValue(dialect, value, c)} END`;
      return `,\n  ${expr} AS ${dialect.quote(c.name)}`;
    })
    .join('');
  const checks = schema.columns.flatMap((c) => {
    const value = source(c);
    const out: string[] = [];
    if (c.required) out.push(`WHEN ${value} IS NULL THEN ${dialect.literal(`missing_required:${c.name}`)}`);
    if (c.type !== 'string' && value !== 'NULL')
      out.push(
        `WHEN ${value} IS NOT NULL AND NOT ${castable(dialect, value, c)} THEN ${dialect.literal(`cast_failed:${c.name}`)}`,
      );
    return out;
  });
  const reason =
    checks.length === 0 ? `CAST(NULL AS ${dialect.sqlType('string')})` : `CASE\n    ${checks.join('\n    ')}\n  END`;
  return { typed, reason };
}

/** Columns of a topic's semantic table, in order: metadata, then the declared columns. */
export function semanticTableColumns(schema: SemanticSchema): string[] {
  return [...TABLE_COLUMNS.semantic.map((c) => c.name), ...schema.columns.map((c) => c.name)];
}

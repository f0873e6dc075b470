import { curatedColumnName } from '@lean-ops/core';
import type { Dialect } from './dialect.js';

/**
 * Curated columns of a set of payload keys. Keys that map to the same column (`Temp`,
 * `temp`) are listed in UTF-16 order; the first that is present and not null wins.
 */
export function columnsOfKeys(keys: Iterable<string>): Map<string, string[]> {
  const columns = new Map<string, string[]>();
  for (const key of [...new Set(keys)].sort()) {
    const column = curatedColumnName(key);
    columns.set(column, [...(columns.get(column) ?? []), key]);
  }
  return columns;
}

/**
 * The select list of every curated payload column: the value from `payload_map` for
 * columns whose keys occur in this increment, NULL for the others (a winning version
 * without the key must blank the stored value).
 */
export function payloadColumnSelect(
  dialect: Dialect,
  allColumns: readonly string[],
  batchColumns: ReadonlyMap<string, readonly string[]>,
): string {
  const cast = dialect.sqlType('string');
  // Each column starts with its own comma, so no payload columns renders as nothing.
  return allColumns
    .map((column) => {
      const keys = batchColumns.get(column) ?? [];
      const values = keys.map((k) => dialect.payloadValue(`payload_map[${dialect.literal(k)}]`));
      const value =
        values.length === 0
          ? `CAST(NULL AS ${cast})`
          : values.length === 1
            ? values[0]
            : `COALESCE(${values.join(', ')})`;
      return `,\n  ${value} AS ${dialect.quote(column)}`;
    })
    .join('');
}

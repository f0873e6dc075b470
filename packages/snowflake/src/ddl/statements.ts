/** One generated statement; `kind` says what it creates, for the reader and the tests. */
export interface SnowflakeStatement {
  readonly kind:
    | 'external-volume'
    | 'catalog-integration'
    | 'database'
    | 'schema'
    | 'iceberg-table'
    | 'scientist-view'
    | 'grant';
  /** The statement, without its closing `;`. */
  readonly sql: string;
}

/** A SQL string literal (Snowflake: `'` doubled, `\` escaped). */
export const literal = (text: string): string => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

/** The statements as one script, each ending with `;`. */
export function formatDdl(statements: readonly SnowflakeStatement[], header: readonly string[] = []): string {
  const lines = header.map((line) => `-- ${line}`.trimEnd());
  const body = statements.map((s) => `${s.sql};`).join('\n\n');
  return `${[...lines, ...(lines.length > 0 ? [''] : []), body].join('\n')}\n`;
}

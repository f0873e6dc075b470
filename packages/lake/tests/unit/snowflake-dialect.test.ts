import { describe, expect, it } from 'vitest';
import { DUCKDB, SNOWFLAKE } from '../../src/index.js';
import { quoteOrderColumns } from '../../src/sql/dialect.js';

describe('the snowflake reader dialect (dialects.json)', () => {
  it('keeps the DuckDB rule and quotes every column, the window included', () => {
    const duck = DUCKDB.newestPerKey('t', ['idempotency_key', 'v']);
    const snow = SNOWFLAKE.newestPerKey('t', ['idempotency_key', 'v']);
    expect(snow).toBe(
      'SELECT "idempotency_key", "v" FROM t\nQUALIFY ROW_NUMBER() OVER (PARTITION BY "idempotency_key" ORDER BY "event_timestamp" DESC, "publish_time" DESC, "source_message_id" DESC) = 1',
    );
    // Same rule: only the quoting differs.
    expect(snow.replaceAll('"', '')).toBe(duck.replaceAll('"', ''));
  });

  it('refuses an order it cannot quote', () => {
    expect(() => quoteOrderColumns('ORDER BY f(x) DESC', SNOWFLAKE.quote)).toThrow(/is not "<column> ASC\|DESC"/);
    expect(() => quoteOrderColumns('event_timestamp DESC', SNOWFLAKE.quote)).toThrow(/ORDER BY/);
  });
});

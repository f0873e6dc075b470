import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSemanticSchema } from '@lean-ops/core';
import { renderSnowflakeDdl, type SnowflakeStatement, scientistViewStatement } from '@lean-ops/snowflake';
import { describe, expect, it } from 'vitest';
import { ddlInput } from '../../packages/snowflake/tests/ddl-fixture.js';
import { runVenv } from '../snowflake/python.js';

const scratch = mkdtempSync(join(tmpdir(), 'lean-ops-snowflake-ddl-'));
let runs = 0;

/**
 * `sqlfluff parse --dialect snowflake` of statements, one file each (a single run: sqlfluff
 * takes a second to start). Non-zero status when one does not parse; the output names it.
 */
function sqlfluffParse(...statements: string[]) {
  const dir = join(scratch, `run-${runs++}`);
  mkdirSync(dir);
  for (const [i, sql] of statements.entries()) writeFileSync(join(dir, `statement-${i}.sql`), `${sql};\n`);
  return runVenv('sqlfluff', ['parse', '--dialect', 'snowflake', '--format', 'human', dir]);
}

/** sqlfluff's Snowflake grammar lacks the Iceberg REST catalog integration (golden files cover it). */
const sqlfluffParses = (catalog: 'rest' | 'glue', s: SnowflakeStatement) =>
  !(catalog === 'rest' && s.kind === 'catalog-integration');

describe('the Snowflake DDL parses with sqlfluff’s Snowflake dialect (no Snowflake here: a parser stands in)', () => {
  it('refuses a statement Snowflake does not have, so a pass means something', () => {
    expect(sqlfluffParse('CREATE EXTERNAL ICEBERG TABLE t CATALOG_SYNC = LAKEFORMATION').status).not.toBe(0);
  });

  for (const catalog of ['rest', 'glue'] as const) {
    it(`parses every statement of catalog ${catalog} the dialect supports`, () => {
      const statements = renderSnowflakeDdl(ddlInput(catalog)).filter((s) => sqlfluffParses(catalog, s));
      expect(new Set(statements.map((s) => s.kind))).toEqual(
        new Set([
          ...(catalog === 'glue' ? ['external-volume', 'catalog-integration'] : []),
          'database',
          'schema',
          'iceberg-table',
          'scientist-view',
          'grant',
        ]),
      );
      const run = sqlfluffParse(...statements.map((s) => s.sql));
      expect(run.stdout.match(/unparsable|PRS/gi) ?? [], run.stdout + run.stderr).toEqual([]);
      expect(run.status, run.stdout + run.stderr).toBe(0);
    });
  }

  it('parses the Scientist View the scheduler creates again after a column was added (COPY GRANTS)', () => {
    const v2 = parseSemanticSchema({
      topic: 'telemetry',
      version: 2,
      columns: [
        { name: 'temperature', type: 'double', required: true },
        { name: 'humidity', type: 'double', required: false },
      ],
    });
    const { sql } = scientistViewStatement({ database: 'LEAN_OPS', schema: 'SEMANTIC' }, 'telemetry', v2);
    expect(sql).toContain('"TEMPERATURE", "HUMIDITY") COPY GRANTS AS');
    const run = sqlfluffParse(sql);
    expect(run.stdout.match(/unparsable|PRS/gi) ?? [], run.stdout + run.stderr).toEqual([]);
    expect(run.stdout).toMatch(/keyword:\s+'COPY'/);
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });
});

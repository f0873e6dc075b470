import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { snowflakeObjectNames } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import {
  autoRefreshStatusStatement,
  formatDdl,
  refreshStatement,
  renderSnowflakeDdl,
  SnowflakeDdlError,
} from '../../src/index.js';
import { ddlInput } from '../ddl-fixture.js';

const golden = (name: string) => readFileSync(join(import.meta.dirname, '..', 'golden', name), 'utf8');

// sqlfluff's Snowflake grammar has neither the Iceberg REST catalog integration nor ALTER
// ICEBERG TABLE … REFRESH (tests/integration/snowflake-ddl.test.ts parses the rest): the
// committed expected text, checked clause by clause against Snowflake's documentation
// (docs/snowflake.md), stands in. No Snowflake runs here.
describe('Snowflake DDL golden files (no Snowflake here: committed expected text stands in)', () => {
  it('renders the REST catalog integration as committed', () => {
    const integration = renderSnowflakeDdl(ddlInput('rest')).find((s) => s.kind === 'catalog-integration');
    expect(formatDdl(integration ? [integration] : [])).toBe(golden('rest-catalog-integration.sql'));
  });

  it('renders the whole DDL of each catalog mode as committed', () => {
    expect(formatDdl(renderSnowflakeDdl(ddlInput('rest')))).toBe(golden('rest.sql'));
    expect(formatDdl(renderSnowflakeDdl(ddlInput('glue')))).toBe(golden('glue.sql'));
  });

  it("renders the scheduler's forced refresh and auto-refresh status of a generated table as committed", () => {
    const table = snowflakeObjectNames('prod', ddlInput('rest').section).semanticTable('telemetry').table;
    expect(`${refreshStatement(table)};\n${autoRefreshStatusStatement(table)};\n`).toBe(golden('refresh.sql'));
  });
});

describe('renderSnowflakeDdl', () => {
  it('creates no external volume with the REST catalog (vended credentials) and one with glue', () => {
    const rest = renderSnowflakeDdl(ddlInput('rest'));
    const glue = renderSnowflakeDdl(ddlInput('glue'));
    expect(rest.some((s) => s.kind === 'external-volume')).toBe(false);
    expect(rest.some((s) => s.sql.includes('EXTERNAL_VOLUME'))).toBe(false);
    expect(glue[0]?.kind).toBe('external-volume');
    expect(glue[0]?.sql).toContain("STORAGE_BASE_URL = 's3://lean-ops-prod-warehousebucket-abc123/warehouse/'");
    expect(glue.filter((s) => s.kind === 'iceberg-table').every((s) => s.sql.includes('EXTERNAL_VOLUME = '))).toBe(
      true,
    );
  });

  it('exposes only topics with a semantic schema, curated ones only with includeCurated', () => {
    const tables = (curated: boolean) =>
      renderSnowflakeDdl(ddlInput('rest', curated))
        .filter((s) => s.kind === 'iceberg-table' || s.kind === 'scientist-view')
        .map((s) => s.sql.split('\n')[0]);
    expect(tables(false)).toEqual([
      'CREATE ICEBERG TABLE IF NOT EXISTS LEAN_OPS.SEMANTIC.TELEMETRY',
      expect.stringMatching(/^CREATE OR REPLACE VIEW LEAN_OPS\.SEMANTIC\.TELEMETRY_SCIENTIST_VIEW \(/),
    ]);
    expect(tables(true)).toContain('CREATE ICEBERG TABLE IF NOT EXISTS LEAN_OPS.SEMANTIC_CURATED.EVENTS');
  });

  it('reads the Glue databases the stacks create', () => {
    const sql = formatDdl(renderSnowflakeDdl(ddlInput('rest')));
    expect(sql).toContain("CATALOG_NAMESPACE = 'lean_ops_prod_semantic'");
    expect(sql).toContain("CATALOG_NAMESPACE = 'lean_ops_prod_curated'");
  });

  it('names what is missing or malformed', () => {
    const input = ddlInput('glue');
    expect(() => renderSnowflakeDdl({ ...input, warehouseBucket: undefined })).toThrow(
      /the warehouse bucket \(catalog glue: the external volume\) is required/,
    );
    expect(() => renderSnowflakeDdl({ ...input, accountId: '12' })).toThrow(SnowflakeDdlError);
    expect(() => renderSnowflakeDdl({ ...input, roleArn: 'arn:aws:iam::123456789012:user/x' })).toThrow(
      /is not an IAM role ARN/,
    );
    expect(() => renderSnowflakeDdl({ ...input, topics: [{ name: 'events' }] })).toThrow(
      /no topic has a semantic schema \(topics\.<name>\.schema/,
    );
  });
});

import type { SemanticSchema } from '@lean-ops/core';
import type { SnowflakeDdlInput } from '../src/index.js';

const telemetry = {
  version: 1,
  columns: [
    { name: 'temperature', type: 'double', required: true },
    { name: 'status', type: 'string', required: false },
  ],
} as SemanticSchema;

/** A stage with one semantic topic and one without a schema, in either catalog mode. */
export function ddlInput(catalog: 'rest' | 'glue', includeCurated = true): SnowflakeDdlInput {
  return {
    stage: 'prod',
    topics: [{ name: 'telemetry', schema: telemetry }, { name: 'events' }],
    section: { catalog, database: 'LEAN_OPS', schema: 'SEMANTIC', analystRole: 'ANALYST', includeCurated },
    region: 'eu-west-1',
    accountId: '123456789012',
    roleArn: 'arn:aws:iam::123456789012:role/lean-ops-prod-snowflake',
    warehouseBucket: catalog === 'glue' ? 'lean-ops-prod-warehousebucket-abc123' : undefined,
    externalId: catalog === 'glue' ? 'MYACCOUNT_SFCRole=2_abcdefg' : undefined,
  };
}

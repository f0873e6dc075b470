import {
  LeanOpsError,
  type SemanticSchema,
  type SnowflakeNaming,
  snowflakeObjectNames,
  WAREHOUSE_PREFIX,
} from '@lean-ops/core';
import { scientistViewStatement } from './scientist-view.js';
import { literal, type SnowflakeStatement } from './statements.js';

/** How often (seconds) Snowflake polls the catalog for new snapshots of AUTO_REFRESH tables. */
export const REFRESH_INTERVAL_SECONDS = 60;

/** What the DDL is generated from; names come from the stage (contracts/stage-names.ts). */
export interface SnowflakeDdlInput {
  readonly stage: string;
  /** The config's topics; those with a semantic schema get an Iceberg table and a Scientist View. */
  readonly topics: readonly { readonly name: string; readonly schema?: SemanticSchema | undefined }[];
  /** The config's `snowflake` section. */
  readonly section: SnowflakeNaming & { readonly catalog: 'rest' | 'glue'; readonly analystRole: string };
  readonly region: string;
  /** AWS account id of the Glue Data Catalog (the REST endpoint's catalog name, Glue's catalog id). */
  readonly accountId: string;
  /** The IAM role Snowflake assumes (the stage's Snowflake role). */
  readonly roleArn: string;
  /** `catalog: glue`: the stage's warehouse bucket, the external volume's storage location. */
  readonly warehouseBucket?: string | undefined;
  /**
   * `catalog: glue`: the catalog integration's GLUE_AWS_EXTERNAL_ID, given to the external
   * volume so that the role trusts one external ID. Absent: Snowflake generates the volume's own.
   */
  readonly externalId?: string | undefined;
}

/** A missing or malformed input of the DDL: a usage error (code `config_invalid`, the CLI exits 2). */
export class SnowflakeDdlError extends LeanOpsError {
  override name = 'SnowflakeDdlError';
  constructor(message: string) {
    super('config_invalid', message);
  }
}

function required(value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === '') throw new SnowflakeDdlError(`${what} is required`);
  return value;
}

/**
 * The stage's Snowflake DDL, in the order it runs: the external volume (`glue` only), the
 * catalog integration, database and schemas, one Iceberg table per semantic topic (and
 * curated topic with `includeCurated`), the Scientist View per semantic topic, the grants.
 */
export function renderSnowflakeDdl(input: SnowflakeDdlInput): SnowflakeStatement[] {
  const { section } = input;
  const region = required(input.region, 'the AWS region');
  const accountId = required(input.accountId, 'the AWS account id');
  if (!/^\d{12}$/.test(accountId)) throw new SnowflakeDdlError(`the AWS account id ${accountId} is not 12 digits`);
  const roleArn = required(input.roleArn, 'the Snowflake IAM role ARN');
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(roleArn)) {
    throw new SnowflakeDdlError(`the Snowflake IAM role ARN ${roleArn} is not an IAM role ARN`);
  }
  const semanticTopics = input.topics.filter((t) => t.schema !== undefined);
  if (semanticTopics.length === 0) {
    throw new SnowflakeDdlError(
      'no topic has a semantic schema (topics.<name>.schema in the config): there is no semantic table to expose',
    );
  }
  const names = snowflakeObjectNames(input.stage, section);
  const statements: SnowflakeStatement[] = [];
  const add = (kind: SnowflakeStatement['kind'], sql: string) => statements.push({ kind, sql });
  const namespace = names.semanticTable(semanticTopics[0]?.name ?? '').glueDatabase;

  if (section.catalog === 'glue') {
    const bucket = required(input.warehouseBucket, 'the warehouse bucket (catalog glue: the external volume)');
    add(
      'external-volume',
      [
        `CREATE EXTERNAL VOLUME IF NOT EXISTS ${names.externalVolume}`,
        '  STORAGE_LOCATIONS = (',
        '    (',
        `      NAME = ${literal(`${names.externalVolume.toLowerCase()}-s3`)}`,
        "      STORAGE_PROVIDER = 'S3'",
        `      STORAGE_BASE_URL = ${literal(`s3://${bucket}/${WAREHOUSE_PREFIX}/`)}`,
        `      STORAGE_AWS_ROLE_ARN = ${literal(roleArn)}`,
        ...(input.externalId ? [`      STORAGE_AWS_EXTERNAL_ID = ${literal(input.externalId)}`] : []),
        '    )',
        '  )',
        '  ALLOW_WRITES = FALSE',
      ].join('\n'),
    );
    add(
      'catalog-integration',
      [
        `CREATE CATALOG INTEGRATION IF NOT EXISTS ${names.catalogIntegration}`,
        '  CATALOG_SOURCE = GLUE',
        '  TABLE_FORMAT = ICEBERG',
        `  GLUE_AWS_ROLE_ARN = ${literal(roleArn)}`,
        `  GLUE_CATALOG_ID = ${literal(accountId)}`,
        `  GLUE_REGION = ${literal(region)}`,
        `  CATALOG_NAMESPACE = ${literal(namespace)}`,
        '  ENABLED = TRUE',
        `  REFRESH_INTERVAL_SECONDS = ${REFRESH_INTERVAL_SECONDS}`,
      ].join('\n'),
    );
  } else {
    add(
      'catalog-integration',
      [
        `CREATE CATALOG INTEGRATION IF NOT EXISTS ${names.catalogIntegration}`,
        '  CATALOG_SOURCE = ICEBERG_REST',
        '  TABLE_FORMAT = ICEBERG',
        `  CATALOG_NAMESPACE = ${literal(namespace)}`,
        '  REST_CONFIG = (',
        `    CATALOG_URI = ${literal(`https://glue.${region}.amazonaws.com/iceberg`)}`,
        '    CATALOG_API_TYPE = AWS_GLUE',
        `    CATALOG_NAME = ${literal(accountId)}`,
        '    ACCESS_DELEGATION_MODE = VENDED_CREDENTIALS',
        '  )',
        '  REST_AUTHENTICATION = (',
        '    TYPE = SIGV4',
        `    SIGV4_IAM_ROLE = ${literal(roleArn)}`,
        `    SIGV4_SIGNING_REGION = ${literal(region)}`,
        '  )',
        '  ENABLED = TRUE',
        `  REFRESH_INTERVAL_SECONDS = ${REFRESH_INTERVAL_SECONDS}`,
      ].join('\n'),
    );
  }

  add('database', `CREATE DATABASE IF NOT EXISTS ${names.database}`);
  const schemas = [names.semanticSchema, ...(names.curatedSchema ? [names.curatedSchema] : [])];
  for (const schema of schemas) add('schema', `CREATE SCHEMA IF NOT EXISTS ${schema}`);

  const icebergTable = (t: { table: string; glueDatabase: string; glueTable: string }) =>
    [
      `CREATE ICEBERG TABLE IF NOT EXISTS ${t.table}`,
      ...(section.catalog === 'glue' ? [`  EXTERNAL_VOLUME = ${literal(names.externalVolume)}`] : []),
      `  CATALOG = ${literal(names.catalogIntegration)}`,
      `  CATALOG_TABLE_NAME = ${literal(t.glueTable)}`,
      ...(t.glueDatabase === namespace ? [] : [`  CATALOG_NAMESPACE = ${literal(t.glueDatabase)}`]),
      '  AUTO_REFRESH = TRUE',
    ].join('\n');
  for (const topic of semanticTopics) add('iceberg-table', icebergTable(names.semanticTable(topic.name)));
  if (section.includeCurated) {
    for (const topic of input.topics) add('iceberg-table', icebergTable(names.curatedTable(topic.name)));
  }
  for (const topic of semanticTopics) {
    const schema = topic.schema as SemanticSchema;
    add('scientist-view', scientistViewStatement(section, topic.name, schema).sql);
  }

  const role = section.analystRole.toUpperCase();
  add('grant', `GRANT USAGE ON DATABASE ${names.database} TO ROLE ${role}`);
  for (const schema of schemas) {
    add('grant', `GRANT USAGE ON SCHEMA ${schema} TO ROLE ${role}`);
    add('grant', `GRANT SELECT ON ALL ICEBERG TABLES IN SCHEMA ${schema} TO ROLE ${role}`);
    add('grant', `GRANT SELECT ON FUTURE ICEBERG TABLES IN SCHEMA ${schema} TO ROLE ${role}`);
  }
  add('grant', `GRANT SELECT ON ALL VIEWS IN SCHEMA ${names.semanticSchema} TO ROLE ${role}`);
  add('grant', `GRANT SELECT ON FUTURE VIEWS IN SCHEMA ${names.semanticSchema} TO ROLE ${role}`);
  return statements;
}

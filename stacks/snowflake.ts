/**
 * Snowflake's read-only access to the lake (docs/deploy.md, "Snowflake"), when the stage
 * enables it (`snowflake` of stacks/stage.ts): one IAM role that Snowflake's IAM user assumes
 * with its external ID. It reads the Glue catalog (directly, or through Glue's Iceberg REST
 * endpoint, which needs `glue:GetCatalog`), the data files of the semantic database (and the
 * curated one with `includeCurated`) in the warehouse bucket, decrypts with the stage key and
 * asks Lake Formation for vended credentials. Nothing in it writes.
 */
// The role's name is the one `lean-ops snowflake ddl` names in the catalog integration.
import { SNOWFLAKE_METRICS, snowflakeRoleName, TOPIC_DIMENSION } from '@lean-ops/core';
import type { Account } from './account';
import type { Buckets } from './buckets';
import { type Catalog, databasePath } from './catalog';
import { type Conditions, policyDocument, type Statement } from './iam';
import { grantLakeFormation, type LakeGrant } from './lake-formation';
import type { LakeLayer, StageNames } from './names';
import { type StageConfig, snowflakeSetupWarning } from './stage';

/** The layers Snowflake reads: semantic, and curated with `includeCurated`. */
export function snowflakeLayers(stage: StageConfig): LakeLayer[] {
  return stage.snowflake.includeCurated ? ['semantic', 'curated'] : ['semantic'];
}

export interface SnowflakeAccessArgs {
  readonly stage: StageConfig;
  readonly names: StageNames;
  readonly account: Account;
  readonly buckets: Buckets;
  readonly catalog: Catalog;
  readonly keyArn: $util.Input<string>;
}

/** The read-only statements of the role. */
export function snowflakeStatements(args: SnowflakeAccessArgs): Statement[] {
  const { names, buckets, catalog, keyArn } = args;
  const dbs = snowflakeLayers(args.stage).map((layer) => names.databases[layer]);
  return [
    {
      sid: 'ReadCatalog',
      actions: ['glue:GetCatalog', 'glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables'],
      resources: [catalog.catalogArn, ...dbs.flatMap((db) => [catalog.databaseArn(db), catalog.tableArn(db, '*')])],
    },
    {
      sid: 'ListTablePrefixes',
      actions: ['s3:ListBucket'],
      resources: [buckets.warehouse.arn],
      conditions: { StringLike: { 's3:prefix': dbs.map((db) => `${databasePath(db)}/*`) } },
    },
    // An external volume checks the bucket's region; the action takes no prefix.
    { sid: 'LocateWarehouseBucket', actions: ['s3:GetBucketLocation'], resources: [buckets.warehouse.arn] },
    {
      sid: 'ReadTables',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: dbs.map((db) => $interpolate`${buckets.warehouse.arn}/${databasePath(db)}/*`),
    },
    { sid: 'DecryptWithStageKey', actions: ['kms:Decrypt'], resources: [keyArn] },
    {
      sid: 'LakeFormationCredentialVendingHasNoResourceLevelPermissions',
      actions: ['lakeformation:GetDataAccess'],
      resources: ['*'],
    },
  ];
}

/**
 * Who may assume the role: Snowflake's IAM user presenting its external ID or, until the
 * stage has both (the first deploy of the setup), only this account.
 */
function trustPolicy(stage: StageConfig, account: Account): $util.Output<string> {
  const { principalArn, externalId } = stage.snowflake;
  const trusted = principalArn !== undefined && externalId !== undefined;
  const condition: Conditions | undefined = trusted ? { StringEquals: { 'sts:ExternalId': externalId } } : undefined;
  return $jsonStringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: {
          AWS: trusted ? principalArn : $interpolate`arn:${account.partition}:iam::${account.accountId}:root`,
        },
        Action: 'sts:AssumeRole',
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  });
}

/** The role and its Lake Formation grants, or undefined when the stage does not enable Snowflake. */
export function createSnowflakeAccess(args: SnowflakeAccessArgs): aws.iam.Role | undefined {
  const { stage, names, catalog } = args;
  if (!stage.snowflake.enabled) return undefined;
  const warning = snowflakeSetupWarning(stage, snowflakeRoleName(names.prefix));
  if (warning) $util.log.warn(warning);
  const role = new aws.iam.Role('SnowflakeRole', {
    name: snowflakeRoleName(names.prefix),
    description: `${names.prefix}: Snowflake reads the ${snowflakeLayers(stage).join(' and ')} tables (read-only)`,
    assumeRolePolicy: trustPolicy(stage, args.account),
    inlinePolicies: [{ name: 'read-only', policy: policyDocument(snowflakeStatements(args)) }],
  });
  const grants: Record<string, LakeGrant> = Object.fromEntries(
    snowflakeLayers(stage).map((layer) => [
      layer,
      {
        database: catalog.databases[layer].name,
        databasePermissions: ['DESCRIBE'],
        tablePermissions: ['SELECT', 'DESCRIBE'],
      },
    ]),
  );
  grantLakeFormation('snowflake', role.arn, grants);
  return role;
}

/** Auto-refresh samples come every 5 minutes; three in a row not RUNNING alarm. */
const AUTO_REFRESH_PERIOD_SECONDS = 300;
const AUTO_REFRESH_PERIODS = 3;

/** The Metrics Insights query of the stalled auto-refresh alarm: the least running table of the stage. */
export function autoRefreshQuery(namespace: string): string {
  return `SELECT MIN(${SNOWFLAKE_METRICS.autoRefreshRunning}) FROM SCHEMA("${namespace}", ${TOPIC_DIMENSION})`;
}

/**
 * With a Snowflake connection in the config, the scheduler samples `SYSTEM$AUTO_REFRESH_STATUS`
 * of every semantic table (docs/scheduler.md, "Snowflake refresh"): one alarm over all of them
 * fires when any table's auto-refresh has not been RUNNING for 15 minutes. No data (no
 * connection yet, or the scheduler down, which its own alarms report) does not alarm.
 */
export function createSnowflakeRefreshAlarm(args: {
  stage: StageConfig;
  prefix: string;
  connected: boolean;
  alarmTopicArn: $util.Input<string>;
}): aws.cloudwatch.MetricAlarm | undefined {
  if (!args.connected) return undefined;
  return new aws.cloudwatch.MetricAlarm('alarm-snowflake-auto-refresh', {
    name: `${args.prefix}-snowflake-auto-refresh`,
    alarmDescription:
      "A Snowflake table's auto-refresh is not RUNNING: new semantic snapshots do not reach Snowflake. " +
      "SELECT SYSTEM$AUTO_REFRESH_STATUS('<table>') names the state (docs/snowflake.md)",
    metricQueries: [
      {
        id: 'least',
        expression: autoRefreshQuery(args.stage.cloudwatchNamespace),
        period: AUTO_REFRESH_PERIOD_SECONDS,
        returnData: true,
      },
    ],
    evaluationPeriods: AUTO_REFRESH_PERIODS,
    comparisonOperator: 'LessThanThreshold',
    threshold: 1,
    treatMissingData: 'notBreaching',
    alarmActions: [args.alarmTopicArn],
    okActions: [args.alarmTopicArn],
  });
}

/**
 * Snowflake's read-only role (stacks/snowflake.ts). No stage ships with Snowflake enabled
 * (SNOWFLAKE_STAGES in stacks/stage.ts is empty), so the enabled stages here get their
 * settings from a stand-in: `vi.mock` wraps the real `stageConfig` and adds, for the stages
 * of {@link FIXTURE_STAGES} only, settings that the real `checkSnowflake` validates first.
 * The app itself runs unmodified under the Pulumi mocks of sst-harness.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import type { SnowflakeAccess } from '../../stacks/stage';
import { loadServiceModel, validateRequest } from './botocore-model';
import { broadStatements, identityPolicies, oversizedPolicies } from './guardrails';
import { ofType, one, type PolicyStatement, parsed, roleStatements } from './recorded';
import { lakeFormationWrites, writeActions } from './snowflake-guard';
import { ACCOUNT_ID, appRun, mockArn, REGION, type RecordedResource } from './sst-harness';

const { FIXTURE_STAGES, PRINCIPAL, EXTERNAL_ID } = vi.hoisted(() => {
  const PRINCIPAL = 'arn:aws:iam::987654321098:user/abc1-s-ohss0001';
  const EXTERNAL_ID = 'MYACCOUNT_SFCRole=2_a1b2c3d4e5f6=';
  const trusted = { enabled: true, principalArn: PRINCIPAL, externalId: EXTERNAL_ID };
  const FIXTURE_STAGES: Record<string, SnowflakeAccess> = {
    snow: { ...trusted, includeCurated: false },
    'snow-cur': { ...trusted, includeCurated: true },
    'snow-pending': { enabled: true, principalArn: undefined, externalId: undefined, includeCurated: false },
  };
  return { FIXTURE_STAGES, PRINCIPAL, EXTERNAL_ID };
});

vi.mock('../../stacks/stage', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../stacks/stage')>();
  return {
    ...actual,
    stageConfig(stage: string) {
      const config = actual.stageConfig(stage);
      const snowflake = FIXTURE_STAGES[stage];
      if (snowflake === undefined) return config;
      actual.checkSnowflake(stage, snowflake);
      return { ...config, snowflake };
    },
  };
});

const ROLE = 'aws:iam/role:Role';
const PERMISSIONS = 'aws:lakeformation/permissions:Permissions';
const WAREHOUSE = mockArn('aws:s3/bucket:Bucket', 'WarehouseBucket');
const KEY = mockArn('aws:kms/key:Key', 'StageKey');
const glueArn = (resource: string) => `arn:aws:glue:${REGION}:${ACCOUNT_ID}:${resource}`;

/** The statements the role must have, exactly, for the databases `dbs`. */
function expectedStatements(dbs: readonly string[]): PolicyStatement[] {
  return [
    {
      Sid: 'ReadCatalog',
      Effect: 'Allow',
      Action: ['glue:GetCatalog', 'glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables'],
      Resource: [glueArn('catalog'), ...dbs.flatMap((db) => [glueArn(`database/${db}`), glueArn(`table/${db}/*`)])],
    },
    {
      Sid: 'ListTablePrefixes',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [WAREHOUSE],
      Condition: { StringLike: { 's3:prefix': dbs.map((db) => `warehouse/${db}.db/*`) } },
    },
    { Sid: 'LocateWarehouseBucket', Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: [WAREHOUSE] },
    {
      Sid: 'ReadTables',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Resource: dbs.map((db) => `${WAREHOUSE}/warehouse/${db}.db/*`),
    },
    { Sid: 'DecryptWithStageKey', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [KEY] },
    {
      Sid: 'LakeFormationCredentialVendingHasNoResourceLevelPermissions',
      Effect: 'Allow',
      Action: ['lakeformation:GetDataAccess'],
      Resource: ['*'],
    },
  ];
}

function trustOf(resources: readonly RecordedResource[]): PolicyStatement[] {
  return parsed<{ Statement: PolicyStatement[] }>(one(resources, ROLE, 'SnowflakeRole').inputs.assumeRolePolicy)
    .Statement;
}

const snowflakeGrants = (resources: readonly RecordedResource[]) =>
  ofType(resources, PERMISSIONS).filter((p) => p.name.startsWith('snowflake-'));

describe.each(['dev', 'staging', 'prod'])('%s (SNOWFLAKE_STAGES as shipped)', (stage) => {
  it('creates no Snowflake role, grant or output', async () => {
    const run = await appRun(stage);

    expect(ofType(run.resources, ROLE).filter((r) => r.name === 'SnowflakeRole')).toEqual([]);
    expect(snowflakeGrants(run.resources)).toEqual([]);
    expect(run.outputs).not.toHaveProperty('snowflakeRoleArn');
  });
});

describe('a stage with Snowflake enabled (settings from the vi.mock stand-in above)', () => {
  it('creates the read-only role with exactly the semantic statements, named from the stage prefix', async () => {
    const { resources, outputs } = await appRun('snow');
    const role = one(resources, ROLE, 'SnowflakeRole');

    expect(role.inputs.name).toBe('lean-ops-snow-snowflake');
    expect(role.inputs.managedPolicyArns ?? []).toEqual([]);
    expect(roleStatements(resources, 'SnowflakeRole')).toEqual(expectedStatements(['lean_ops_snow_semantic']));
    expect(outputs.snowflakeRoleArn).toBe(mockArn(ROLE, 'SnowflakeRole'));
  });

  it("trusts Snowflake's IAM user only with its external ID", async () => {
    expect(trustOf((await appRun('snow')).resources)).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: PRINCIPAL },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
      },
    ]);
  });

  it('grants Lake Formation DESCRIBE on the semantic database and SELECT, DESCRIBE on its tables', async () => {
    const grants = snowflakeGrants((await appRun('snow')).resources);

    expect(grants.map((g) => [g.name, g.inputs]).sort()).toEqual([
      [
        'snowflake-semantic-database',
        {
          principal: mockArn(ROLE, 'SnowflakeRole'),
          permissions: ['DESCRIBE'],
          database: { name: 'lean_ops_snow_semantic' },
        },
      ],
      [
        'snowflake-semantic-tables',
        {
          principal: mockArn(ROLE, 'SnowflakeRole'),
          permissions: ['SELECT', 'DESCRIBE'],
          table: { databaseName: 'lean_ops_snow_semantic', wildcard: true },
        },
      ],
    ]);
  });

  it('adds the curated database to every statement and grant with includeCurated', async () => {
    const { resources } = await appRun('snow-cur');

    expect(roleStatements(resources, 'SnowflakeRole')).toEqual(
      expectedStatements(['lean_ops_snow_cur_semantic', 'lean_ops_snow_cur_curated']),
    );
    // Registration order follows output resolution: compare as sets.
    expect(
      snowflakeGrants(resources)
        .map((g) => g.name)
        .sort(),
    ).toEqual([
      'snowflake-curated-database',
      'snowflake-curated-tables',
      'snowflake-semantic-database',
      'snowflake-semantic-tables',
    ]);
  });

  it('trusts only its own account until Snowflake’s principal and external ID are set (first deploy)', async () => {
    const { resources } = await appRun('snow-pending');

    expect(trustOf(resources)).toEqual([
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: 'sts:AssumeRole' },
    ]);
    expect(roleStatements(resources, 'SnowflakeRole')).toEqual(expectedStatements(['lean_ops_snow_pending_semantic']));
  });

  it.each(['snow', 'snow-cur', 'snow-pending'])('%s: passes the IAM guardrails and allows no write', async (stage) => {
    const { resources } = await appRun(stage);
    const statements = roleStatements(resources, 'SnowflakeRole');

    expect(broadStatements(identityPolicies(resources))).toEqual([]);
    expect(oversizedPolicies(resources)).toEqual([]);
    expect(writeActions(statements)).toEqual([]);
    expect(lakeFormationWrites(snowflakeGrants(resources))).toEqual([]);
  });

  it('sends CreateRole, PutRolePolicy and GrantPermissions requests botocore’s models accept', async () => {
    const { resources } = await appRun('snow-cur');
    const role = one(resources, ROLE, 'SnowflakeRole').inputs;
    const inline = (role.inlinePolicies as { name: string; policy: string }[])[0];
    const iam = loadServiceModel('iam');
    const lakeformation = loadServiceModel('lakeformation');
    const requests = [
      ...validateRequest(
        iam,
        'CreateRole',
        { RoleName: role.name, Description: role.description, AssumeRolePolicyDocument: role.assumeRolePolicy },
        'SnowflakeRole',
      ),
      ...validateRequest(
        iam,
        'PutRolePolicy',
        { RoleName: role.name, PolicyName: inline?.name, PolicyDocument: inline?.policy },
        'SnowflakeRole/inline',
      ),
      ...snowflakeGrants(resources).flatMap((grant) => {
        const { principal, permissions, database, table } = grant.inputs as {
          principal: string;
          permissions: string[];
          database?: { name: string };
          table?: { databaseName: string };
        };
        const resource = database
          ? { Database: { Name: database.name } }
          : { Table: { DatabaseName: table?.databaseName, TableWildcard: {} } };
        return validateRequest(
          lakeformation,
          'GrantPermissions',
          { Principal: { DataLakePrincipalIdentifier: principal }, Resource: resource, Permissions: permissions },
          grant.name,
        );
      }),
    ];

    expect(requests).toEqual([]);
  });
});

describe('the write guard catches what it exists for', () => {
  it('flags a planted s3:PutObject, glue:UpdateTable and kms:GenerateDataKey beside the real statements', async () => {
    const statements = roleStatements((await appRun('snow')).resources, 'SnowflakeRole');
    const planted: PolicyStatement[] = [
      ...statements,
      { Sid: 'Planted', Effect: 'Allow', Action: ['s3:PutObject', 'glue:UpdateTable'], Resource: [`${WAREHOUSE}/*`] },
      { Sid: 'PlantedKey', Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: KEY },
    ];

    expect(writeActions(planted)).toEqual([
      'Planted: s3:PutObject',
      'Planted: glue:UpdateTable',
      'PlantedKey: kms:GenerateDataKey',
    ]);
  });

  it('flags a planted Lake Formation INSERT grant', async () => {
    const grants = snowflakeGrants((await appRun('snow')).resources);
    const [tables] = grants.filter((g) => g.name.endsWith('-tables'));
    if (!tables) throw new Error('no table grant recorded');
    const planted = { ...tables, name: 'planted', inputs: { ...tables.inputs, permissions: ['SELECT', 'INSERT'] } };

    expect(lakeFormationWrites([...grants, planted])).toEqual(['planted: INSERT']);
  });
});

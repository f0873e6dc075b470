import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { snowflakeSectionSchema } from '@lean-ops/config';
import { describe, expect, it } from 'vitest';
import {
  checkSnowflake,
  checkSnowflakeAgainstConfig,
  SNOWFLAKE_OFF,
  SNOWFLAKE_STAGES,
  type SnowflakeAccess,
  snowflakeSetupWarning,
  stageConfig,
} from '../../stacks/stage';
import { ROOT } from './sst-harness';

const PRINCIPAL = 'arn:aws:iam::987654321098:user/abc1-s-ohss0001';
const ENABLED: SnowflakeAccess = {
  enabled: true,
  principalArn: PRINCIPAL,
  externalId: 'EXT_ID=',
  includeCurated: false,
};

describe('snowflake stage settings', () => {
  it.each(['dev', 'staging', 'prod', 'alice', 'constructor'])('are off on %s as shipped', (stage) => {
    expect(stageConfig(stage).snowflake).toEqual(SNOWFLAKE_OFF);
  });

  it('ship with no stage enabled', () => {
    expect(SNOWFLAKE_STAGES).toEqual({});
  });

  it('accept Snowflake’s IAM user with an external ID, and an enabled stage awaiting both (first deploy)', () => {
    expect(() => checkSnowflake('prod', ENABLED)).not.toThrow();
    expect(() =>
      checkSnowflake('prod', { ...ENABLED, principalArn: 'arn:aws-us-gov:iam::987654321098:user/x' }),
    ).not.toThrow();
    expect(() =>
      checkSnowflake('prod', { ...ENABLED, principalArn: undefined, externalId: undefined, includeCurated: true }),
    ).not.toThrow();
  });

  it.each([
    [{ principalArn: 'arn:aws:iam::98765432109:user/x' }, 'principalArn: "arn:aws:iam::98765432109:user/x" is not'],
    [{ principalArn: 'arn:aws:iam::987654321098:role/x' }, 'principalArn: "arn:aws:iam::987654321098:role/x" is not'],
    [{ principalArn: undefined }, 'principalArn: undefined is not an IAM user ARN'],
    [{ principalArn: `${PRINCIPAL} ` }, `principalArn: "${PRINCIPAL} " is not`],
    [{ externalId: '' }, 'externalId: "" must be non-empty'],
    [{ externalId: undefined }, 'externalId: undefined must be non-empty'],
    [{ enabled: false }, 'enabled is false but other settings are set'],
  ] as [Partial<SnowflakeAccess>, string][])('refuse %j, naming the field', (change, message) => {
    expect(() => checkSnowflake('prod', { ...ENABLED, ...change })).toThrow(
      `stage prod: invalid snowflake settings (stacks/stage.ts SNOWFLAKE_STAGES): ${message}`,
    );
  });
});

describe('the first of the two deploys', () => {
  const withSnowflake = (snowflake: SnowflakeAccess) => ({ ...stageConfig('prod'), snowflake });

  it('warns while an enabled stage awaits Snowflake’s principal and external ID, naming the role', () => {
    const pending = withSnowflake({ ...ENABLED, principalArn: undefined, externalId: undefined });

    expect(snowflakeSetupWarning(pending, 'lean-ops-prod-snowflake')).toBe(
      "stage prod: the Snowflake role lean-ops-prod-snowflake trusts only this account until Snowflake's principalArn " +
        'and externalId are in stacks/stage.ts (SNOWFLAKE_STAGES): create the catalog integration, DESCRIBE it, ' +
        'add both, deploy again (docs/deploy.md, "Snowflake")',
    );
  });

  it('stays silent once both are set, and on a stage without Snowflake', () => {
    expect(snowflakeSetupWarning(withSnowflake(ENABLED), 'r')).toBeUndefined();
    expect(snowflakeSetupWarning(stageConfig('prod'), 'r')).toBeUndefined();
  });
});

describe('stage and app config agree on the curated tables', () => {
  const enabled = (includeCurated: boolean) => ({
    ...stageConfig('prod'),
    snowflake: { ...ENABLED, includeCurated },
  });
  const section = (includeCurated: boolean) => snowflakeSectionSchema.parse({ includeCurated });

  it('refuses a config that exposes curated tables the role cannot read, and the reverse', () => {
    expect(() => checkSnowflakeAgainstConfig(enabled(false), section(true), 'lean-ops.config.json')).toThrow(
      "snowflake.includeCurated is true in lean-ops.config.json but false in stage prod's snowflake settings",
    );
    expect(() => checkSnowflakeAgainstConfig(enabled(true), section(false), 'lean-ops.config.json')).toThrow(
      "snowflake.includeCurated is false in lean-ops.config.json but true in stage prod's",
    );
  });

  it('accepts matching settings, a config without Snowflake and a stage without it', () => {
    expect(() => checkSnowflakeAgainstConfig(enabled(true), section(true), 'f.json')).not.toThrow();
    expect(() => checkSnowflakeAgainstConfig(enabled(false), undefined, 'f.json')).not.toThrow();
    expect(() => checkSnowflakeAgainstConfig(stageConfig('prod'), section(true), 'f.json')).not.toThrow();
  });

  it('is checked by sst.config.ts before any resource is created', () => {
    const config = readFileSync(join(ROOT, 'sst.config.ts'), 'utf8');
    const run = config.slice(config.indexOf('async run()'));

    expect(run.indexOf('checkSnowflakeAgainstConfig(stage, deploy.config.snowflake')).toBeGreaterThan(0);
    expect(run.indexOf('checkSnowflakeAgainstConfig(stage,')).toBeLessThan(run.search(/\bcreate[A-Z]\w*\(/));
  });
});

it('creates the semantic tables at Iceberg format version 2 only (Snowflake cannot refresh a v3 table)', () => {
  const ddl = readFileSync(join(ROOT, 'jobs', 'sql', 'iceberg_ddl_semantic.sql'), 'utf8');
  const versions = [...ddl.matchAll(/'format-version'\s*=\s*'(\d+)'/g)].map((m) => m[1]);

  expect(versions).toEqual(['2']);
});

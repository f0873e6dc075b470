import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertDeployTarget,
  checkDeployTarget,
  checkLakeFormationAdmin,
  DeployTargetError,
} from '../../stacks/deploy-target';
import { PLACEHOLDER_ACCOUNT_ID, stageConfig } from '../../stacks/stage';
import { ACCOUNT_ID, CALLER_ARN, REGION, runAppUnderMocks } from './sst-harness';

const OTHER_ACCOUNT = '210987654321';

describe('stage pins', () => {
  it('pins staging and prod to an account and region, and leaves dev and personal stages free', () => {
    for (const stage of ['staging', 'prod']) {
      expect(stageConfig(stage).deployTarget).toEqual({ accountId: PLACEHOLDER_ACCOUNT_ID, region: 'eu-west-1' });
    }
    for (const stage of ['dev', 'alice']) {
      expect(stageConfig(stage).deployTarget).toEqual({ accountId: undefined, region: undefined });
    }
  });
});

describe('checkDeployTarget', () => {
  it('accepts the pinned account and region, and any for an unpinned stage', () => {
    expect(() =>
      checkDeployTarget(stageConfig('prod'), { accountId: PLACEHOLDER_ACCOUNT_ID, region: 'eu-west-1' }),
    ).not.toThrow();
    expect(() =>
      checkDeployTarget(stageConfig('alice'), { accountId: OTHER_ACCOUNT, region: 'us-east-1' }),
    ).not.toThrow();
  });

  it('refuses another account or region, naming expected and actual', () => {
    const act = () => checkDeployTarget(stageConfig('prod'), { accountId: OTHER_ACCOUNT, region: 'us-east-1' });

    expect(act).toThrow(DeployTargetError);
    expect(act).toThrow(
      `refusing to deploy stage prod: the AWS credentials point at account ${OTHER_ACCOUNT} (expected ${PLACEHOLDER_ACCOUNT_ID}) ` +
        'and region us-east-1 (expected eu-west-1)',
    );
    expect(() =>
      checkDeployTarget(stageConfig('staging'), { accountId: PLACEHOLDER_ACCOUNT_ID, region: 'eu-central-1' }),
    ).toThrow(/region eu-central-1 \(expected eu-west-1\).*deployTarget of the staging profile in stacks\/stage.ts/);
  });
});

describe('checkLakeFormationAdmin', () => {
  const where = { accountId: ACCOUNT_ID, region: REGION };

  it('accepts a principal among the data-lake administrators', () => {
    expect(() => checkLakeFormationAdmin(CALLER_ARN, ['arn:aws:iam::1:role/Other', CALLER_ARN], where)).not.toThrow();
  });

  it('refuses a principal that is not one, naming it and the admins to keep', () => {
    const role = `arn:aws:iam::${ACCOUNT_ID}:role/ci/Deployer`;
    const act = () => checkLakeFormationAdmin(role, ['arn:aws:iam::123456789012:role/DataAdmin'], where);

    expect(act).toThrow(DeployTargetError);
    expect(act).toThrow(`Lake Formation: ${role} (the principal running sst deploy) is not a data-lake administrator`);
    expect(act).toThrow(/keep|existing admins \(arn:aws:iam::123456789012:role\/DataAdmin\)/);
    expect(() => checkLakeFormationAdmin(role, [], where)).toThrow(/\(none yet\)/);
  });

  it('checks the role behind an assumed-role session, not the session ARN', async () => {
    const session = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/Deployer/ci-run-7`;
    const role = `arn:aws:iam::${ACCOUNT_ID}:role/ci/Deployer`;
    const asked: string[] = [];
    const lookups = {
      callerIdentity: async () => ({ accountId: PLACEHOLDER_ACCOUNT_ID, arn: session }),
      region: async () => 'eu-west-1',
      issuerArn: async (arn: string) => {
        asked.push(arn);
        return role;
      },
      dataLakeAdmins: async () => [role],
    };

    await expect(assertDeployTarget(stageConfig('prod'), lookups)).resolves.toBeUndefined();
    expect(asked).toEqual([session]);
    await expect(
      assertDeployTarget(stageConfig('prod'), { ...lookups, dataLakeAdmins: async () => [session] }),
    ).rejects.toThrow(`Lake Formation: ${role}`);
  });
});

// The whole app under Pulumi mocks deploys when the pins match. A refused run is checked
// through the same assertDeployTarget with the caller's lookups (a run() that throws under
// Pulumi's runtime also surfaces as unhandled rejections outside the test), and sst.config.ts
// is checked to call it before it creates anything.
describe('sst deploy (Pulumi mocks)', () => {
  const lookupsOf = (caller: { accountId?: string; region?: string; dataLakeAdmins?: string[] }) => ({
    callerIdentity: async () => ({ accountId: caller.accountId ?? PLACEHOLDER_ACCOUNT_ID, arn: CALLER_ARN }),
    region: async () => caller.region ?? 'eu-west-1',
    issuerArn: async (arn: string) => arn,
    dataLakeAdmins: async () => caller.dataLakeAdmins ?? [CALLER_ARN],
  });

  it('deploys prod when the credentials match its pins and the caller is a data-lake admin', async () => {
    const run = await runAppUnderMocks('prod');

    expect(run.resources.length).toBeGreaterThan(100);
  });

  it('checks the deploy target in run() before the first resource is created', () => {
    const config = readFileSync(join(import.meta.dirname, '..', '..', 'sst.config.ts'), 'utf8');
    const run = config.slice(config.indexOf('async run()'));

    expect(run.indexOf('await assertDeployTarget(')).toBeGreaterThan(0);
    expect(run.indexOf('await assertDeployTarget(')).toBeLessThan(run.search(/\bcreate[A-Z]\w*\(/));
  });

  it('refuses prod in another account, naming expected and actual', async () => {
    await expect(assertDeployTarget(stageConfig('prod'), lookupsOf({ accountId: OTHER_ACCOUNT }))).rejects.toThrow(
      `refusing to deploy stage prod: the AWS credentials point at account ${OTHER_ACCOUNT} (expected ${PLACEHOLDER_ACCOUNT_ID})`,
    );
  });

  it('refuses staging in another region', async () => {
    await expect(assertDeployTarget(stageConfig('staging'), lookupsOf({ region: 'us-east-2' }))).rejects.toThrow(
      'region us-east-2 (expected eu-west-1)',
    );
  });

  it('refuses a caller Lake Formation would refuse, before any grant fails halfway', async () => {
    await expect(
      assertDeployTarget(
        stageConfig('dev'),
        lookupsOf({ dataLakeAdmins: ['arn:aws:iam::123456789012:role/DataAdmin'] }),
      ),
    ).rejects.toThrow(
      `Lake Formation: ${CALLER_ARN} (the principal running sst deploy) is not a data-lake administrator`,
    );
  });
});

/**
 * Checks made before `run()` creates anything: the credentials point at the account and region
 * the stage is pinned to (stacks/stage.ts `deployTarget`), and the principal deploying is a
 * Lake Formation data-lake administrator (else every `aws.lakeformation.Permissions` fails with
 * "Resource does not exist or requester is not authorized", halfway through the first deploy).
 *
 * Lake Formation admins are checked, not managed: `DataLakeSettings` owns the account's whole
 * admin list per region (the provider replaces it, and resets it when the resource is
 * removed), so a stage that managed it would fight every other stage and app in the account.
 *
 * Plain TypeScript: the AWS lookups come in as functions (stacks/account.ts passes the
 * provider's), so it runs under vitest and the root tsconfig.
 */
import type { StageConfig } from './stage';

/** A deploy that must not start; the message names what was expected and what was found. */
export class DeployTargetError extends Error {
  override readonly name = 'DeployTargetError';
}

export interface DeployTargetLookups {
  /** `aws.getCallerIdentity`: the account and the caller's ARN (an STS session ARN for roles). */
  callerIdentity(): Promise<{ readonly accountId: string; readonly arn: string }>;
  /** `aws.getRegion`: the provider's region. */
  region(): Promise<string>;
  /** `aws.iam.getSessionContext`: the IAM role (with its path) or user behind `callerArn`. */
  issuerArn(callerArn: string): Promise<string>;
  /** `aws.lakeformation.getDataLakeSettings`: the data-lake administrators of account and region. */
  dataLakeAdmins(): Promise<readonly string[]>;
}

/**
 * @throws DeployTargetError naming the stage, the pinned account/region and the ones found.
 */
export function checkDeployTarget(stage: StageConfig, actual: { accountId: string; region: string }): void {
  const { accountId, region } = stage.deployTarget;
  const wrong = [
    ...(accountId !== undefined && accountId !== actual.accountId
      ? [`account ${actual.accountId} (expected ${accountId})`]
      : []),
    ...(region !== undefined && region !== actual.region ? [`region ${actual.region} (expected ${region})`] : []),
  ];
  if (wrong.length > 0) {
    throw new DeployTargetError(
      `refusing to deploy stage ${stage.stage}: the AWS credentials point at ${wrong.join(' and ')}. ` +
        `Use the ${stage.stage} account's credentials and region, or change deployTarget of the ` +
        `${stage.profile} profile in stacks/stage.ts`,
    );
  }
}

/**
 * @throws DeployTargetError naming the principal that is not a data-lake administrator, and how
 * to add it without dropping the existing admins.
 */
export function checkLakeFormationAdmin(
  principal: string,
  admins: readonly string[],
  where: { accountId: string; region: string },
): void {
  if (admins.includes(principal)) return;
  throw new DeployTargetError(
    `Lake Formation: ${principal} (the principal running sst deploy) is not a data-lake administrator ` +
      `of account ${where.accountId} in ${where.region}; the stage's grants would fail with "Resource does ` +
      'not exist or requester is not authorized". Add it to the existing admins ' +
      `(${admins.length === 0 ? 'none yet' : admins.join(', ')}) — PutDataLakeSettings replaces the whole ` +
      'list — as docs/deploy.md shows, then deploy again',
  );
}

/** Both checks, in order; resolves when the deploy may go on. */
export async function assertDeployTarget(stage: StageConfig, lookups: DeployTargetLookups): Promise<void> {
  const [caller, region] = await Promise.all([lookups.callerIdentity(), lookups.region()]);
  checkDeployTarget(stage, { accountId: caller.accountId, region });
  const [principal, admins] = await Promise.all([lookups.issuerArn(caller.arn), lookups.dataLakeAdmins()]);
  checkLakeFormationAdmin(principal, admins, { accountId: caller.accountId, region });
}

/** The account, region and partition the stage deploys into, and ARNs built from them. */
import type { DeployTargetLookups } from './deploy-target';

export interface Account {
  readonly accountId: $util.Output<string>;
  readonly region: $util.Output<string>;
  readonly partition: $util.Output<string>;
  /** `arn:<partition>:<service>:<region>:<account>:<resource>` (regional services). */
  arn(service: string, resource: $util.Input<string>): $util.Output<string>;
}

export function currentAccount(): Account {
  const accountId = aws.getCallerIdentityOutput().accountId;
  const region = aws.getRegionOutput().region;
  const partition = aws.getPartitionOutput().partition;
  return {
    accountId,
    region,
    partition,
    arn: (service, resource) => $interpolate`arn:${partition}:${service}:${region}:${accountId}:${resource}`,
  };
}

/** The provider's answers to what stacks/deploy-target.ts checks before anything is created. */
export function deployTargetLookups(): DeployTargetLookups {
  return {
    callerIdentity: () => aws.getCallerIdentity({}),
    region: async () => (await aws.getRegion({})).region,
    issuerArn: async (arn) => (await aws.iam.getSessionContext({ arn })).issuerArn,
    dataLakeAdmins: async () => (await aws.lakeformation.getDataLakeSettings({})).admins ?? [],
  };
}

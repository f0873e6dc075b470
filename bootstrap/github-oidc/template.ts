/**
 * The once-per-account bootstrap: a CloudFormation template with GitHub's OIDC provider
 * (optional: an account has at most one per URL), the deploy role the `staging` and
 * `production` environments assume, and the read-only diff role pull requests assume.
 * docs/ci.md says why this is not part of the SST app.
 */
import { type DeployScope, deployRoleStatements, diffRoleStatements, type PolicyStatement } from './deploy-permissions';
import { GITHUB_OIDC_URL, githubTrustPolicy, STS_AUDIENCE, TrustPolicyError } from './trust-policy';

export interface BootstrapOptions extends DeployScope {
  /** `owner/repo` of this repository on GitHub. */
  readonly repository: string;
  /** GitHub environments whose jobs may deploy into this account (e.g. staging, production). */
  readonly environments: readonly string[];
  /** The account's existing GitHub OIDC provider; without it the template creates one. */
  readonly existingProviderArn?: string;
  /** Name prefix of the two roles (default `<app>-github`). */
  readonly rolePrefix?: string;
}

export const DEPLOY_ROLE_SESSION_SECONDS = 7200;
const PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

type CfnValue =
  | string
  | { readonly 'Fn::Sub': string }
  | { readonly 'Fn::GetAtt': readonly string[] }
  | { readonly Ref: string };

/** Strings holding `${AWS::…}` become `Fn::Sub`, so one template serves every account. */
function sub(value: string): CfnValue {
  return value.includes('${') ? { 'Fn::Sub': value } : value;
}

function subStatement(statement: PolicyStatement): Record<string, unknown> {
  return {
    ...statement,
    ...(statement.Resource ? { Resource: statement.Resource.map(sub) } : {}),
    ...(statement.NotResource ? { NotResource: statement.NotResource.map(sub) } : {}),
  };
}

/**
 * The CloudFormation template (JSON-ready object).
 *
 * @throws TrustPolicyError on a malformed repository, environment, region or provider ARN.
 */
export function bootstrapTemplate(options: BootstrapOptions): Record<string, unknown> {
  if (options.environments.length === 0) {
    throw new TrustPolicyError('environments: name at least one GitHub environment that deploys into this account');
  }
  const badRegion = options.regions.find((region) => !REGION.test(region));
  if (options.regions.length === 0 || badRegion !== undefined) {
    throw new TrustPolicyError(`regions: "${badRegion ?? ''}" is not an AWS region (e.g. eu-west-1)`);
  }
  if (options.existingProviderArn !== undefined && !PROVIDER_ARN.test(options.existingProviderArn)) {
    throw new TrustPolicyError(
      `existingProviderArn "${options.existingProviderArn}" is not the ARN of a token.actions.githubusercontent.com OIDC provider`,
    );
  }
  const prefix = options.rolePrefix ?? `${options.app}-github`;
  // The policies are built with a placeholder principal, then the provider goes in as a CloudFormation reference.
  const providerRef: CfnValue = options.existingProviderArn ?? { 'Fn::GetAtt': ['GitHubOidcProvider', 'Arn'] };
  const trust = (trusted: { environments?: readonly string[]; pullRequest?: boolean }) => {
    const policy = githubTrustPolicy('provider', { repository: options.repository, ...trusted });
    return { ...policy, Statement: policy.Statement.map((s) => ({ ...s, Principal: { Federated: providerRef } })) };
  };
  const document = (statements: { statement: PolicyStatement }[]) => ({
    Version: '2012-10-17',
    Statement: statements.map(({ statement }) => subStatement(statement)),
  });
  const resources: Record<string, unknown> = {
    DeployRole: {
      Type: 'AWS::IAM::Role',
      Metadata: {
        checkov: {
          skip: [
            {
              id: 'CKV_AWS_111',
              comment:
                'service:* on * in the stage regions: names carry random suffixes and many Create/Describe calls have no ' +
                'resource-level permissions (deploy-permissions.ts, docs/ci.md); IAM writes are scoped by the sst:app tag',
            },
          ],
        },
      },
      Properties: {
        RoleName: `${prefix}-deploy`,
        Description: `sst deploy of ${options.app} from GitHub environments ${options.environments.join(', ')} of ${options.repository}`,
        MaxSessionDuration: DEPLOY_ROLE_SESSION_SECONDS,
        AssumeRolePolicyDocument: trust({ environments: options.environments }),
        Policies: [{ PolicyName: 'sst-deploy', PolicyDocument: document(deployRoleStatements(options)) }],
      },
    },
    DiffRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: `${prefix}-diff`,
        Description: `read-only sst diff of ${options.app} from pull requests of ${options.repository}`,
        MaxSessionDuration: 3600,
        AssumeRolePolicyDocument: trust({ pullRequest: true }),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation pseudo parameter, filled by Fn::Sub
        ManagedPolicyArns: [sub('arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess')],
        Policies: [{ PolicyName: 'sst-diff', PolicyDocument: document(diffRoleStatements(options)) }],
      },
    },
  };
  if (options.existingProviderArn === undefined) {
    resources.GitHubOidcProvider = {
      Type: 'AWS::IAM::OIDCProvider',
      // Retained: other repositories' roles in the account may trust the same provider.
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { Url: GITHUB_OIDC_URL, ClientIdList: [STS_AUDIENCE] },
    };
  }
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `GitHub Actions OIDC roles of ${options.repository} (${options.app}): deploy and read-only diff`,
    Resources: resources,
    Outputs: {
      DeployRoleArn: { Value: { 'Fn::GetAtt': ['DeployRole', 'Arn'] } },
      DiffRoleArn: { Value: { 'Fn::GetAtt': ['DiffRole', 'Arn'] } },
      OidcProviderArn: { Value: providerRef },
    },
  };
}

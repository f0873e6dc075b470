import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployRoleStatements, diffRoleStatements } from '../../bootstrap/github-oidc/deploy-permissions';
import { bootstrapTemplate } from '../../bootstrap/github-oidc/template';
import {
  AUD_KEY,
  checkTrustPolicy,
  githubSubjects,
  githubTrustPolicy,
  STS_AUDIENCE,
  SUB_KEY,
  TrustPolicyError,
} from '../../bootstrap/github-oidc/trust-policy';

const ROOT = resolve(import.meta.dirname, '../..');
const REPO = 'acme/lean-ops';
const PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
const OPTIONS = { app: 'lean-ops', repository: REPO, environments: ['staging', 'production'], regions: ['eu-west-1'] };

type Role = {
  Metadata?: unknown;
  Properties: {
    AssumeRolePolicyDocument: { Statement: Record<string, unknown>[] };
    Policies: { PolicyDocument: { Statement: Record<string, unknown>[] } }[];
    ManagedPolicyArns?: unknown[];
  };
};
const roles = (template: Record<string, unknown>) => template.Resources as Record<string, Role>;

describe('githubSubjects', () => {
  it('names exact environment subjects and the pull_request subject of one repository', () => {
    expect(githubSubjects({ repository: REPO, environments: ['staging', 'production'] })).toEqual([
      'repo:acme/lean-ops:environment:staging',
      'repo:acme/lean-ops:environment:production',
    ]);
    expect(githubSubjects({ repository: REPO, pullRequest: true })).toEqual(['repo:acme/lean-ops:pull_request']);
  });

  it.each([
    ['acme/*', 'repository "acme/*"'],
    ['*', 'repository "*"'],
    ['acme', 'repository "acme"'],
    ['acme/lean-ops:ref:refs/heads/main', 'repository "acme/lean-ops:ref'],
  ])('refuses repository %s', (repository, message) => {
    expect(() => githubSubjects({ repository, environments: ['staging'] })).toThrow(TrustPolicyError);
    expect(() => githubSubjects({ repository, environments: ['staging'] })).toThrow(message);
  });

  it.each(['*', 'prod*', 'staging:ref', ''])('refuses environment "%s"', (environment) => {
    expect(() => githubSubjects({ repository: REPO, environments: [environment] })).toThrow(
      `environment "${environment}"`,
    );
  });

  it('refuses a role that trusts no subject', () => {
    expect(() => githubSubjects({ repository: REPO })).toThrow('trusts no subject');
  });
});

describe('githubTrustPolicy', () => {
  it('requires aud = sts.amazonaws.com and the exact subs, with StringEquals only', () => {
    const policy = githubTrustPolicy(PROVIDER, { repository: REPO, environments: ['staging'] });
    expect(policy.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': ['repo:acme/lean-ops:environment:staging'],
          },
        },
      },
    ]);
    expect(() => checkTrustPolicy(policy, REPO, { allowPullRequest: false })).not.toThrow();
  });
});

describe('checkTrustPolicy catches a planted mistake', () => {
  const good = () => githubTrustPolicy(PROVIDER, { repository: REPO, environments: ['staging'] });
  const withCondition = (condition: Record<string, Record<string, unknown>>) => ({
    Statement: [{ ...good().Statement[0], Condition: condition }],
  });

  it.each([
    ['a wildcard sub', { StringEquals: { [AUD_KEY]: STS_AUDIENCE, [SUB_KEY]: 'repo:acme/lean-ops:*' } }, 'neither'],
    [
      'another repository',
      { StringEquals: { [AUD_KEY]: STS_AUDIENCE, [SUB_KEY]: 'repo:acme/other:environment:staging' } },
      'not a subject of acme/lean-ops',
    ],
    [
      'a repository-wide wildcard',
      { StringEquals: { [AUD_KEY]: STS_AUDIENCE, [SUB_KEY]: 'repo:acme/*' } },
      'not a subject',
    ],
    [
      'a branch instead of an environment',
      { StringEquals: { [AUD_KEY]: STS_AUDIENCE, [SUB_KEY]: 'repo:acme/lean-ops:ref:refs/heads/main' } },
      'neither',
    ],
    [
      'StringLike on sub',
      { StringEquals: { [AUD_KEY]: STS_AUDIENCE }, StringLike: { [SUB_KEY]: 'repo:acme/lean-ops:*' } },
      'StringLike',
    ],
    ['no sub at all', { StringEquals: { [AUD_KEY]: STS_AUDIENCE } }, 'no token.actions.githubusercontent.com:sub'],
    ['no aud', { StringEquals: { [SUB_KEY]: 'repo:acme/lean-ops:environment:staging' } }, ':aud must be exactly'],
    [
      'a wrong aud',
      { StringEquals: { [AUD_KEY]: 'sigstore', [SUB_KEY]: 'repo:acme/lean-ops:environment:staging' } },
      ':aud must be exactly',
    ],
  ])('%s', (_name, condition, message) => {
    expect(() => checkTrustPolicy(withCondition(condition), REPO, { allowPullRequest: false })).toThrow(message);
  });

  it('a pull_request subject on the deploy role', () => {
    const policy = githubTrustPolicy(PROVIDER, { repository: REPO, pullRequest: true });
    expect(() => checkTrustPolicy(policy, REPO, { allowPullRequest: false })).toThrow('neither');
    expect(() => checkTrustPolicy(policy, REPO, { allowPullRequest: true })).not.toThrow();
  });

  it('an action other than AssumeRoleWithWebIdentity', () => {
    const policy = { Statement: [{ ...good().Statement[0], Action: 'sts:AssumeRole' }] };
    expect(() => checkTrustPolicy(policy, REPO, { allowPullRequest: false })).toThrow('AssumeRoleWithWebIdentity');
  });
});

describe('bootstrapTemplate', () => {
  const template = bootstrapTemplate(OPTIONS);

  it('trusts the environments on the deploy role and pull requests on the read-only diff role', () => {
    const { DeployRole, DiffRole } = roles(template);
    if (!DeployRole || !DiffRole) throw new Error('template lacks DeployRole or DiffRole');
    expect(() =>
      checkTrustPolicy(DeployRole.Properties.AssumeRolePolicyDocument, REPO, { allowPullRequest: false }),
    ).not.toThrow();
    expect(() =>
      checkTrustPolicy(DiffRole.Properties.AssumeRolePolicyDocument, REPO, { allowPullRequest: true }),
    ).not.toThrow();
    expect(JSON.stringify(DiffRole.Properties.AssumeRolePolicyDocument)).not.toContain('environment:');
    expect(DiffRole.Properties.ManagedPolicyArns).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation pseudo parameter
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess' },
    ]);
    // The provider is the template's own unless an existing one is named.
    expect(DeployRole.Properties.AssumeRolePolicyDocument.Statement[0]?.Principal).toEqual({
      Federated: { 'Fn::GetAtt': ['GitHubOidcProvider', 'Arn'] },
    });
    const reused = roles(bootstrapTemplate({ ...OPTIONS, existingProviderArn: PROVIDER }));
    expect(reused.GitHubOidcProvider).toBeUndefined();
    expect(reused.DeployRole?.Properties.AssumeRolePolicyDocument.Statement[0]?.Principal).toEqual({
      Federated: PROVIDER,
    });
  });

  it('covers every GitHub environment the deploy workflow names, and the app name of sst.config.ts', () => {
    const workflow = readFileSync(join(ROOT, '.github/workflows/deploy.yml'), 'utf8');
    const environments = [...workflow.matchAll(/^\s+environment: (\S+)$/gm)].map((m) => m[1]);
    expect(environments).toEqual(['staging', 'production']);
    expect(OPTIONS.environments).toEqual(environments);
    expect(readFileSync(join(ROOT, 'sst.config.ts'), 'utf8')).toContain(`name: '${OPTIONS.app}'`);
  });

  it('keeps IAM writes to roles tagged with the app, and PassRole to the stack services', () => {
    const statements = deployRoleStatements(OPTIONS).map((s) => s.statement);
    const iamWrites = statements.filter((s) => s.Action?.some((a) => /^iam:(Create|Put|Attach|Delete|Update)/.test(a)));
    for (const s of iamWrites) {
      const tagged =
        JSON.stringify(s.Condition ?? {}).includes('"aws:RequestTag/sst:app":"lean-ops"') ||
        JSON.stringify(s.Condition ?? {}).includes('"aws:ResourceTag/sst:app":"lean-ops"') ||
        JSON.stringify(s.Condition ?? {}).includes('iam:AWSServiceName');
      expect(tagged, s.Sid).toBe(true);
    }
    const passRole = statements.find((s) => s.Action?.includes('iam:PassRole'));
    expect(passRole?.Condition?.StringEquals?.['iam:PassedToService']).toContain('ecs-tasks.amazonaws.com');
    expect(statements.every((s) => s.Action?.every((a) => a !== '*' && a !== 'iam:*'))).toBe(true);
  });

  it('refuses data reads to the diff role', () => {
    const deny = diffRoleStatements(OPTIONS).find((s) => s.statement.Effect === 'Deny')?.statement;
    expect(deny?.Action).toEqual(
      expect.arrayContaining(['s3:GetObject', 'sqs:ReceiveMessage', 'dynamodb:Scan', 'secretsmanager:GetSecretValue']),
    );
  });

  it("stays under IAM's 10,240-character inline policy limit", () => {
    for (const role of Object.values(roles(template))) {
      for (const policy of role.Properties?.Policies ?? []) {
        expect(JSON.stringify(policy.PolicyDocument).length).toBeLessThan(10_240);
      }
    }
  });

  it.each([
    [{ environments: [] }, 'environments'],
    [{ regions: ['eu-west'] }, 'regions'],
    [{ existingProviderArn: 'arn:aws:iam::123456789012:oidc-provider/accounts.google.com' }, 'existingProviderArn'],
  ])('refuses %j', (override, message) => {
    expect(() => bootstrapTemplate({ ...OPTIONS, ...override })).toThrow(message);
  });

  it('is a valid CloudFormation template (cfn-lint from .venv)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'github-oidc-'));
    try {
      const file = join(dir, 'github-oidc.json');
      writeFileSync(file, JSON.stringify(template));
      const lint = spawnSync(join(ROOT, '.venv/bin/cfn-lint'), [file], { encoding: 'utf8' });
      expect(`${lint.stdout}${lint.stderr}`).toBe('');
      expect(lint.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Trust policies of the roles GitHub Actions assumes through the account's OIDC provider
 * (token.actions.githubusercontent.com). A role trusts exact subjects only (`StringEquals`, no
 * wildcards): `repo:<owner>/<repo>:environment:<name>` for a deploy job that names a GitHub
 * environment, `repo:<owner>/<repo>:pull_request` for the read-only diff job. A subject with a
 * wildcard, or one of another repository, would let other workflows assume the role.
 *
 * Plain TypeScript (no AWS SDK): tests build and check policies directly, and render.ts writes
 * them into the bootstrap CloudFormation template.
 */

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
/** The audience aws-actions/configure-aws-credentials requests for the token. */
export const STS_AUDIENCE = 'sts.amazonaws.com';
export const AUD_KEY = `${GITHUB_OIDC_HOST}:aud`;
export const SUB_KEY = `${GITHUB_OIDC_HOST}:sub`;

/** A trust policy, or the input that would build one, that could let the wrong workflow in. */
export class TrustPolicyError extends Error {
  override readonly name = 'TrustPolicyError';
}

// GitHub: owner names are alphanumerics and single hyphens; repository names add `.` and `_`.
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
// Environment names as they appear in the `sub` claim; `:` would split the claim, `*`/`?` match anything.
const ENVIRONMENT = /^[A-Za-z0-9._-]{1,255}$/;

/** What a role trusts: GitHub environments of one repository, and/or its pull requests. */
export interface TrustedSubjects {
  /** `owner/repo`, exactly as GitHub spells it (the claim is compared case-sensitively). */
  readonly repository: string;
  /** GitHub environments whose jobs may assume the role (`environment: staging` in the job). */
  readonly environments?: readonly string[];
  /** Jobs of `pull_request` runs without an environment (the read-only diff). */
  readonly pullRequest?: boolean;
}

/**
 * The exact `sub` claims of `trusted`.
 *
 * @throws TrustPolicyError naming the repository or environment that is malformed or that
 * holds a wildcard, or when no subject is trusted at all.
 */
export function githubSubjects(trusted: TrustedSubjects): string[] {
  const { repository } = trusted;
  if (!REPOSITORY.test(repository)) {
    throw new TrustPolicyError(
      `repository "${repository}" is not "<owner>/<repo>" (letters, digits, "-", "." and "_"; no wildcards)`,
    );
  }
  const subjects: string[] = [];
  for (const environment of trusted.environments ?? []) {
    if (!ENVIRONMENT.test(environment)) {
      throw new TrustPolicyError(
        `environment "${environment}" is not a plain GitHub environment name (letters, digits, "-", "." and "_"; no wildcards or ":")`,
      );
    }
    subjects.push(`repo:${repository}:environment:${environment}`);
  }
  if (trusted.pullRequest) subjects.push(`repo:${repository}:pull_request`);
  if (subjects.length === 0) {
    throw new TrustPolicyError(`role for ${repository} trusts no subject: name environments or pullRequest`);
  }
  return subjects;
}

export interface TrustStatement {
  readonly Effect: 'Allow';
  readonly Principal: { readonly Federated: string };
  readonly Action: 'sts:AssumeRoleWithWebIdentity';
  readonly Condition: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface TrustPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: readonly TrustStatement[];
}

/** The trust policy of a role GitHub jobs of `trusted` assume through `providerArn`. */
export function githubTrustPolicy(providerArn: string, trusted: TrustedSubjects): TrustPolicy {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [AUD_KEY]: STS_AUDIENCE, [SUB_KEY]: githubSubjects(trusted) } },
      },
    ],
  };
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * Checks a trust policy (built here or edited by hand) before it is deployed: every statement
 * is for web identities, requires `aud` = sts.amazonaws.com and an exact `sub` of `repository`
 * (an environment, or pull_request when `allowPullRequest`), all with `StringEquals`.
 *
 * @throws TrustPolicyError naming the statement and the condition that is missing or too wide.
 */
export function checkTrustPolicy(
  policy: { readonly Statement: readonly unknown[] },
  repository: string,
  options: { readonly allowPullRequest: boolean },
): void {
  const prefix = `repo:${repository}:`;
  policy.Statement.forEach((raw, index) => {
    const where = `statement ${index}`;
    const statement = raw as Partial<TrustStatement> & { Condition?: Record<string, Record<string, unknown>> };
    if (statement.Action !== 'sts:AssumeRoleWithWebIdentity' || !statement.Principal?.Federated) {
      throw new TrustPolicyError(`${where}: must allow only sts:AssumeRoleWithWebIdentity by the OIDC provider`);
    }
    const conditions = statement.Condition ?? {};
    for (const [operator, keys] of Object.entries(conditions)) {
      if (operator !== 'StringEquals' && (AUD_KEY in keys || SUB_KEY in keys)) {
        throw new TrustPolicyError(`${where}: ${operator} on the token claims; use StringEquals (exact values only)`);
      }
    }
    const equals = conditions.StringEquals ?? {};
    const aud = asList(equals[AUD_KEY]);
    if (aud.length !== 1 || aud[0] !== STS_AUDIENCE) {
      throw new TrustPolicyError(`${where}: ${AUD_KEY} must be exactly "${STS_AUDIENCE}"`);
    }
    const subs = equals[SUB_KEY] === undefined ? [] : asList(equals[SUB_KEY]);
    if (subs.length === 0)
      throw new TrustPolicyError(`${where}: no ${SUB_KEY} condition: any repository could assume it`);
    for (const sub of subs) {
      if (typeof sub !== 'string' || !sub.startsWith(prefix)) {
        throw new TrustPolicyError(`${where}: ${SUB_KEY} "${String(sub)}" is not a subject of ${repository}`);
      }
      const rest = sub.slice(prefix.length);
      const isEnvironment = rest.startsWith('environment:') && ENVIRONMENT.test(rest.slice('environment:'.length));
      const isPullRequest = rest === 'pull_request' && options.allowPullRequest;
      if (!isEnvironment && !isPullRequest) {
        throw new TrustPolicyError(
          `${where}: ${SUB_KEY} "${sub}" is neither a GitHub environment of ${repository}` +
            (options.allowPullRequest ? ' nor its pull_request subject' : ''),
        );
      }
    }
  });
}

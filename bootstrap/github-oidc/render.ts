/**
 * Writes the bootstrap CloudFormation template (template.ts) to stdout, for
 * `aws cloudformation deploy` once per account (docs/ci.md, "OIDC trust in a new account"):
 *
 *   npx tsx bootstrap/github-oidc/render.ts --repository acme/lean-ops \
 *     --environments staging,production --regions eu-west-1 > github-oidc.json
 *
 * Options: --repository owner/repo, --environments a,b, --regions r1,r2,
 * --existing-provider-arn ARN (the account already has GitHub's provider), --app (default lean-ops).
 */
import { parseArgs } from 'node:util';
import { bootstrapTemplate } from './template';
import { TrustPolicyError } from './trust-policy';

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

try {
  const { values } = parseArgs({
    options: {
      repository: { type: 'string' },
      environments: { type: 'string', default: 'staging,production' },
      regions: { type: 'string' },
      'existing-provider-arn': { type: 'string' },
      app: { type: 'string', default: 'lean-ops' },
    },
    strict: true,
  });
  if (!values.repository) throw new TrustPolicyError('--repository owner/repo is required');
  const template = bootstrapTemplate({
    app: values.app,
    repository: values.repository,
    environments: list(values.environments),
    regions: list(values.regions),
    ...(values['existing-provider-arn'] ? { existingProviderArn: values['existing-provider-arn'] } : {}),
  });
  process.stdout.write(`${JSON.stringify(template, null, 2)}\n`);
} catch (error) {
  process.stderr.write(`render: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/index.js';

const SCHEMA = { version: 1, columns: [{ name: 'temperature', type: 'double', required: true }] };
const ROLE = 'arn:aws:iam::123456789012:role/lean-ops-prod-snowflake';

function configFile(extra: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lean-ops-snowflake-')), 'lean-ops.config.json');
  writeFileSync(file, JSON.stringify({ topics: { telemetry: { schema: SCHEMA }, events: {} }, ...extra }));
  return file;
}

/** Runs `lean-ops snowflake ddl …` in this process; returns the exit code and what it wrote. */
async function ddl(args: string[]) {
  let stdout = '';
  let stderr = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const errors = new PassThrough();
  errors.on('data', (chunk) => {
    stderr += String(chunk);
  });
  try {
    const code = await runCli(['snowflake', 'ddl', ...args], errors);
    return { code, stdout, stderr };
  } finally {
    write.mockRestore();
  }
}

const full = (config: string) => [
  '--stage',
  'prod',
  '--config',
  config,
  '--region',
  'eu-west-1',
  '--account-id',
  '123456789012',
  '--role-arn',
  ROLE,
];

afterEach(() => {
  process.exitCode = undefined;
  vi.unstubAllEnvs();
});

describe('lean-ops snowflake ddl', () => {
  it("prints the stage's DDL for the config's semantic topics", async () => {
    const { code, stdout } = await ddl(full(configFile({ snowflake: { analystRole: 'DATA_SCIENCE' } })));
    expect(code).toBe(0);
    expect(stdout).toContain('CREATE CATALOG INTEGRATION IF NOT EXISTS LEAN_OPS_PROD_GLUE_CATALOG');
    expect(stdout).toContain("CATALOG_NAMESPACE = 'lean_ops_prod_semantic'");
    expect(stdout).toContain('CREATE ICEBERG TABLE IF NOT EXISTS LEAN_OPS.SEMANTIC.TELEMETRY');
    expect(stdout).not.toContain('LEAN_OPS.SEMANTIC.EVENTS');
    expect(stdout).toContain('QUALIFY ROW_NUMBER() OVER (PARTITION BY "idempotency_key"');
    expect(stdout).toContain('GRANT SELECT ON FUTURE VIEWS IN SCHEMA LEAN_OPS.SEMANTIC TO ROLE DATA_SCIENCE;');
  });

  it('takes the stage, region and account from the environment', async () => {
    vi.stubEnv('LEAN_OPS_STAGE', 'pr-7');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCOUNT_ID', '123456789012');
    const config = configFile({ snowflake: {} });
    const { code, stdout } = await ddl(['--config', config]);
    expect(code).toBe(0);
    // The role the stacks create for the stage, in the given account.
    expect(stdout).toContain("SIGV4_IAM_ROLE = 'arn:aws:iam::123456789012:role/lean-ops-pr-7-snowflake'");
    expect(stdout).toContain("CATALOG_URI = 'https://glue.us-east-1.amazonaws.com/iceberg'");
    expect(stdout).toContain('LEAN_OPS_PR_7_GLUE_CATALOG');
  });

  it('says how to add a missing snowflake section', async () => {
    const { code, stderr } = await ddl(full(configFile({})));
    expect(code).toBe(2);
    expect(stderr).toMatch(/the config has no `snowflake` section: add one/);
  });

  it('names a missing option', async () => {
    vi.stubEnv('AWS_ACCOUNT_ID', '');
    const args = full(configFile({ snowflake: {} })).slice(0, 6);
    const { code, stderr } = await ddl(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--account-id is required \(or set AWS_ACCOUNT_ID\)/);
  });

  it('needs the warehouse bucket with the glue catalog', async () => {
    const { code, stderr } = await ddl(full(configFile({ snowflake: { catalog: 'glue' } })));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--warehouse-bucket \(catalog glue\) is required/);
  });
});

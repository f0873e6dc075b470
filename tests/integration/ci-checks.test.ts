import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// scripts/lint-ci.sh (`npm run lint:ci`) on copies of this repository's workflows: the real
// ones pass, and each planted mistake fails the check that is meant to catch it. The tools are
// the real pinned ones (scripts/lib/ci-tools.sh); a missing tool fails these tests too.

const ROOT = resolve(import.meta.dirname, '../..');
const LINT_CI = join(ROOT, 'scripts/lint-ci.sh');
// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, planted on purpose
const INJECTED_STEP = '      - run: echo "linting ${{ github.event.pull_request.title }}"\n';
const LINT_STEP = '      - run: npm run lint\n';
const CHECKOUT = /actions\/checkout@[0-9a-f]{40} # v[\d.]+/;

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ci-checks-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A copy of `.github` in a fresh folder, with `edit` applied to ci.yml. */
function workflowsCopy(name: string, edit: (ciYml: string) => string = (text) => text): string {
  const dir = join(work, name);
  cpSync(join(ROOT, '.github'), join(dir, '.github'), { recursive: true });
  const ci = join(dir, '.github/workflows/ci.yml');
  const before = readFileSync(ci, 'utf8');
  const after = edit(before);
  if (name !== 'real') expect(after).not.toBe(before);
  writeFileSync(ci, after);
  return dir;
}

function lintCi(checks: string, dir: string) {
  const result = spawnSync('bash', [LINT_CI, '--only', checks, dir], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('lint-ci on workflows', () => {
  it('passes actionlint and zizmor on the real workflows and local actions', () => {
    const run = lintCi('actionlint,zizmor', workflowsCopy('real'));
    expect(run.out).toContain('actionlint     ok');
    expect(run.out).toContain('zizmor         ok');
    expect(run.code).toBe(0);
  });

  it('fails zizmor on an action pinned by tag instead of commit SHA', () => {
    const dir = workflowsCopy('unpinned', (text) => text.replace(CHECKOUT, 'actions/checkout@v5'));
    const run = lintCi('actionlint,zizmor', dir);
    expect(run.code).toBe(1);
    expect(run.out).toContain('unpinned-uses');
    expect(run.out).toContain('zizmor         FAILED');
    expect(run.out).toMatch(/lint-ci: FAILED: zizmor$/m);
  });

  it('fails actionlint and zizmor on a pull request title expanded into run:', () => {
    const dir = workflowsCopy('injection', (text) => text.replace(LINT_STEP, `${LINT_STEP}${INJECTED_STEP}`));
    const run = lintCi('actionlint,zizmor', dir);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/"github\.event\.pull_request\.title" is potentially untrusted/);
    expect(run.out).toContain('template-injection');
    expect(run.out).toMatch(/lint-ci: FAILED: actionlint zizmor$/m);
  });
});

describe('lint-ci gitleaks allowlist', () => {
  // Outside git, lint-ci scans the whole folder. The allowlist names file AND value.
  function treeWith(name: string, files: Record<string, string>): string {
    const dir = join(work, name);
    mkdirSync(join(dir, 'tests/infra'), { recursive: true });
    cpSync(join(ROOT, 'tests/infra/sst-harness.ts'), join(dir, 'tests/infra/sst-harness.ts'));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return dir;
  }
  // Written here in two halves, so that lint-ci's own scan of this file finds no key.
  const OTHER_VALUE = '9f86d081884c7d65' + '9a2feaa0c55ad015';
  const harness = readFileSync(join(ROOT, 'tests/infra/sst-harness.ts'), 'utf8');
  const allowlisted = /SECRET_SIG_KEY = '([0-9a-f]{32})'/.exec(harness)?.[1];

  it('accepts the allowlisted fixture in its own file', () => {
    const run = lintCi('gitleaks', treeWith('leaks-clean', {}));
    expect(run.out).toContain('no leaks found');
    expect(run.code).toBe(0);
  });

  it('reports the same value in another file, and another value in the allowlisted file', () => {
    expect(allowlisted).toMatch(/^[0-9a-f]{32}$/);
    const dir = treeWith('leaks-planted', { 'tests/infra/other.ts': `const SECRET_SIG_KEY = '${allowlisted}';\n` });
    writeFileSync(join(dir, 'tests/infra/sst-harness.ts'), `${harness}const DEPLOY_SECRET_KEY = '${OTHER_VALUE}';\n`);
    const run = lintCi('gitleaks', dir);
    expect(run.code).toBe(1);
    expect(run.out).toContain('leaks found: 2');
    expect(run.out).toMatch(/File:\s+tests\/infra\/other\.ts/);
    expect(run.out).toMatch(/File:\s+tests\/infra\/sst-harness\.ts/);
  });
});

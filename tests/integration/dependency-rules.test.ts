import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/layering/', import.meta.url));

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

/** The repository's own rules (`npm run lint`) over a fixture tree with planted violations. */
async function violations(): Promise<Violation[]> {
  const { stdout } = await promisify(execFile)(
    `${ROOT}node_modules/.bin/depcruise`,
    ['--config', `${ROOT}.dependency-cruiser.cjs`, '--output-type', 'json', 'packages', 'workers', 'apps', 'stacks'],
    { cwd: FIXTURE },
  );
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('dependency-cruiser rules (.dependency-cruiser.cjs)', () => {
  it('flags every planted violation and nothing else: a service importing another, an upward import between layers, a deep import, the infrastructure importing a service', async () => {
    const found = (await violations()).map((v) => [v.rule.name, v.from, v.to]).sort();

    expect(found).toEqual(
      [
        // A service importing another, from its source and its tests (nothing within one service).
        ['no-service-imports-another-service', 'workers/dlq/src/index.js', 'workers/ingest/src/index.js'],
        ['no-service-imports-another-service', 'workers/dlq/tests/uses-ingest.test.js', 'workers/ingest/src/index.js'],
        // Upward: packages/ → workers/, workers/ → apps/ (apps/ → workers/ and packages/ is allowed).
        ['packages-import-no-service-or-app', 'packages/lake/src/index.js', 'workers/ingest/src/index.js'],
        ['services-import-no-app', 'workers/scheduler/src/index.js', 'apps/cli/src/index.js'],
        // A composition root past a service's index.
        ['no-deep-imports-between-packages', 'apps/cli/src/deep.js', 'workers/dlq/src/own.js'],
        ['stacks-import-only-contracts', 'stacks/queues.js', 'workers/ingest/src/index.js'],
      ].sort(),
    );
  });
});

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
    ['--config', `${ROOT}.dependency-cruiser.cjs`, '--output-type', 'json', 'workers'],
    { cwd: FIXTURE },
  );
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('dependency-cruiser rules (.dependency-cruiser.cjs)', () => {
  it('no-service-imports-another-service: flags a service importing another, from its source and its tests, and nothing within one service', async () => {
    const found = (await violations()).map((v) => [v.rule.name, v.from, v.to]);

    expect(found).toEqual([
      ['no-service-imports-another-service', 'workers/dlq/src/index.js', 'workers/ingest/src/index.js'],
      ['no-service-imports-another-service', 'workers/dlq/tests/uses-ingest.test.js', 'workers/ingest/src/index.js'],
    ]);
  });
});

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { assertPlatformInstalled, ROOT } from './sst-harness';

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Runs tsc and settles with its exit code and output, whatever the exit code. */
function tsc(args: readonly string[]): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TSC, ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ exitCode, output: `${stdout}${stderr}` });
    });
  });
}

it('typechecks sst.config.ts and stacks/ against the SST platform (tsconfig.infra.json)', async () => {
  // Fails (never skips) when `sst install` has not run: "run npm run provision".
  assertPlatformInstalled();

  const { exitCode, output } = await tsc(['--noEmit', '-p', 'tsconfig.infra.json', '--listFiles']);
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  // --listFiles prints absolute paths; everything else is a diagnostic.
  const files = lines.filter((line) => line.startsWith(ROOT));
  const diagnostics = lines.filter((line) => !line.startsWith(ROOT));

  expect({ exitCode, diagnostics }).toEqual({ exitCode: 0, diagnostics: [] });
  // The program really contains the app and the platform's globals (an include typo would not).
  expect(files).toEqual(
    expect.arrayContaining([
      join(ROOT, 'sst.config.ts'),
      join(ROOT, 'stacks', 'stage.ts'),
      join(ROOT, '.sst', 'platform', 'config.d.ts'),
    ]),
  );
});

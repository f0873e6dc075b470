import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/index.js';

const BIN = resolve(import.meta.dirname, '../../bin/lean-ops.js');
const run = promisify(execFile);

/** Runs the real `lean-ops` bin; resolves with the exit code and output whatever the code. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = tmpdir()) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env, LEAN_OPS_CONFIG: '', LEAN_OPS_TOPICS: env.LEAN_OPS_TOPICS ?? '' },
      cwd,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

describe('CLI: lean-ops', () => {
  it('prints help for the root', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: lean-ops \[options\] \[command\]/);
  });

  it.each(commandPaths(buildProgram()).map((path) => path.join(' ')))('prints help for "%s"', async (path) => {
    const { code, stdout } = await cli([...path.split(' '), '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: lean-ops ${path}`));
  });

  it('exits 2 on an unknown command', async () => {
    const { code, stderr } = await cli(['bogus']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command 'bogus'/);
  });

  it('config check: exits 2 naming the bad key, without a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lean-ops-cli-'));
    writeFileSync(
      join(dir, 'lean-ops.config.json'),
      JSON.stringify({ topics: { t: {} }, thresholds: { backlogRecords: 'x' } }),
    );
    const { code, stderr } = await cli(['config', 'check'], {}, dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/thresholds\.backlogRecords: .*\(got "x"\)/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  /** Writes `config` as lean-ops.config.json into a fresh folder and runs `lean-ops config check` there. */
  async function configCheck(config: unknown) {
    const dir = mkdtempSync(join(tmpdir(), 'lean-ops-cli-'));
    writeFileSync(join(dir, 'lean-ops.config.json'), JSON.stringify(config));
    return cli(['config', 'check'], {}, dir);
  }

  // Each test spawns the CLI (a few seconds through tsx on a loaded machine): a roomier timeout, no timed assertion.
  it('config check: exits 2 naming a bad setting of a service section', { timeout: 30_000 }, async () => {
    const { code, stderr } = await configCheck({ topics: { a: {} }, ingest: { pollersPerQueue: -1 } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/ingest\.pollersPerQueue: .*\(got -1\)/);
  });

  it('config check: refuses unknown section keys, scheduler.backlogRecords included, listing each', {
    timeout: 30_000,
  }, async () => {
    const { code, stderr } = await configCheck({
      topics: { a: {} },
      ingest: { pollersPerQeue: 2 },
      dlq: { backoffBaseSeconds: 120, backoffMaxSeconds: 60 },
      scheduler: { backlogRecords: 5 },
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/ingest\.pollersPerQeue: unknown key/);
    expect(stderr).toMatch(/dlq\.backoffBaseSeconds: must not exceed backoffMaxSeconds/);
    expect(stderr).toMatch(/scheduler\.backlogRecords: unknown key/);
  });

  it('config check: prints every section resolved, defaults applied', { timeout: 30_000 }, async () => {
    const { code, stdout } = await configCheck({ topics: { a: {} }, ingest: { pollersPerQueue: 8 } });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ingest:\n(?: {2}.*\n)*? {2}pollersPerQueue: 8$/m);
    expect(stdout).toMatch(/^dlq:\n(?: {2}.*\n)*? {2}maxAttempts: 5$/m);
    expect(stdout).toMatch(/^scheduler:\n(?: {2}.*\n)*? {2}prefix: lean-ops$/m);
  });

  it('dlq run: a bad flag fails config loading, named with the key it sets', { timeout: 30_000 }, async () => {
    const { code, stderr } = await cli(['dlq', 'run', '--max-attempts', 'many', '--metrics-port', '70000'], {
      LEAN_OPS_TOPICS: 't',
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--max-attempts \(dlq\.maxAttempts: .*\(got "many"\)/);
    expect(stderr).toMatch(/--metrics-port \(dlq\.metricsPort: .*\(got 70000\)/);
  });

  it('config check --json: prints the resolved configuration', async () => {
    const { code, stdout } = await cli(['config', 'check', '--json'], { LEAN_OPS_TOPICS: 'telemetry' });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      topics: [{ name: 'telemetry' }],
      thresholds: { backlogRecords: 10_000 },
      ingest: { pollersPerQueue: 4 },
      dlq: { metricsPort: 9465 },
      scheduler: { attempts: 3 },
    });
  });
});

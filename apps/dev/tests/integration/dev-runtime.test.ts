import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLineOf, DevRuntimeFileError, isProcessAlive } from '@lean-ops/local';
import { createLogger } from '@lean-ops/logger';
import { afterAll, describe, expect, it } from 'vitest';
import { DevAlreadyRunningError, DevRuntimeFile } from '../../src/index.js';

const logger = createLogger({ component: 'test', level: 'silent', format: 'json' });

describe('dev.json: claiming a data dir (real processes)', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  /** A live process standing for a dev recorded in dev.json. */
  async function liveProcess(): Promise<{ pid: number; command: string }> {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    children.push(child);
    await new Promise((r) => child.once('spawn', r));
    const pid = child.pid as number;
    return { pid, command: (await commandLineOf(pid)) as string };
  }

  it('refuses while the dev recorded there still runs, and leaves its dev.json alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-runtime-'));
    const other = await liveProcess();
    const recorded = JSON.stringify({ ...other, status: 'http://127.0.0.1:8470' });
    writeFileSync(join(dir, 'dev.json'), recorded);
    const err = await DevRuntimeFile.claim(dir, logger).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DevAlreadyRunningError);
    expect((err as Error).message).toMatch(
      new RegExp(`--data-dir[\\s\\S]*another lean-ops dev \\(pid ${other.pid}, http://127.0.0.1:8470\\) runs on`),
    );
    expect(readFileSync(join(dir, 'dev.json'), 'utf8')).toBe(recorded);
    expect(isProcessAlive(other.pid)).toBe(true);
  });

  it('takes over when the recorded pid now runs another program, and removes dev.json on request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-runtime-'));
    const other = await liveProcess();
    writeFileSync(join(dir, 'dev.json'), JSON.stringify({ pid: other.pid, command: 'node lean-ops.js dev' }));
    const file = await DevRuntimeFile.claim(dir, logger);
    await file.update({ sqs: 'http://127.0.0.1:9324' });
    expect(JSON.parse(readFileSync(join(dir, 'dev.json'), 'utf8'))).toMatchObject({
      pid: process.pid,
      command: await commandLineOf(process.pid),
      sqs: 'http://127.0.0.1:9324',
    });
    expect(isProcessAlive(other.pid)).toBe(true);
    await file.remove();
    expect(existsSync(join(dir, 'dev.json'))).toBe(false);
  });

  it('refuses a malformed dev.json, naming the file and the field, and leaves it alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-runtime-'));
    const recorded = JSON.stringify({ pid: 42, servers: 'redis' });
    writeFileSync(join(dir, 'dev.json'), recorded);
    const err = await DevRuntimeFile.claim(dir, logger).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DevRuntimeFileError);
    expect((err as Error).message).toContain(join(dir, 'dev.json'));
    expect((err as Error).message).toMatch(/servers: .*expected array/);
    expect(readFileSync(join(dir, 'dev.json'), 'utf8')).toBe(recorded);
  });
});

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type EmbeddedSqs, freePort, LOCAL_CREDENTIALS, startEmbeddedSqs } from '@lean-ops/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The images run `npm run build`'s bundle, not the sources: build it here (into a folder
// under node_modules, so its imports resolve as in the image's /app) and run it for real.

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'node_modules', '.cache', 'lean-ops-build-test');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'apps/cli/package.json'), 'utf8')) as { version: string }).version;

let sqs: EmbeddedSqs;
let work: string;

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--outdir', OUT], { cwd: ROOT });
  sqs = await startEmbeddedSqs();
  work = mkdtempSync(join(tmpdir(), 'lean-ops-build-'));
});

afterAll(async () => {
  await sqs?.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(OUT, { recursive: true, force: true });
});

async function until<T>(what: string, read: () => Promise<T | undefined> | T | undefined, child: ChildProcess) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`lean-ops exited with ${child.exitCode} while waiting for ${what}`);
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm run build (what the container images run)', () => {
  it('writes the CLI and the ingest thread as JavaScript bundles', () => {
    expect(existsSync(join(OUT, 'lean-ops.mjs'))).toBe(true);
    expect(existsSync(join(OUT, 'ingest-thread.mjs'))).toBe(true);
    expect(readFileSync(join(OUT, 'lean-ops.mjs'), 'utf8')).not.toMatch(/from ['"]@lean-ops\//);
  });

  it('runs the CLI without tsx', () => {
    const version = execFileSync(process.execPath, [join(OUT, 'lean-ops.mjs'), '--version'], { encoding: 'utf8' });

    expect(version.trim()).toBe(VERSION);
  });

  it('runs lean-ops ingest with two worker threads from the bundle: a message lands', async () => {
    const topic = 'compiled';
    const { url } = await sqs.createTopicQueue(topic);
    const config = join(work, 'config.json');
    writeFileSync(config, JSON.stringify({ topics: { [topic]: {} }, ingest: { threads: 2 } }));
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [join(OUT, 'lean-ops.mjs'), 'ingest', '--config', config, '--sqs-endpoint', sqs.endpoint],
      {
        cwd: work,
        env: {
          ...process.env,
          LEAN_OPS_DATA_DIR: work,
          LEAN_OPS_METRICS_PORT: String(port),
          LEAN_OPS_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const client = new SQSClient({
      region: 'us-east-1',
      endpoint: sqs.endpoint,
      credentials: { ...LOCAL_CREDENTIALS },
    });
    try {
      await until(
        '/readyz',
        () =>
          fetch(`http://127.0.0.1:${port}/readyz`).then(
            (r) => (r.ok ? true : undefined),
            () => undefined,
          ),
        child,
      );
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const body = JSON.stringify({
        topic,
        device_id: 'd-1',
        event_timestamp: '2026-12-03T10:00:00Z',
        payload: { reading: 1 },
      });
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));

      const landed = await until(
        'a landed file',
        () => {
          const dir = join(work, 'landing', topic);
          const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')) : [];
          return files.length > 0 ? readFileSync(join(dir, files[0] as string), 'utf8') : undefined;
        },
        child,
      );

      expect(metrics).toContain('leanops_');
      expect(landed).toContain('"device_id":"d-1"');
      expect(stderr).not.toMatch(/Error/);
    } finally {
      client.destroy();
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

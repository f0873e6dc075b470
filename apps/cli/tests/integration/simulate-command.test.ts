import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type EmbeddedSqs, startEmbeddedSqs } from '@lean-ops/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/lean-ops.js');
const execute = promisify(execFile);

const valid = (device: string) =>
  JSON.stringify({ topic: 'sensors', device_id: device, event_timestamp: '2025-03-01T12:00:00Z', payload: { v: 1 } });

describe('CLI: lean-ops simulate --ledger (real bin, embedded SQS endpoint)', () => {
  let sqs: EmbeddedSqs;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const simulate = async (args: string[]) => {
    try {
      const { stdout, stderr } = await execute(
        process.execPath,
        [BIN, 'simulate', '--topics', 'sensors', '--endpoint', sqs.endpoint, '--json', ...args],
        { env },
      );
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    sqs = await startEmbeddedSqs();
    await sqs.createTopicQueue('sensors');
    dir = mkdtempSync(join(tmpdir(), 'cli-simulate-'));
    env = { ...process.env, LEAN_OPS_CONFIG: '', LEAN_OPS_QUEUE_PREFIX: '', AWS_REGION: 'us-east-1' };
  });
  afterAll(() => sqs?.close());

  it('exits 1 when SQS refused a line, which the ledger lists as not_sent; a second run appends', async () => {
    const ledger = join(dir, 'ledger.jsonl');
    // A raw U+FFFF: outside the characters SQS takes.
    writeFileSync(join(dir, 'refused.jsonl'), `${valid('d1')}\n{"topic":"sensors","note":"\uffff"}\n`);
    const refused = await simulate(['--input', join(dir, 'refused.jsonl'), '--ledger', ledger]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/1 messages could not be sent; the ledger lists them as not_sent/);
    const first = JSON.parse(refused.stdout);
    expect(first).toMatchObject({ sent: 1, failed: 1, ledger });

    writeFileSync(join(dir, 'clean.jsonl'), `${valid('d2')}\n`);
    const clean = await simulate(['--input', join(dir, 'clean.jsonl'), '--ledger', ledger]);
    expect(clean.code, clean.stderr).toBe(0);
    const second = JSON.parse(clean.stdout);
    expect(second.run_id).not.toBe(first.run_id);

    const lines = readFileSync(ledger, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { run_id: string; seq: number; status: string; error: { code: string } | null });
    expect(lines.map((l) => [l.run_id, l.seq, l.status, l.error?.code ?? null]).sort()).toEqual(
      [
        [first.run_id, 1, 'sent', null],
        [first.run_id, 2, 'not_sent', 'InvalidMessageContents'],
        [second.run_id, 1, 'sent', null],
      ].sort(),
    );
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CostReport } from '@lean-ops/cost';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/index.js';

const ROOT = resolve(import.meta.dirname, '../../../..');

/** Writes a config file with `topics` schema-less topics and `extra` sections; returns its path. */
function configFile(topics: number, extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lean-ops-cost-'));
  const file = join(dir, 'lean-ops.config.json');
  const entries = Object.fromEntries(Array.from({ length: topics }, (_, i) => [`topic_${i}`, {}]));
  writeFileSync(file, JSON.stringify({ topics: entries, ...extra }));
  return file;
}

/** Runs `lean-ops cost …` in this process; returns the exit code and what it wrote. */
async function cost(args: string[]) {
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (chunk) => {
    err += String(chunk);
  });
  try {
    const code = await runCli(['cost', ...args], stderr);
    return { code, stdout, stderr: err };
  } finally {
    write.mockRestore();
  }
}

async function json(args: string[]): Promise<CostReport> {
  const { code, stdout } = await cost([...args, '--json']);
  expect(code).toBe(0);
  return JSON.parse(stdout) as CostReport;
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('lean-ops cost', () => {
  it('takes the topic count from the config and prices prod by default', async () => {
    const report = await json(['--config', configFile(3)]);

    expect(report).toMatchObject({ stage: 'prod', topics: 3, msgs_per_s: 1000, msg_bytes: 1024 });
    expect(report.price_table).toEqual({ date: expect.stringMatching(/^\d{4}-\d\d-\d\d$/), region: 'us-east-1' });
  });

  it('prices a scenario without any config file when --topics gives the count', async () => {
    // The repository root (vitest's cwd) holds no lean-ops.config.*; nothing in the environment names one.
    vi.stubEnv('LEAN_OPS_CONFIG', '');
    vi.stubEnv('LEAN_OPS_TOPICS', '');
    try {
      expect((await cost(['--stage', 'dev'])).code).toBe(2);
      const report = await json(['--stage', 'dev', '--topics', '7']);
      expect(report).toMatchObject({ stage: 'dev', topics: 7 });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('meets the done-when at prod defaults: 20 topics, 1,000 msg/s → Glue ≤ 1/5 of the seeds’, freshness p99 ≤ 15 min', async () => {
    const report = await json(['--config', configFile(1), '--stage', 'prod', '--topics', '20', '--msgs-per-s', '1000']);

    expect(report.glue_usd_per_day).toBeGreaterThan(0);
    expect(report.glue_usd_per_day).toBeLessThanOrEqual(report.seeds.glue_usd_per_day / 5);
    expect(report.freshness_p99_seconds ?? Infinity).toBeLessThanOrEqual(15 * 60);
    expect(report.total_usd_per_month).toBeGreaterThan(0);
    expect(report.seeds.total_usd_per_month).toBeGreaterThan(0);
    expect(report.seeds.glue.job_runs_per_day).toBe(3840);
    expect(report.components.glue.usd_per_day).toBe(report.glue_usd_per_day);
  });

  it("shows the config's timer: a faster one multiplies the seeds' runs", async () => {
    const slow = await json(['--config', configFile(20)]);
    const fast = await json(['--config', configFile(20, { thresholds: { triggerIntervalSeconds: 300 } })]);

    expect(fast.trigger_interval_seconds).toBe(300);
    expect(fast.seeds.glue.job_runs_per_day).toBe(3 * slow.seeds.glue.job_runs_per_day);
    expect(fast.seeds.glue_usd_per_day).toBeGreaterThan(slow.seeds.glue_usd_per_day);
  });

  it("prices the stage's sizes: dev runs Flex on its own interval", async () => {
    const dev = await json(['--config', configFile(20), '--stage', 'dev']);
    const prod = await json(['--config', configFile(20), '--stage', 'prod']);

    expect(dev.glue.execution_class).toBe('FLEX');
    expect(dev.min_run_interval_seconds).not.toBe(prod.min_run_interval_seconds);
    expect(dev.components.elasticache.usd_per_day).toBeLessThan(prod.components.elasticache.usd_per_day);
  });

  it('prints an aligned table, lean-ops and the seeds side by side', async () => {
    const { code, stdout } = await cost(['--config', configFile(20)]);

    expect(code).toBe(0);
    const lines = stdout.split('\n');
    const header = lines.find((line) => line.startsWith('component'));
    const rows = lines.filter((line) => /^(sqs|fargate|glue|network|cloudwatch|total) /.test(line));
    expect(header).toBeDefined();
    expect(rows).toHaveLength(6);
    // Amounts are right-aligned: each ends where its column's header ends.
    for (const title of ['lean-ops $/day', 'lean-ops $/month', 'seeds $/day', 'seeds $/month']) {
      const end = (header ?? '').indexOf(title) + title.length;
      for (const row of rows) expect(row.slice(0, end)).toMatch(/ \$[\d,]+\.\d\d$/);
    }
    expect(stdout).toMatch(/semantic freshness p99: lean-ops \d+\.\d min, seeds \d+\.\d min/);
  });

  it('exits 2 naming every bad flag', async () => {
    const { code, stdout, stderr } = await cost([
      '--config',
      configFile(1),
      '--stage',
      'Prod',
      '--topics',
      '0',
      '--msgs-per-s',
      'fast',
      '--msg-bytes',
      '2000000',
    ]);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/--stage: invalid stage name "Prod"/);
    expect(stderr).toMatch(/--topics: expected an integer ≥ 1 \(got "0"\)/);
    expect(stderr).toMatch(/--msgs-per-s: expected a number > 0 \(got "fast"\)/);
    expect(stderr).toMatch(/--msg-bytes: expected an integer 1 to 1048576 \(got "2000000"\)/);
  });

  it('exits 2 when the config is invalid, naming the key', async () => {
    const { code, stderr } = await cost(['--config', configFile(1, { thresholds: { triggerIntervalSeconds: 0 } })]);

    expect(code).toBe(2);
    expect(stderr).toMatch(/thresholds\.triggerIntervalSeconds/);
  });

  it('docs/cost.md holds the freshness table the model prints (prod, 20 topics, 1,000 msg/s)', async () => {
    const { code, stdout } = await cost([
      '--config',
      configFile(1),
      '--stage',
      'prod',
      '--topics',
      '20',
      '--msgs-per-s',
      '1000',
      '--freshness-table',
    ]);
    const doc = readFileSync(join(ROOT, 'docs', 'cost.md'), 'utf8');
    const committed = /<!-- freshness-table:start -->\n([\s\S]*?)<!-- freshness-table:end -->/.exec(doc)?.[1];

    expect(code).toBe(0);
    expect(committed).toBe(stdout);
  });
});

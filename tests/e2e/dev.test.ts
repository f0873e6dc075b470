import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cli, ENV, FREE_PORTS } from './dev-process.js';
import { buildInput, inputConfig } from './input-fixture.js';

const CHROMIUM = process.env.LEAN_OPS_CHROMIUM ?? '/usr/bin/chromium';

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, string | null>);

describe('lean-ops dev end to end (embedded SQS, DynamoDB Local, Redis, DuckDB; real bin)', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  it('replays an input with faults until idle: audit accounts for every message, tables match the contract', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'e2e-dev-'));
    const input = buildInput();
    writeFileSync(join(dir, 'input.jsonl'), `${input.lines.join('\n')}\n`);
    writeFileSync(join(dir, 'config.json'), inputConfig({ thresholds: { triggerIntervalSeconds: 5 } }));
    const data = join(dir, 'data');
    const run = await cli([
      'dev',
      '--config',
      join(dir, 'config.json'),
      '--input',
      join(dir, 'input.jsonl'),
      '--until-idle',
      '--json',
      '--data-dir',
      data,
      ...FREE_PORTS,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.audit.totals).toMatchObject({
      sent: input.lines.length,
      expected_drop: input.faulty,
      quarantined: input.faulty,
      in_raw: input.lines.length - input.faulty,
      unaccounted: 0,
      misclassified: 0,
    });

    for (const topic of ['sensors', 'events'] as const) {
      const curated = jsonLines(
        (await cli(['export', '--layer', 'curated', '--topic', topic, '--data-dir', data])).stdout,
      );
      const expected = input.curated[topic] as Map<string, { ts: number; temperature: number | string }>;
      expect(curated.map((r) => r.idempotency_key).sort()).toEqual([...expected.keys()].sort());
      for (const row of curated) {
        const want = expected.get(row.idempotency_key as string);
        expect(Date.parse(`${(row.event_timestamp as string).replace(' ', 'T').replace('+00', 'Z')}`)).toBe(want?.ts);
        expect(String(row.temperature)).toBe(String(want?.temperature));
      }
    }
    const semantic = jsonLines(
      (await cli(['export', '--layer', 'semantic', '--topic', 'sensors', '--data-dir', data])).stdout,
    );
    expect(new Map(semantic.map((r) => [r.idempotency_key, Number(r.temperature)]))).toEqual(input.semantic);
    const rejects = jsonLines(
      (await cli(['export', '--layer', 'rejects', '--topic', 'sensors', '--data-dir', data])).stdout,
    );
    expect(rejects.length).toBeGreaterThan(0);
    expect(rejects.every((r) => r.layer === 'semantic' && /temperature/.test(String(r.reason)))).toBe(true);
    const drift = jsonLines(
      (await cli(['export', '--layer', 'drift', '--topic', 'sensors', '--data-dir', data])).stdout,
    );
    expect(drift.map((d) => d.column)).toEqual(['pressure']);
    const eventsDrift = jsonLines(
      (await cli(['export', '--layer', 'drift', '--topic', 'events', '--data-dir', data])).stdout,
    );
    expect(eventsDrift.map((d) => d.column)).toEqual(['*']);

    const audit = await cli(['audit', '--data-dir', data, '--json']);
    expect(audit.code).toBe(0);
    expect(JSON.parse(audit.stdout).totals.unaccounted).toBe(0);
  }, 240_000);

  it('serves the live status page while the demo runs, and stops gracefully on Ctrl-C', async () => {
    const data = mkdtempSync(join(tmpdir(), 'e2e-demo-'));
    const dev = spawn(
      process.execPath,
      [BIN, 'dev', '--data-dir', data, '--rate', '30', ...FREE_PORTS],
      // Its own process group, so Ctrl-C can be sent as a terminal sends it: to the group.
      { env: ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    children.push(dev);
    let err = '';
    dev.stderr?.on('data', (c: Buffer) => {
      err += c.toString('utf8');
    });
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no status page within 60 s:\n${err}`)), 60_000);
      const check = () => {
        const found = err.match(/status page (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
        if (found) {
          clearTimeout(timer);
          resolveUrl(found);
        } else setTimeout(check, 100);
      };
      check();
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }).catch((e: Error) => {
      throw new Error(`Chromium not usable at ${CHROMIUM} (run npm run provision): ${e.message}`);
    });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      for (const topic of ['sensors', 'meters', 'vehicles']) {
        await page.locator(`[data-topic="${topic}"]`).first().waitFor({ timeout: 30_000 });
      }
      // Wait until data flowed all the way to the semantic layer of a topic with a schema.
      await page
        .locator('[data-topic="sensors"]')
        .getByText('FullPipelineSuccess')
        .first()
        .waitFor({ timeout: 60_000 });
      const shot = join(data, 'status-page.png');
      await page.screenshot({ path: shot, fullPage: true });
      const { statSync } = await import('node:fs');
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      process.stderr.write(`status page screenshot: ${shot}\n`);
    } finally {
      await browser.close();
    }
    // Operator commands find the running dev (its Redis, DynamoDB Local) through its data dir.
    const manual = await cli(['run', '--topic', 'meters', '--wait', '--json', '--data-dir', data, '--timeout', '60']);
    expect(manual.code, manual.stderr).toBe(0);
    expect(JSON.parse(manual.stdout).topic).toBe('meters');
    const schemas = await cli(['schema', 'list', '--data-dir', data]);
    expect(schemas.stdout).toMatch(/sensors v1: temperature double required/);
    const drift = JSON.parse((await cli(['drift', 'list', '--json', '--data-dir', data])).stdout);
    expect(drift.some((e: { topic: string; column: string }) => e.topic === 'vehicles' && e.column === '*')).toBe(true);
    const locked = await cli(['query', 'SELECT 1', '--data-dir', data]);
    expect(locked.code).toBe(2);
    expect(locked.stderr).toMatch(/open in another process/);

    process.kill(-(dev.pid as number), 'SIGINT'); // the whole group, children included
    const code = await new Promise<number | null>((r) => dev.once('exit', (c) => r(c)));
    expect(code, err).toBe(0);
  }, 180_000);
});

import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type StatusServer, startStatusServer } from '../../src/status-server.js';
import { HOSTILE_ERROR, ScriptedStatusSource } from './status-fixture.js';

const CHROMIUM = process.env.LEAN_OPS_CHROMIUM ?? '/usr/bin/chromium';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let browser: Promise<Browser> | undefined;

/** Headless Chromium, launched once for the file; missing Chromium fails every test that needs it. */
function launchBrowser(): Promise<Browser> {
  browser ??= (async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: run 'npm run provision' (it installs Debian's chromium package), ` +
          "or 'apt-get install chromium', or point LEAN_OPS_CHROMIUM at a Chromium executable",
      );
    }
    return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  })();
  return browser;
}

/** Polls the locator's attribute until `accept` holds (the page refreshes once a second). */
async function waitForAttribute(locator: Locator, name: string, accept: (value: string) => boolean): Promise<string> {
  const deadline = Date.now() + 10_000;
  let value: string | null = null;
  while (Date.now() < deadline) {
    value = await locator.getAttribute(name);
    if (value !== null && accept(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} of ${String(locator)} is still ${JSON.stringify(value)} after 10 s`);
}

describe('Status page in headless Chromium (real server, real browser)', () => {
  let server: StatusServer | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];

  const open = async (source: ScriptedStatusSource, port = 0): Promise<Page> => {
    server = await startStatusServer({ source, port });
    const context = await (await launchBrowser()).newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    // The page refreshes every second: anything not there within 10 s is not coming.
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
    await page.goto(server.url);
    await page.locator('#connection[data-state="live"]').waitFor();
    return page;
  };

  afterEach(async () => {
    await page?.context().close();
    await server?.close();
    page = undefined;
    server = undefined;
    // Chromium logs the failed polls the tests cause (500s, server down); nothing else may appear.
    const expected =
      /^Failed to load resource: (the server responded with a status of 500|net::ERR_CONNECTION_REFUSED)/;
    const unexpected = pageErrors.splice(0).filter((e) => !expected.test(e));
    expect(unexpected).toEqual([]);
  });

  afterAll(async () => {
    await (await browser?.catch(() => undefined))?.close();
  });

  it('loads, shows every topic with its flow, runs, drift and breaker, and takes a screenshot', async () => {
    const p = await open(new ScriptedStatusSource());
    expect(await p.title()).toBe('lean-ops status');
    const sections = await p.locator('section[data-topic]').all();
    const topics = await Promise.all(sections.map((section) => section.getAttribute('data-topic')));
    expect(topics).toEqual(['sensors', 'vehicles', 'meters']);

    const sensors = p.locator('[data-topic="sensors"]');
    expect(await sensors.locator('.stage .label').allTextContents()).toEqual([
      'received',
      'queue',
      'RAW',
      'curated',
      'semantic v2',
    ]);
    expect(await sensors.locator('[data-outcome]').allTextContents()).toEqual(['FullPipelineSuccess', 'NoNewData']);
    expect(await sensors.locator('.timings').first().textContent()).toContain('RunCurationJob 1.2 s');
    expect(await sensors.locator('[data-column="pressure"]').textContent()).toMatch(/^pressure pending since/);
    expect(await sensors.locator('.tables [data-layer="raw"] td').allTextContents()).toEqual([
      'raw',
      '1,200',
      '2',
      '0',
      '3',
      '1h 06m',
    ]);
    expect(await sensors.locator('.tables [data-layer="semantic_rejects"]').textContent()).toBe(
      'semantic_rejectsnot created yet',
    );

    const vehicles = p.locator('[data-topic="vehicles"]');
    expect(await vehicles.locator('.tables').count()).toBe(0);
    expect(await vehicles.locator('[data-stage="semantic"]').textContent()).toBe('semantic—no schema');
    expect(await vehicles.locator('[data-outcome]').textContent()).toBe('CurationOnlySuccess');
    expect(await vehicles.locator('[data-column="*"]').textContent()).toMatch(/^\* no semantic schema pending/);

    const meters = p.locator('[data-topic="meters"]');
    expect(await meters.locator('[data-outcome]').textContent()).toBe('Failed');
    expect(await meters.locator('.run-failure').textContent()).toContain('failed at RunSemanticJob — GlueJobError: ');
    expect(await meters.locator('[data-field="dlq"]').textContent()).toBe('DLQ 3 visible / 1 in-flight');
    expect(await meters.locator('[data-field="reprocess"]').textContent()).toMatch(
      /^reprocess of curated \(full\) in progress since .+: this topic's runs wait for it$/,
    );
    expect(await sensors.locator('[data-field="reprocess"]').count()).toBe(0);

    expect(await p.locator('[data-breaker]').textContent()).toMatch(/^(closed|half_open)$/);
    expect(await p.locator('.endpoints').textContent()).toContain('redisredis://127.0.0.1:6390');
    expect(await p.locator('[data-field="uptime"]').textContent()).toMatch(/^1h 02m$/);

    const dir = await mkdtemp(join(tmpdir(), 'lean-ops-status-page-'));
    const file = join(dir, 'status-page.png');
    await p.screenshot({ path: file, fullPage: true });
    const png = await readFile(file);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.length).toBeGreaterThan(10_000);
    process.stdout.write(`status page screenshot: ${file}\n`);
  });

  it('updates the counts live', async () => {
    const p = await open(new ScriptedStatusSource());
    const received = p.locator('[data-topic="sensors"] [data-stage="received"] .count');
    const first = Number(await received.getAttribute('data-value'));
    const later = await waitForAttribute(received, 'data-value', (v) => Number(v) >= first + 500);
    expect(await received.textContent()).toBe(Number(later).toLocaleString('en-US'));
  });

  it('shows markup from an error message as text and never runs it', async () => {
    const p = await open(new ScriptedStatusSource());
    expect(await p.locator('[data-topic="meters"] .run-error').textContent()).toBe(`GlueJobError: ${HOSTILE_ERROR}`);
    expect(await p.evaluate('window.__leanOpsInjected')).toBeUndefined();
    // Markup parsed into the DOM would add elements; only the page's own script exists.
    expect(await p.locator('script').count()).toBe(1);
    expect(await p.locator('img').count()).toBe(0);
  });

  it('shows "disconnected" while the source throws, keeping the last data, and recovers', async () => {
    const source = new ScriptedStatusSource();
    const p = await open(source);
    source.failWith = 'dev stack is restarting';
    await p.locator('#connection[data-state="disconnected"]').waitFor();
    expect(await p.locator('#connection').textContent()).toBe(
      'disconnected: HTTP 500: dev stack is restarting (retrying)',
    );
    expect(await p.locator('body.disconnected section[data-topic]').count()).toBe(3);
    source.failWith = null;
    await p.locator('#connection[data-state="live"]').waitFor();
    expect(await p.locator('body.disconnected').count()).toBe(0);
  });

  it('shows "disconnected" while the server is down and recovers when it is back on the same port', async () => {
    const source = new ScriptedStatusSource();
    const p = await open(source);
    const port = Number(new URL(server?.url ?? '').port);
    await server?.close();
    await p.locator('#connection[data-state="disconnected"]').waitFor();
    expect(await p.locator('#connection').textContent()).toMatch(/^disconnected: .+ \(retrying\)$/);
    server = await startStatusServer({ source, port });
    await p.locator('#connection[data-state="live"]').waitFor();
  });
});

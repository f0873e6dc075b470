import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Thresholds, thresholdsSchema } from '@lean-ops/config';
import { alertRules, leanOpsRules, RULES_FILE, renderRules } from '@lean-ops/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The rules under Prometheus's own checker: `promtool check rules`, `promtool test rules` on the
// hand-written tests (observability/prometheus/tests, the spec of every alert) and `promtool
// check config` on the self-hosted scrape example. promtool is the Debian package's binary that
// scripts/provision.sh puts in .cache/bin; without it these tests fail, they never skip.

const ROOT = resolve(import.meta.dirname, '../..');
const PROMETHEUS_DIR = join(ROOT, 'observability/prometheus');
const TESTS_DIR = join(PROMETHEUS_DIR, 'tests');
const PROMTOOL = process.env.LEAN_OPS_PROMTOOL || join(ROOT, '.cache/bin/promtool');
const DEFAULTS: Thresholds = thresholdsSchema.parse({});

function promtool(args: string[], cwd = PROMETHEUS_DIR) {
  if (!existsSync(PROMTOOL)) {
    throw new Error(`promtool not found at ${PROMTOOL}: run npm run provision (it installs Debian's promtool there)`);
  }
  const result = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

const testFiles = () =>
  readdirSync(TESTS_DIR)
    .filter((f) => f.endsWith('.test.yml'))
    .sort();

/** The test file holding the promtool tests of `alert`. */
const testFileOf = (alert: string) => {
  const file = testFiles().find((f) => readFileSync(join(TESTS_DIR, f), 'utf8').includes(`alertname: ${alert}\n`));
  if (!file) throw new Error(`no promtool test of ${alert} in ${TESTS_DIR}`);
  return file;
};

describe('promtool', () => {
  it('accepts the committed rule file', () => {
    const rules = leanOpsRules(DEFAULTS);
    const count = [...rules.recording, ...rules.alerting].reduce((n, g) => n + g.rules.length, 0);
    const { code, out } = promtool(['check', 'rules', RULES_FILE], ROOT);

    expect(code, out).toBe(0);
    expect(out).toContain(`SUCCESS: ${count} rules found`);
  });

  it('passes every alert and recording test', () => {
    const files = testFiles();
    const { code, out } = promtool(['test', 'rules', ...files], TESTS_DIR);

    expect(code, out).toBe(0);
    expect(out.match(/SUCCESS/g)).toHaveLength(files.length);
  });

  it('accepts the self-hosted scrape example with the rule file', () => {
    const { code, out } = promtool(['check', 'config', 'scrape-config.example.yml']);

    expect(code, out).toBe(0);
    expect(out).toContain('SUCCESS: 1 rule files found');
  });
});

// The promtool tests pin each threshold at its boundary (a series exactly at it stays silent):
// rules rendered with a threshold one below the config's must fail the test of that alert.
describe('the promtool tests catch a wrong threshold', () => {
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'lean-ops-rules-'));
    mkdirSync(join(work, 'tests'));
    for (const file of testFiles()) copyFileSync(join(TESTS_DIR, file), join(work, 'tests', file));
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it.each([
    ['dlqMaxAgeSeconds', 'LeanOpsDlqMessageTooOld'],
    ['curationPendingRecords', 'LeanOpsCurationPendingHigh'],
    ['semanticLagSeconds', 'LeanOpsSemanticLagHigh'],
    ['triggerIntervalSeconds', 'LeanOpsTopicNoSuccessfulRun'],
    ['tableSmallFiles', 'LeanOpsTableSmallFilesHigh'],
    ['tableDeleteFiles', 'LeanOpsTableDeleteFilesHigh'],
    ['tableSnapshots', 'LeanOpsTableSnapshotsHigh'],
  ] as const)('%s one below the default fails the test of %s', (key, alert) => {
    const wrong: Thresholds = { ...DEFAULTS, [key]: DEFAULTS[key] - 1 };
    expect(alertRules(wrong).map((a) => a.alert)).toContain(alert);
    writeFileSync(join(work, 'lean-ops.rules.yml'), renderRules(wrong));

    const { code, out } = promtool(['test', 'rules', testFileOf(alert)], join(work, 'tests'));

    expect(code, out).not.toBe(0);
    expect(out).toContain(`alertname: ${alert},`);
    const failed = new Set([...out.matchAll(/alertname: (\w+),/g)].map((m) => m[1]));
    expect([...failed]).toEqual([alert]);
  });
});

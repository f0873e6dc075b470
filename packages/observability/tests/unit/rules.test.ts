import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Thresholds, thresholdsSchema } from '@lean-ops/config';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ALERT_PREFIX,
  alertRules,
  DEFAULT_RUNBOOK_BASE_URL,
  leanOpsRules,
  REGENERATE_RULES_COMMAND,
  RULES_FILE,
  renderRules,
  SEVERITIES,
} from '../../src/index.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const TESTS_DIR = join(ROOT, 'observability/prometheus/tests');
const RUNBOOKS_DIR = join(ROOT, 'docs/runbooks');
const DEFAULTS: Thresholds = thresholdsSchema.parse({});

interface PromtoolTestFile {
  rule_files: string[];
  group_eval_order?: string[];
  tests: { alert_rule_test?: { alertname: string }[] }[];
}

function promtoolTests(): Map<string, PromtoolTestFile> {
  const files = readdirSync(TESTS_DIR).filter((f) => f.endsWith('.test.yml'));
  return new Map(files.map((f) => [f, parse(readFileSync(join(TESTS_DIR, f), 'utf8')) as PromtoolTestFile]));
}

describe('the committed rule file', () => {
  it('is what the generator renders for the default thresholds', () => {
    const committed = readFileSync(join(ROOT, RULES_FILE), 'utf8');
    expect(
      committed === renderRules(DEFAULTS),
      `${RULES_FILE} is out of date: regenerate it at the repository root with\n  ${REGENERATE_RULES_COMMAND}`,
    ).toBe(true);
  });
});

describe('alert rules', () => {
  const alerts = alertRules(DEFAULTS);

  it('are CamelCase with the common prefix, unique, with a severity, a summary, a description and a runbook', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(19);
    expect(new Set(alerts.map((a) => a.alert)).size).toBe(alerts.length);
    for (const a of alerts) {
      expect(a.alert).toMatch(new RegExp(`^${ALERT_PREFIX}(?:[A-Z][a-z0-9]+)+$`));
      expect(SEVERITIES, a.alert).toContain(a.labels.severity);
      expect(a.for, a.alert).toMatch(/^\d+[smh]$/);
      expect(a.annotations.summary.length, a.alert).toBeGreaterThan(10);
      expect(a.annotations.description.length, a.alert).toBeGreaterThan(a.annotations.summary.length);
      expect(a.annotations.runbook_url).toBe(`${DEFAULT_RUNBOOK_BASE_URL}${a.alert}.md`);
    }
  });

  it('carry the contract’s four alerts', () => {
    expect(alerts.map((a) => a.alert)).toEqual(
      expect.arrayContaining([
        'LeanOpsDlqMessageTooOld',
        'LeanOpsSchemaDriftDetected',
        'LeanOpsCurationPendingHigh',
        'LeanOpsSemanticLagHigh',
      ]),
    );
  });

  it('take every threshold from the config, as the CloudWatch alarms do', () => {
    const changed: Thresholds = {
      ...DEFAULTS,
      dlqMaxAgeSeconds: 86_401,
      curationPendingRecords: 5_003,
      semanticLagSeconds: 607,
      triggerIntervalSeconds: 611,
      tableSmallFiles: 1_009,
      tableDeleteFiles: 503,
      tableSnapshots: 5_011,
    };
    const expr = Object.fromEntries(alertRules(changed).map((a) => [a.alert, a.expr]));

    expect(expr.LeanOpsDlqMessageTooOld).toMatch(/> 86401$/);
    expect(expr.LeanOpsCurationPendingHigh).toMatch(/> 5003$/);
    expect(expr.LeanOpsSemanticLagHigh).toMatch(/> 607$/);
    expect(expr.LeanOpsTopicNoSuccessfulRun).toMatch(/> 1833$/);
    expect(expr.LeanOpsTableSmallFilesHigh).toMatch(/> 1009$/);
    expect(expr.LeanOpsTableDeleteFilesHigh).toMatch(/> 503$/);
    expect(expr.LeanOpsTableSnapshotsHigh).toMatch(/> 5011$/);
    expect(renderRules(changed)).not.toContain('604800');
  });

  it('point runbook_url at another base when asked', () => {
    const [first] = alertRules(DEFAULTS, { runbookBaseUrl: 'https://example.test/rb/' });
    expect(first?.annotations.runbook_url).toBe(`https://example.test/rb/${first?.alert}.md`);
  });
});

describe('recording rules', () => {
  it('are named level:metric:operations over lean-ops metrics', () => {
    const records = leanOpsRules(DEFAULTS).recording.flatMap((g) => g.rules);
    expect(records.length).toBeGreaterThan(5);
    for (const r of records) {
      expect(r.record).toMatch(/^[a-z]+(?:_[a-z]+)*:leanops_[a-z0-9_]+:[a-z0-9_]+$/);
      expect(r.record, 'counters lose _total in a recorded name').not.toMatch(/_total:/);
    }
  });
});

describe('the rendered file', () => {
  it('is a Prometheus rule file: recording groups first, then the alert groups', () => {
    const doc = parse(renderRules(DEFAULTS)) as { groups: { name: string; rules: Record<string, unknown>[] }[] };
    const rules = leanOpsRules(DEFAULTS);
    expect(doc.groups.map((g) => g.name)).toEqual([...rules.recording, ...rules.alerting].map((g) => g.name));
    expect(doc.groups.flatMap((g) => g.rules).filter((r) => 'alert' in r)).toEqual(alertRules(DEFAULTS));
  });
});

describe('promtool tests (observability/prometheus/tests)', () => {
  const files = promtoolTests();

  it('test every alert, and only alerts that exist', () => {
    const names = alertRules(DEFAULTS).map((a) => a.alert);
    const tested = new Set(
      [...files.values()].flatMap((f) => f.tests.flatMap((t) => (t.alert_rule_test ?? []).map((a) => a.alertname))),
    );
    const untested = names.filter((n) => !tested.has(n));
    expect(untested, `alerts without a promtool test: ${untested.join(', ')}`).toEqual([]);
    expect([...tested].filter((n) => !names.includes(n))).toEqual([]);
  });

  it('read the committed rule file and evaluate every group, recording groups first', () => {
    const rules = leanOpsRules(DEFAULTS);
    const groups = [...rules.recording, ...rules.alerting].map((g) => g.name);
    expect(files.size).toBeGreaterThan(0);
    for (const [name, file] of files) {
      expect(file.rule_files, name).toEqual(['../lean-ops.rules.yml']);
      expect(file.group_eval_order, name).toEqual(groups);
    }
  });
});

describe('docs/observability.md', () => {
  it('lists every alert with its severity, for and expression, and every recording rule', () => {
    const doc = readFileSync(join(ROOT, 'docs/observability.md'), 'utf8');
    const rules = doc.slice(doc.indexOf('<!-- rules:'), doc.indexOf('<!-- dashboards:'));
    for (const a of alertRules(DEFAULTS)) {
      const row = rules.split('\n').find((line) => line.startsWith(`| [${a.alert}](runbooks/${a.alert}.md) |`));
      expect(row, `${a.alert} has no row in the rules section`).toBeDefined();
      expect(row).toContain(`| ${a.labels.severity} | ${a.for} |`);
      expect(row).toContain(`\`${a.expr}\``);
    }
    for (const r of leanOpsRules(DEFAULTS).recording.flatMap((g) => g.rules)) {
      expect(rules).toContain(`| \`${r.record}\` | \`${r.expr}\` |`);
    }
  });
});

describe('runbooks (docs/runbooks)', () => {
  it('one per alert, and no runbook without an alert', () => {
    const names = alertRules(DEFAULTS)
      .map((a) => a.alert)
      .sort();
    const runbooks = readdirSync(RUNBOOKS_DIR)
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.replace(/\.md$/, ''))
      .sort();
    expect(runbooks).toEqual(names);
    for (const name of names) {
      const text = readFileSync(join(RUNBOOKS_DIR, `${name}.md`), 'utf8');
      expect(text.startsWith(`# ${name}\n`), name).toBe(true);
      for (const section of ['## What it means', '## How to confirm', '## What to do'])
        expect(text, name).toContain(section);
    }
  });
});

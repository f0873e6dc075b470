import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { thresholdsSchema } from '@lean-ops/config';
import { renderDashboards, renderRules } from '@lean-ops/observability';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../src/index.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'lean-ops-observability-'));

/** Writes a config file with one topic and `extra` sections; returns its path. */
function configFile(extra: Record<string, unknown>): string {
  const file = join(scratch(), 'lean-ops.config.json');
  writeFileSync(file, JSON.stringify({ topics: { telemetry: {} }, ...extra }));
  return file;
}

/** Runs `lean-ops observability …` in this process; returns the exit code and what it wrote. */
async function observability(args: string[]) {
  let stdout = '';
  let err = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  // The commands report the files they wrote on the process's stderr; runCli's errors go to `stderr`.
  const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  const stderr = new PassThrough();
  stderr.on('data', (chunk) => {
    err += String(chunk);
  });
  try {
    const code = await runCli(['observability', ...args], stderr);
    return { code, stdout, stderr: err };
  } finally {
    write.mockRestore();
    writeErr.mockRestore();
  }
}

interface RuleFile {
  groups: { rules: { alert?: string; expr: string }[] }[];
}

const exprOf = (yaml: string, alert: string) =>
  (parse(yaml) as RuleFile).groups.flatMap((g) => g.rules).find((r) => r.alert === alert)?.expr;

afterEach(() => {
  process.exitCode = undefined;
  vi.unstubAllEnvs();
});

describe('lean-ops observability rules', () => {
  it("renders the rules for the config file's thresholds", async () => {
    const config = configFile({
      thresholds: {
        dlqMaxAgeSeconds: 3_600,
        semanticLagSeconds: 900,
        tableSnapshots: 777,
        triggerIntervalSeconds: 300,
      },
    });
    const { code, stdout } = await observability(['rules', '--config', config]);

    expect(code).toBe(0);
    expect(exprOf(stdout, 'LeanOpsDlqMessageTooOld')).toBe(
      'max by (stage, topic) (leanops_dlq_oldest_message_age_seconds) > 3600',
    );
    expect(exprOf(stdout, 'LeanOpsSemanticLagHigh')).toMatch(/> 900$/);
    expect(exprOf(stdout, 'LeanOpsTableSnapshotsHigh')).toMatch(/> 777$/);
    expect(exprOf(stdout, 'LeanOpsTopicNoSuccessfulRun')).toMatch(/> 900$/);
    // Thresholds the file leaves out keep their defaults.
    expect(exprOf(stdout, 'LeanOpsCurationPendingHigh')).toMatch(/> 100000$/);
  });

  it('renders the defaults without any config file or topic', async () => {
    vi.stubEnv('LEAN_OPS_CONFIG', '');
    vi.stubEnv('LEAN_OPS_TOPICS', '');
    const { code, stdout } = await observability(['rules']);

    expect(code).toBe(0);
    expect(stdout).toBe(renderRules(thresholdsSchema.parse({})));
  });

  it('writes the file --out names, and points runbooks where --runbook-base-url says', async () => {
    const out = join(scratch(), 'nested', 'rules.yml');
    const config = configFile({ thresholds: { curationPendingRecords: 42 } });
    const { code, stdout, stderr } = await observability([
      'rules',
      '--config',
      config,
      '--out',
      out,
      '--runbook-base-url',
      'https://runbooks.example.test/',
    ]);

    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain(`wrote ${out}`);
    const written = readFileSync(out, 'utf8');
    expect(exprOf(written, 'LeanOpsCurationPendingHigh')).toMatch(/> 42$/);
    expect(written).toContain('runbook_url: https://runbooks.example.test/LeanOpsCurationPendingHigh.md');
  });

  it('refuses an invalid threshold, naming it', async () => {
    const config = configFile({ thresholds: { semanticLagSeconds: -1 } });
    const { code, stderr } = await observability(['rules', '--config', config]);

    expect(code).toBe(2);
    expect(stderr).toContain('thresholds.semanticLagSeconds');
  });
});

describe('lean-ops observability dashboards', () => {
  it('writes every rendered dashboard into --out', async () => {
    const out = join(scratch(), 'grafana');
    const { code } = await observability(['dashboards', '--out', out]);

    expect(code).toBe(0);
    const dashboards = renderDashboards();
    expect(readdirSync(out).sort()).toEqual(dashboards.map((d) => d.file).sort());
    for (const { file, json } of dashboards) expect(readFileSync(join(out, file), 'utf8')).toBe(json);
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '@lean-ops/config';
import type { Command } from 'commander';

/** Where `lean-ops observability dashboards` writes when `--out` is not given. */
export const DEFAULT_DASHBOARDS_DIR = 'observability/grafana';

/**
 * The config's thresholds. The rules need no topic, so a config without any (no file, nothing in
 * LEAN_OPS_TOPICS) is read with a placeholder topic: the defaults and environment still apply.
 */
function thresholdsOf(file: string | undefined) {
  const env = process.env.LEAN_OPS_TOPICS ? process.env : { ...process.env, LEAN_OPS_TOPICS: 'rules' };
  return loadConfig({ file, env }).thresholds;
}

function writeText(file: string, text: string): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(file, text);
}

/** `lean-ops observability rules|dashboards`: the Prometheus rules and Grafana dashboards, generated. */
export function registerObservabilityCommand(program: Command): void {
  const observability = program
    .command('observability')
    .description(
      'generate the Prometheus alert and recording rules and the Grafana dashboards (docs/observability.md)',
    );

  observability
    .command('rules')
    .description(
      "print (or write) the Prometheus rule file for the config's thresholds, as the CloudWatch alarms use them",
    )
    .option('-c, --config <file>', 'config file (default: LEAN_OPS_CONFIG, else ./lean-ops.config.{json,yaml,yml})')
    .option('-o, --out <file>', 'write the rules to this file instead of stdout')
    .option(
      '--runbook-base-url <url>',
      "where runbook_url points (ends with /; default: the lean-ops repository's docs/runbooks/)",
    )
    .action(async (flags: { config?: string; out?: string; runbookBaseUrl?: string }) => {
      // Loaded on use, like the dashboards: every other command starts without the rule renderer and its YAML library.
      const { renderRules } = await import('@lean-ops/observability/rules');
      const text = renderRules(thresholdsOf(flags.config), {
        ...(flags.runbookBaseUrl !== undefined && { runbookBaseUrl: flags.runbookBaseUrl }),
      });
      if (flags.out === undefined) {
        process.stdout.write(text);
        return;
      }
      writeText(flags.out, text);
      process.stderr.write(`wrote ${flags.out}\n`);
    });

  observability
    .command('dashboards')
    .description('write the Grafana dashboards as JSON, one file each')
    .option('-o, --out <dir>', 'folder to write them into', DEFAULT_DASHBOARDS_DIR)
    .action(async (flags: { out: string }) => {
      // Loaded on use: the package holds the Grafana SDK and the PromQL parser, slow to import.
      const { renderDashboards } = await import('@lean-ops/observability');
      mkdirSync(flags.out, { recursive: true });
      for (const { file, json } of renderDashboards()) {
        const path = join(flags.out, file);
        writeText(path, json);
        process.stderr.write(`wrote ${path}\n`);
      }
    });
}

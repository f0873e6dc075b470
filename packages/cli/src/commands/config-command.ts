import { loadConfig } from '@lean-ops/config';
import type { Command } from 'commander';

/** `lean-ops config check`: validate the configuration and print it resolved. */
export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('inspect the configuration');
  config
    .command('check')
    .description('validate topics, schemas and thresholds; print the resolved configuration')
    .option('-c, --config <file>', 'config file (default: LEAN_OPS_CONFIG, else ./lean-ops.config.{json,yaml,yml})')
    .option('--json', 'print the resolved configuration as JSON')
    .action((options: { config?: string; json?: boolean }) => {
      const resolved = loadConfig({ file: options.config });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(resolved, null, 2)}\n`);
        return;
      }
      const lines = [
        `configuration OK (from ${resolved.sources.join(', ') || 'defaults'})`,
        `topics (${resolved.topics.length}):`,
        ...resolved.topics.map((t) =>
          t.schema
            ? `  ${t.name}: semantic schema v${t.schema.version} (${t.schema.columns.map((c) => `${c.name} ${c.type}${c.required ? ' required' : ''}`).join(', ')})`
            : `  ${t.name}: no semantic schema (curation only)`,
        ),
        'thresholds:',
        ...Object.entries(resolved.thresholds).map(([key, value]) => `  ${key}: ${value}`),
        `log level: ${resolved.logLevel}   metrics port: ${resolved.metricsPort}   data dir: ${resolved.dataDir}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

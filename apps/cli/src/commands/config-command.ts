import { loadConfig } from '@lean-ops/config';
import type { Command } from 'commander';

/** `lean-ops config check`: validate the configuration and print it resolved. */
export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('inspect the configuration');
  config
    .command('check')
    .description('validate topics, schemas, thresholds and every section; print the resolved configuration')
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
        ...section('thresholds', resolved.thresholds),
        ...section('ingest', resolved.ingest),
        ...section('dlq', resolved.dlq),
        ...section('scheduler', resolved.scheduler),
        `log level: ${resolved.logLevel}   metrics port: ${resolved.metricsPort}   data dir: ${resolved.dataDir}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

function section(name: string, values: Readonly<Record<string, unknown>>): string[] {
  return [`${name}:`, ...Object.entries(values).map(([key, value]) => `  ${key}: ${value}`)];
}

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ConfigError,
  DEFAULT_DATA_DIR,
  dataDirLayout,
  TABLE_HEALTH_FIGURES,
  type TableHealth,
  type TableMaintenanceOutcome,
  TOPIC_NAME_PATTERN,
  type TopicCheckpoints,
} from '@lean-ops/core';
import { type DuckDbLake, DuckDbTableMaintenance } from '@lean-ops/lake';
import { startDynamoDbLocal } from '@lean-ops/local';
import { schedulerEnvironmentSchema } from '@lean-ops/worker-scheduler';
import type { Command } from 'commander';
import { openLocalLake } from './local-lake.js';
import { print, withStateStores } from './scheduler-context.js';

const DATA_DIR = ['--data-dir <dir>', 'the local data folder of lean-ops dev', DEFAULT_DATA_DIR] as const;
const TOPIC = ['-t, --topic <topic>', 'one topic (default: every topic of the lake)'] as const;

/** `lean-ops tables health` and `lean-ops tables maintain`: the local lake's table health and maintenance. */
export function registerTablesCommand(program: Command): void {
  const tables = program.command('tables').description("the local lake's tables: health figures and maintenance");

  tables
    .command('health')
    .description('per table of each topic: data files, small files, delete files, snapshots, oldest snapshot age')
    .option(...TOPIC)
    .option(...DATA_DIR)
    .option('--json', 'print JSON')
    .action(async (flags: { topic?: string; dataDir: string; json?: boolean }) => {
      checkTopic(flags.topic);
      const lake = await openLocalLake(flags.dataDir);
      try {
        const maintenance = new DuckDbTableMaintenance({ lake });
        const readings: TableHealth[] = [];
        for (const topic of await topicsOf(lake, flags.topic)) readings.push(...(await maintenance.health(topic)));
        print(flags.json ? JSON.stringify(readings, null, 2) : formatHealth(readings));
      } finally {
        await lake.close();
      }
    });

  tables
    .command('maintain')
    .description(
      'trim the snapshot log (keeping what the checkpoints need), reclaim deleted rows; exits 1 if a table failed',
    )
    .option(...TOPIC)
    .option(...DATA_DIR)
    .option('--dry-run', 'report what would be done; change nothing')
    .option('--retention-hours <hours>', 'snapshot-log rows younger than this are kept', '24')
    .option('--json', 'print JSON')
    .action(
      async (flags: { topic?: string; dataDir: string; dryRun?: boolean; retentionHours: string; json?: boolean }) => {
        checkTopic(flags.topic);
        const hours = Number(flags.retentionHours);
        if (!(Number.isFinite(hours) && hours >= 0))
          throw new ConfigError('tables options', [
            `--retention-hours: expected a number ≥ 0 (got "${flags.retentionHours}")`,
          ]);
        const lake = await openLocalLake(flags.dataDir);
        try {
          const topics = await topicsOf(lake, flags.topic);
          const checkpoints = await readCheckpoints(flags.dataDir, topics);
          const maintenance = new DuckDbTableMaintenance({ lake, retentionMs: Math.round(hours * 3_600_000) });
          const outcomes: TableMaintenanceOutcome[] = [];
          for (const topic of topics) {
            outcomes.push(
              ...(await maintenance.maintain(topic, checkpoints.get(topic) ?? NO_CHECKPOINTS, {
                dryRun: flags.dryRun ?? false,
              })),
            );
          }
          print(flags.json ? JSON.stringify(outcomes, null, 2) : formatOutcomes(outcomes));
          if (outcomes.some((o) => o.status === 'failed')) process.exitCode = 1;
        } finally {
          await lake.close();
        }
      },
    );
}

const NO_CHECKPOINTS: TopicCheckpoints = { curated: null, semantic: null };

function checkTopic(topic: string | undefined): void {
  if (topic !== undefined && !TOPIC_NAME_PATTERN.test(topic))
    throw new ConfigError('tables options', [`--topic: "${topic}" is not a topic name`]);
}

/** The topics with a RAW table, or the one asked for (which must have one). */
async function topicsOf(lake: DuckDbLake, topic: string | undefined): Promise<string[]> {
  const rows = await lake.query<{ t: string }>(
    "SELECT DISTINCT regexp_replace(table_name, '_staging$', '') AS t FROM information_schema.tables WHERE table_schema = 'raw' ORDER BY t",
  );
  const all = rows.map((r) => r.t);
  if (topic === undefined) return all;
  if (!all.includes(topic))
    throw new ConfigError('tables options', [
      `--topic: the lake has no topic "${topic}" (it has: ${all.join(', ') || 'none'})`,
    ]);
  return [topic];
}

/**
 * The checkpoints live in DynamoDB Local's files under the data dir (as `lean-ops dev` keeps
 * them): start it, read, stop. No state folder: no run has advanced a checkpoint yet.
 */
async function readCheckpoints(dataDir: string, topics: readonly string[]): Promise<Map<string, TopicCheckpoints>> {
  const out = new Map<string, TopicCheckpoints>();
  const statePath = dataDirLayout(resolve(dataDir)).state;
  if (topics.length === 0 || !existsSync(statePath)) return out;
  const dynamo = await startDynamoDbLocal({ path: statePath });
  try {
    // The table names and region lean-ops dev uses: the scheduler's defaults.
    const env = schedulerEnvironmentSchema.parse({ dynamodbEndpoint: dynamo.endpoint });
    await withStateStores(env, async (state) => {
      for (const topic of topics) out.set(topic, await state.checkpoints.get(topic));
    });
  } finally {
    await dynamo.stop();
  }
  return out;
}

function formatHealth(readings: readonly TableHealth[]): string {
  const header = ['topic', 'layer', ...TABLE_HEALTH_FIGURES];
  const rows = readings.map((r) => [
    r.topic,
    r.layer,
    ...TABLE_HEALTH_FIGURES.map((f) => (r.figures === null ? '-' : String(r.figures[f]))),
  ]);
  return table([header, ...rows]);
}

function formatOutcomes(outcomes: readonly TableMaintenanceOutcome[]): string {
  const rows = outcomes.map((o) => [
    o.topic,
    o.layer,
    o.status,
    Object.entries(o.actions)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? v : JSON.stringify(v)}`)
      .join(' ') || '-',
    o.error ?? '',
  ]);
  return table([['topic', 'layer', 'status', 'actions', 'error'], ...rows]);
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

import { resolve } from 'node:path';
import { ConfigError, DEFAULT_DATA_DIR, dataDirLayout, type QuarantineEntry, TOPIC_NAME_PATTERN } from '@lean-ops/core';
import { auditPassed, auditPipeline, formatAudit, formatAuditVerdict } from '@lean-ops/dev';
import { readJsonlTree, startDynamoDbLocal } from '@lean-ops/local';
import { schedulerEnvironmentSchema } from '@lean-ops/worker-scheduler';
import type { Command } from 'commander';
import { openLocalLake } from './local-lake.js';
import { print, withStateStores } from './scheduler-context.js';

const LAYERS = ['raw', 'curated', 'semantic', 'rejects', 'quarantine', 'drift'] as const;
type Layer = (typeof LAYERS)[number];
/** Layers that span topics: without `--topic` they export every entry. */
const ALL_TOPIC_LAYERS: readonly Layer[] = ['quarantine', 'drift'];
const FORMATS = ['jsonl', 'csv'] as const;

const DATA_DIR = ['--data-dir <dir>', 'the local data folder of lean-ops dev', DEFAULT_DATA_DIR] as const;

/** `lean-ops audit`, `lean-ops export`, `lean-ops query`: the local lake after (or between) dev runs. */
export function registerLakeCommands(program: Command): void {
  program
    .command('audit')
    .description(
      'reconcile the ledger (every run) with RAW, quarantine, DLQ; exits 1 unless nothing is not_sent, unaccounted or misclassified',
    )
    .option(...DATA_DIR)
    .option('--ledger <file>', 'the ledger (default <data-dir>/ledger.jsonl)')
    .option('--json', 'print JSON')
    .action(async (flags: { dataDir: string; ledger?: string; json?: boolean }) => {
      const lake = await openLocalLake(flags.dataDir);
      try {
        const topics = (
          await lake.query<{ t: string }>(
            "SELECT DISTINCT replace(table_name, '_staging', '') AS t FROM information_schema.tables WHERE table_schema = 'raw' ORDER BY t",
          )
        ).map((r) => r.t);
        const layout = dataDirLayout(resolve(flags.dataDir));
        const report = await auditPipeline({
          ledgerPath: flags.ledger ?? layout.ledger,
          lake,
          quarantineDir: layout.quarantine,
          topics,
        });
        print(flags.json ? JSON.stringify(report, null, 2) : `${formatAudit(report)}\n${formatAuditVerdict(report)}`);
        if (!auditPassed(report)) process.exitCode = 1;
      } finally {
        await lake.close();
      }
    });

  program
    .command('export')
    .description(
      'write one layer of one topic (quarantine, drift: of every topic without --topic) as JSON lines or CSV to stdout',
    )
    .requiredOption('--layer <layer>', LAYERS.join(' | '))
    .option('-t, --topic <topic>', 'the topic (required for raw, curated, semantic, rejects; a filter otherwise)')
    .option('--format <format>', FORMATS.join(' | '), 'jsonl')
    .option(...DATA_DIR)
    .action(async (flags: { layer: string; topic?: string; format: string; dataDir: string }) => {
      const problems: string[] = [];
      const layer = flags.layer as Layer;
      if (!LAYERS.includes(layer))
        problems.push(`--layer: expected one of ${LAYERS.join(', ')} (got "${flags.layer}")`);
      if (!FORMATS.includes(flags.format as (typeof FORMATS)[number]))
        problems.push(`--format: expected jsonl or csv (got "${flags.format}")`);
      if (flags.topic !== undefined && !TOPIC_NAME_PATTERN.test(flags.topic))
        problems.push(`--topic: "${flags.topic}" is not a topic name`);
      if (flags.topic === undefined && LAYERS.includes(layer) && !ALL_TOPIC_LAYERS.includes(layer))
        problems.push(`--topic: required with --layer ${layer} (only quarantine and drift export every topic)`);
      if (problems.length > 0) throw new ConfigError('export options', problems);
      if (layer === 'quarantine') return exportRows(await quarantineRows(flags.dataDir, flags.topic), flags.format);
      if (layer === 'drift') return exportRows(await driftRows(flags.dataDir, flags.topic), flags.format);
      const topic = flags.topic as string;
      const lake = await openLocalLake(flags.dataDir);
      try {
        const sql = layerQuery(layer, topic);
        const exists = await lake.query<{ n: number }>(
          `SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_schema || '.' || table_name IN (${sql.tables.map((t) => `'${t}'`).join(', ')})`,
        );
        if ((exists[0]?.n ?? 0) < sql.tables.length) {
          throw new ConfigError('--topic', [`the lake has no ${layer} table for topic ${topic} yet`]);
        }
        exportRows(await lake.query(sql.text), flags.format);
      } finally {
        await lake.close();
      }
    });

  program
    .command('query')
    .description('run SQL on the local lake (schemas raw, curated, semantic, meta); rows as JSON lines')
    .argument('<sql>', 'e.g. "SELECT count(*) FROM curated.sensors"')
    .option(...DATA_DIR)
    .action(async (sql: string, flags: { dataDir: string }) => {
      const lake = await openLocalLake(flags.dataDir);
      try {
        exportRows(await lake.query(sql), 'jsonl');
      } finally {
        await lake.close();
      }
    });
}

function layerQuery(layer: Exclude<Layer, 'quarantine' | 'drift'>, topic: string): { text: string; tables: string[] } {
  switch (layer) {
    case 'raw':
      return {
        text: `SELECT * FROM raw."${topic}_staging" ORDER BY _snapshot_seq, source_message_id`,
        tables: [`raw.${topic}_staging`],
      };
    case 'curated':
      return { text: `SELECT * FROM curated."${topic}" ORDER BY idempotency_key`, tables: [`curated.${topic}`] };
    case 'semantic':
      return { text: `SELECT * FROM semantic."${topic}" ORDER BY idempotency_key`, tables: [`semantic.${topic}`] };
    case 'rejects':
      return {
        text: `SELECT 'curated' AS layer, idempotency_key, device_id, source_message_id, reason, rejected_at FROM curated."${topic}_rejects"
               UNION ALL BY NAME
               SELECT 'semantic' AS layer, idempotency_key, device_id, source_message_id, reason, rejected_at FROM semantic."${topic}_semantic_rejects"
               ORDER BY layer, idempotency_key`,
        tables: [`curated.${topic}_rejects`, `semantic.${topic}_semantic_rejects`],
      };
  }
}

/**
 * Every quarantine entry, including those whose topic is unreadable or not a topic name
 * (kept under `_unknown`). With `topic`: the entries that claim it or came from its queue
 * or its DLQ (a queue named `<prefix><topic>` or `<prefix><topic>-dlq`).
 */
async function quarantineRows(dataDir: string, topic: string | undefined): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const entry of readJsonlTree<QuarantineEntry>(dataDirLayout(resolve(dataDir)).quarantine)) {
    if (topic === undefined || quarantinedFor(entry, topic)) rows.push({ ...entry });
  }
  return rows;
}

function quarantinedFor(entry: QuarantineEntry, topic: string): boolean {
  const queueName = entry.queue.slice(entry.queue.lastIndexOf('/') + 1).replace(/-dlq$/, '');
  return entry.topic === topic || queueName.endsWith(topic);
}

/** The drift log lives in DynamoDB Local's files under the data dir: start it, read, stop. */
async function driftRows(dataDir: string, topic: string | undefined): Promise<Record<string, unknown>[]> {
  const dynamo = await startDynamoDbLocal({ path: dataDirLayout(resolve(dataDir)).state });
  try {
    // The table names and region lean-ops dev uses: the scheduler's defaults.
    const env = schedulerEnvironmentSchema.parse({ dynamodbEndpoint: dynamo.endpoint });
    return (await withStateStores(env, (state) => state.drift.list(topic))).map((e) => ({ ...e }));
  } finally {
    await dynamo.stop();
  }
}

function exportRows(rows: readonly Record<string, unknown>[], format: string): void {
  if (format === 'jsonl') {
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    return;
  }
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  process.stdout.write(`${columns.join(',')}\n`);
  for (const row of rows) process.stdout.write(`${columns.map((c) => cell(row[c])).join(',')}\n`);
}

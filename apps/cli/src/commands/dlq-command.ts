import { resolve } from 'node:path';
import { loadConfig } from '@lean-ops/config';
import { createLogger } from '@lean-ops/logger';
import { exitOnShutdownSignals, readServiceEnvironment } from '@lean-ops/queue-worker';
import { DLQ, type DlqOperator, formatDlqListings, openDlqOperator, startDlqService } from '@lean-ops/worker-dlq';
import { type Command, InvalidArgumentError } from 'commander';
import { VERSION } from '../version.js';

interface DlqFlags {
  config?: string;
  sqsEndpoint?: string;
  dataDir?: string;
  maxAttempts?: string;
  metricsPort?: string;
  topic?: string;
  limit?: number;
  all?: boolean;
  yes?: boolean;
  json?: boolean;
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('expected a positive integer');
  return value;
}

/** Options every `dlq` subcommand takes: where the config, the queues and the quarantine are. */
function withDeployment(command: Command): Command {
  return command
    .option('-c, --config <file>', 'config file (topics)')
    .option('--sqs-endpoint <url>', 'SQS endpoint of an emulator (env LEAN_OPS_SQS_ENDPOINT)')
    .option('--data-dir <dir>', 'local quarantine folder (env LEAN_OPS_DATA_DIR; in AWS LEAN_OPS_QUARANTINE_BUCKET)')
    .option('--max-attempts <n>', 'redrives before quarantine as dlq:max_attempts (env LEAN_OPS_DLQ_MAX_ATTEMPTS)');
}

/** The deployment as the ingest worker sees it; the flags set keys of the config's `dlq` section. */
function deployment(flags: DlqFlags) {
  const env = { ...process.env };
  if (flags.dataDir) env.LEAN_OPS_DATA_DIR = resolve(flags.dataDir);
  const config = loadConfig({
    file: flags.config,
    env,
    overrides: [
      { flag: '--max-attempts', path: ['dlq', 'maxAttempts'], value: flags.maxAttempts },
      { flag: '--metrics-port', path: ['dlq', 'metricsPort'], value: flags.metricsPort },
    ],
  });
  const service = readServiceEnvironment(DLQ, env, { sqsEndpoint: flags.sqsEndpoint });
  return { config, service };
}

/** Opens the operator for `flags.topic` (every topic without one), runs `use`, closes it. */
async function withOperator(flags: DlqFlags, use: (operator: DlqOperator) => Promise<void>): Promise<void> {
  const { config, service } = deployment(flags);
  const operator = await openDlqOperator(config, service, flags.topic);
  try {
    await use(operator);
  } finally {
    await operator.close();
  }
}

function print(flags: DlqFlags, json: unknown, text: string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
}

/** `lean-ops dlq run|list|redrive|purge`: the DLQ processor and the operator's tools. */
export function registerDlqCommand(program: Command): void {
  const dlq = program
    .command('dlq')
    .description('dead-letter queues: run the DLQ processor; list, redrive or purge DLQ messages');

  withDeployment(dlq.command('run'))
    .description('run the DLQ processor: redrive RETRY-able messages with backoff, quarantine DROP and over-cap ones')
    .option(
      '--metrics-port <port>',
      '/metrics, /healthz, /readyz port; 0 picks a free one (env LEAN_OPS_DLQ_METRICS_PORT)',
    )
    .addHelpText(
      'after',
      '\nQueues: as for `lean-ops ingest` (LEAN_OPS_QUEUES, or <LEAN_OPS_QUEUE_PREFIX><topic> and <name>-dlq).\n' +
        'Tuning: the "dlq" section of the config file; LEAN_OPS_DLQ_BACKOFF_BASE_SECONDS, LEAN_OPS_DLQ_BACKOFF_MAX_SECONDS win over it.\n' +
        'SIGTERM/SIGINT: stop receiving, finish what is in flight within the shutdown budget; a second signal exits at once.',
    )
    .action(async (flags: DlqFlags) => {
      const { config, service } = deployment(flags);
      const logger = createLogger({ component: 'dlq', level: config.logLevel });
      const running = await startDlqService(config, service, logger, VERSION);
      exitOnShutdownSignals(() => running.close(), logger);
      await new Promise<never>(() => {});
    });

  withDeployment(dlq.command('list'))
    .description('peek at DLQ messages (released again at once): age, receives, attempt, what the processor would do')
    .option('--topic <topic>', 'one topic (default: every topic)')
    .option('--limit <n>', 'messages per DLQ', positiveInteger, 10)
    .option('--json', 'print JSON')
    .action(async (flags: DlqFlags) => {
      await withOperator(flags, async (operator) => {
        const listings = await operator.list({ ...(flags.topic ? { topic: flags.topic } : {}), limit: flags.limit });
        print(flags, listings, formatDlqListings(listings).trimEnd());
      });
    });

  withDeployment(dlq.command('redrive'))
    .description("move DLQ messages back to the topic's source queue now")
    .requiredOption('--topic <topic>', 'the topic whose DLQ to redrive')
    .option('--all', 'every message')
    .option('--limit <n>', 'at most this many messages', positiveInteger)
    .option('--json', 'print JSON')
    .action(async (flags: DlqFlags & { topic: string }, command: Command) => {
      if (Boolean(flags.all) === (flags.limit !== undefined)) command.error('error: pass either --all or --limit <n>');
      await withOperator(flags, async (operator) => {
        const report = await operator.redrive({ topic: flags.topic, ...(flags.limit ? { limit: flags.limit } : {}) });
        const refused = Object.values(report.quarantined).reduce((a, b) => a + b, 0);
        print(
          flags,
          report,
          `sent ${report.redriven} messages of topic ${flags.topic}'s DLQ back to its source queue` +
            (refused > 0 ? `; ${refused} refused by SQS went to quarantine (dlq:redrive_rejected)` : ''),
        );
      });
    });

  withDeployment(dlq.command('purge'))
    .description('move every message of a DLQ to quarantine (reason dlq:purged); nothing is dropped')
    .requiredOption('--topic <topic>', 'the topic whose DLQ to purge')
    .option('--yes', 'confirm')
    .option('--json', 'print JSON')
    .action(async (flags: DlqFlags & { topic: string }, command: Command) => {
      if (!flags.yes)
        command.error(`error: purge moves every message of ${flags.topic}'s DLQ to quarantine; pass --yes`);
      await withOperator(flags, async (operator) => {
        const report = await operator.purge({ topic: flags.topic });
        const moved = Object.values(report.quarantined).reduce((a, b) => a + b, 0);
        print(flags, report, `moved ${moved} messages of topic ${flags.topic}'s DLQ to quarantine (dlq:purged)`);
      });
    });
}

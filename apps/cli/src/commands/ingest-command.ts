import { resolve } from 'node:path';
import { loadConfig } from '@lean-ops/config';
import { createLogger } from '@lean-ops/logger';
import { exitOnShutdownSignals, readServiceEnvironment } from '@lean-ops/queue-worker';
import { INGEST, startIngestService } from '@lean-ops/worker-ingest';
import type { Command } from 'commander';
import { VERSION } from '../version.js';

interface IngestFlags {
  config?: string;
  sink?: string;
  sqsEndpoint?: string;
  dataDir?: string;
  metricsPort?: string;
}

/** `lean-ops ingest`: the ingest worker in the foreground (what the Fargate service runs). */
export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('run the ingest worker: SQS topic queues → RAW records (Firehose, Kinesis or local landing files)')
    .option('-c, --config <file>', 'config file (topics; the "ingest" section tunes the worker)')
    .option('--sink <kind>', 'firehose | kinesis | local (env LEAN_OPS_SINK, default local)')
    .option('--sqs-endpoint <url>', 'SQS endpoint of an emulator (env LEAN_OPS_SQS_ENDPOINT)')
    .option('--data-dir <dir>', 'local landing and quarantine folder (env LEAN_OPS_DATA_DIR)')
    .option('--metrics-port <port>', '/metrics, /healthz, /readyz port; 0 picks a free one (env LEAN_OPS_METRICS_PORT)')
    .addHelpText(
      'after',
      '\nQueues: LEAN_OPS_QUEUES (JSON [{"topic","url","dlqUrl"}]) or looked up by name (<LEAN_OPS_QUEUE_PREFIX><topic>, DLQ <name>-dlq).\n' +
        'AWS sinks: LEAN_OPS_FIREHOSE_STREAM_PREFIX (default lean-ops-raw-), LEAN_OPS_KINESIS_STREAM, LEAN_OPS_QUARANTINE_BUCKET.\n' +
        'SIGTERM/SIGINT: stop receiving, flush, acknowledge within the shutdown budget; a second signal exits at once.',
    )
    .action(async (flags: IngestFlags) => {
      const env = { ...process.env };
      if (flags.dataDir) env.LEAN_OPS_DATA_DIR = resolve(flags.dataDir);
      const config = loadConfig({
        file: flags.config,
        env,
        overrides: [{ flag: '--metrics-port', path: ['metricsPort'], value: flags.metricsPort }],
      });
      const service = readServiceEnvironment(INGEST, env, { sink: flags.sink, sqsEndpoint: flags.sqsEndpoint });
      const logger = createLogger({ component: 'ingest', level: config.logLevel });
      const running = await startIngestService(config, service, logger, VERSION);
      exitOnShutdownSignals(() => running.close(), logger);
      await new Promise<never>(() => {});
    });
}

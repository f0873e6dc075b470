import { mkdirSync } from 'node:fs';
import { DEFAULT_DATA_DIR, dataDirLayout } from '@lean-ops/core';
import { auditPassed, DevStack, formatAudit, formatAuditVerdict, ProgressView, startStatusServer } from '@lean-ops/dev';
import { createLogger } from '@lean-ops/logger';
import { type Command, Option } from 'commander';
import { pino } from 'pino';
import { VERSION } from '../version.js';

interface DevFlags {
  config?: string;
  dataDir: string;
  rate: string;
  devices: string;
  duration: string;
  profile: string;
  input?: string;
  untilIdle?: boolean;
  json?: boolean;
  redisUrl?: string;
  statusPort: string;
  metricsPort: string;
  sqsPort: string;
  seed?: string;
}

const number = (flag: string, value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${flag}: expected a number (got "${value}")`);
  return n;
};

/** `lean-ops dev` (what `npm start` runs): the whole pipeline on this machine, fed by the simulator. */
export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description(
      'run the whole pipeline on this machine: SQS, ingest, DLQ processor, scheduler, DuckDB lake, simulator',
    )
    .option('-c, --config <file>', 'topics and schemas (default: the built-in three-topic demo)')
    .option('--data-dir <dir>', 'lake, landing files, quarantine, state, ledger, dev.log', DEFAULT_DATA_DIR)
    .option('--rate <n>', 'simulated messages per second; 0 = no simulator, your own SQS clients feed it', '50')
    .option('--devices <n>', 'simulated devices', '20')
    .option(
      '--duration <seconds>',
      'simulate (with --rate 0: take your clients’ messages) this long; 0 = until Ctrl-C',
      '0',
    )
    .option('--profile <name>', 'error injection: clean | default | chaos', 'default')
    .option('--input <file.jsonl>', 'replay these message bodies instead of simulating')
    .option(
      '--until-idle',
      'after the input or duration, wait until every queue is empty and every checkpoint caught up, audit, exit',
    )
    .option('--json', 'print the final summary as JSON (no live view)')
    .option('--redis-url <url>', 'use this Redis (default: env REDIS_URL, else redis-server from PATH on a free port)')
    .option('--status-port <port>', 'status page port; 0 = a free one', '8470')
    .option('--metrics-port <port>', '/metrics port; 0 = a free one', '9464')
    .addOption(
      new Option('--sqs-port <port>', 'port of the embedded SQS endpoint for your own clients; 0 = a free one')
        .env('LEAN_OPS_SQS_PORT')
        .default('9324'),
    )
    .option('--seed <n>', 'simulator seed, to repeat a run')
    .addHelpText(
      'after',
      '\nLogs go to <data-dir>/dev.log; the terminal shows the live flow per topic. Ctrl-C stops everything\n' +
        'gracefully (a second Ctrl-C exits at once). With --until-idle the exit code is 0 only when the audit\n' +
        'accounts for every message sent. The queues persist in <data-dir>/sqs: a restart delivers what they held.\n' +
        'Your own clients: export the AWS_ENDPOINT_URL_SQS line printed at start (see docs/dev.md).',
    )
    .action(async (flags: DevFlags) => {
      const logFile = dataDirLayout(flags.dataDir).devLog;
      mkdirSync(flags.dataDir, { recursive: true });
      const logger = createLogger({
        component: 'dev',
        format: 'json',
        destination: pino.destination({ dest: logFile, sync: false, mkdir: true }),
      });
      const stack = await DevStack.start(
        {
          configFile: flags.config,
          dataDir: flags.dataDir,
          rate: number('--rate', flags.rate),
          devices: number('--devices', flags.devices),
          durationSeconds: number('--duration', flags.duration),
          profile: flags.profile,
          input: flags.input,
          untilIdle: flags.untilIdle ?? false,
          redisUrl: flags.redisUrl,
          statusPort: number('--status-port', flags.statusPort),
          metricsPort: number('--metrics-port', flags.metricsPort),
          sqsPort: number('--sqs-port', flags.sqsPort),
          ...(flags.seed !== undefined && { seed: number('--seed', flags.seed) }),
        },
        logger,
        VERSION,
      );
      const status = await startStatusServer({ source: stack, port: stack.options.statusPort });
      stack.statusUrl = status.url;
      await stack.writeRuntime();
      const say = (line: string) => process.stderr.write(`${line}\n`);
      say(`lean-ops dev: status page ${status.url}  metrics ${stack.endpoints.metrics}/metrics  logs ${logFile}`);
      say(`SQS endpoint ${stack.endpoints.sqs}, one queue per topic:`);
      for (const [topic, { url }] of Object.entries(stack.queues)) say(`  ${topic.padEnd(12)} ${url}`);
      // Any credentials and region do: the embedded endpoint checks no signature.
      say(
        `${stack.simulates ? 'Your own clients can send too' : 'No simulator (--rate 0): send from your own clients'}; in their shell:\n` +
          `  export AWS_ENDPOINT_URL_SQS=${stack.endpoints.sqs} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1`,
      );

      const view = new ProgressView();
      const live = flags.json
        ? undefined
        : setInterval(() => {
            // Off a terminal the view prints every 10 s: read the status only then.
            if (!view.due()) return;
            stack.status().then(
              (s) => view.show(s),
              () => undefined,
            );
          }, 1_000);
      let stopping: Promise<void> | undefined;
      const stop = (code: number) => {
        stopping ??= (async () => {
          if (live) clearInterval(live);
          await status.close();
          await stack.close();
          logger.flush();
          process.exit(code);
        })();
        return stopping;
      };
      let signals = 0;
      const onSignal = () => {
        signals += 1;
        if (signals > 1) process.exit(130);
        say('\nstopping (Ctrl-C again to exit at once)…');
        void stop(0);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);

      const simulation = stack.feed();
      if (!flags.untilIdle) {
        await simulation.catch((err: unknown) => say(`simulator stopped: ${(err as Error).message}`));
        await new Promise<never>(() => {});
      }
      try {
        const sent = await simulation;
        await stack.waitUntilIdle();
        const audit = await stack.audit();
        const final = await stack.status();
        if (live) clearInterval(live);
        if (!flags.json) view.show(final);
        const summary = { simulation: sent, audit, status: final };
        process.stdout.write(
          flags.json ? `${JSON.stringify(summary)}\n` : `\n${formatAudit(audit)}\n${formatAuditVerdict(audit)}\n`,
        );
        await stop(auditPassed(audit) ? 0 : 1);
      } catch (err) {
        say(`lean-ops dev: ${(err as Error).message}`);
        await stop(1);
      }
    });
}

import { createLogger } from '@lean-ops/logger';
import { exitOnShutdownSignals } from '@lean-ops/queue-worker';
import { startSchedulerService } from '@lean-ops/worker-scheduler';
import type { Command } from 'commander';
import { VERSION } from '../version.js';
import { type SchedulerFlags, schedulerContext, withSchedulerFlags } from './scheduler-context.js';

/** `lean-ops scheduler`: the BullMQ scheduler in the foreground (what the Fargate service runs). */
export function registerSchedulerCommand(program: Command): void {
  withSchedulerFlags(
    program.command('scheduler').description('run the scheduler: per-topic curation and semantic runs on BullMQ'),
  )
    .option('--runner <kind>', 'glue | local (env LEAN_OPS_RUNNER, default local)')
    .option('--metrics-port <port>', '/metrics, /healthz, /readyz port (env LEAN_OPS_METRICS_PORT)')
    .addHelpText(
      'after',
      '\nState: DynamoDB tables LEAN_OPS_CHECKPOINTS_TABLE, LEAN_OPS_SCHEMAS_TABLE, LEAN_OPS_DRIFT_TABLE.\n' +
        'Glue: LEAN_OPS_GLUE_CURATION_JOB, LEAN_OPS_GLUE_SEMANTIC_JOB, LEAN_OPS_JOB_RESULTS_URI, LEAN_OPS_RAW_DATABASE,\n' +
        'LEAN_OPS_CURATED_DATABASE, LEAN_OPS_SEMANTIC_DATABASE, LEAN_OPS_GLUE_MAINTENANCE_JOB (table maintenance);\n' +
        'notifications to CloudWatch LEAN_OPS_CLOUDWATCH_NAMESPACE.\n' +
        'Tuning: the "scheduler" section of the config file. SIGTERM/SIGINT: active runs get the shutdown budget,\n' +
        'then resume from their last completed step in the next scheduler.',
    )
    .action(async (flags: SchedulerFlags & { metricsPort?: string }) => {
      const { config, env } = schedulerContext(flags, [
        { flag: '--metrics-port', path: ['metricsPort'], value: flags.metricsPort },
      ]);
      const logger = createLogger({ component: 'scheduler', level: config.logLevel });
      const service = await startSchedulerService(config, env, logger, VERSION);
      exitOnShutdownSignals(() => service.close(), logger);
      await new Promise<never>(() => {});
    });
}

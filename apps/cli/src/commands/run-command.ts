import { ConfigError } from '@lean-ops/core';
import { createRedis, RunHistory, type RunReport } from '@lean-ops/worker-scheduler';
import type { Command } from 'commander';
import { print, runQueueFor, type SchedulerFlags, schedulerContext, withSchedulerFlags } from './scheduler-context.js';
import { waitForReport } from './wait-for-report.js';

interface RunFlags extends SchedulerFlags {
  topic: string;
  wait?: boolean;
  timeout: string;
  json?: boolean;
}

/** `lean-ops run --topic T`: an on-demand run, merged with one already queued for the topic. */
export function registerRunCommand(program: Command): void {
  withSchedulerFlags(
    program
      .command('run')
      .description('ask the scheduler for a run of one topic now (at most one runs and one waits per topic)')
      .requiredOption('-t, --topic <topic>', 'the topic to run'),
  )
    .option('-w, --wait', 'wait for the run to finish and print its report')
    .option('--timeout <seconds>', 'longest wait with --wait', '900')
    .option('--json', 'print the report as JSON')
    .action(async (flags: RunFlags) => {
      const { config, env, prefix } = schedulerContext(flags);
      if (!config.topics.some((t) => t.name === flags.topic)) {
        throw new ConfigError('--topic', [
          `"${flags.topic}" is not a configured topic (${config.topics.map((t) => t.name).join(', ')})`,
        ]);
      }
      const connection = createRedis(env.redisUrl);
      const runs = runQueueFor(connection, config, prefix);
      try {
        const asked = new Date().toISOString();
        const id = await runs.requestRun(flags.topic, 'manual');
        if (!flags.wait) {
          print(flags.json ? JSON.stringify({ topic: flags.topic, job_id: id }) : `run of ${flags.topic} requested`);
          return;
        }
        // The first run that started after the request holds everything committed before it.
        const report = await waitForReport(
          new RunHistory(connection, prefix, 1),
          flags.topic,
          (r) => r.started_at >= asked,
          Number(flags.timeout),
          'run',
        );
        print(flags.json ? JSON.stringify(report) : describe(report));
        if (report.outcome === 'Failed') process.exitCode = 1;
      } finally {
        await runs.close();
        connection.disconnect();
      }
    });
}

function describe(report: RunReport): string {
  const steps = Object.entries(report.timings)
    .map(([step, ms]) => `${step} ${ms} ms`)
    .join(', ');
  const failure = report.outcome === 'Failed' ? `\nfailed at ${report.failed_step}: ${report.error?.message}` : '';
  return `${report.topic}: ${report.outcome}${failure}\nsteps: ${steps}`;
}

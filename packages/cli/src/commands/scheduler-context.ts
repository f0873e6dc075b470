import { resolve } from 'node:path';
import { type LeanOpsConfig, loadConfig } from '@lean-ops/config';
import { readSchedulerEnvironment, type SchedulerEnvironment } from '@lean-ops/worker-scheduler';
import type { Command } from 'commander';

export interface SchedulerFlags {
  config?: string;
  redisUrl?: string;
  dynamodbEndpoint?: string;
  runner?: string;
  dataDir?: string;
}

/** The flags every scheduler-side command shares (each also has an environment variable). */
export function withSchedulerFlags(command: Command): Command {
  return command
    .option('-c, --config <file>', 'config file (topics, schemas, thresholds)')
    .option('--redis-url <url>', 'BullMQ Redis (env LEAN_OPS_REDIS_URL, default redis://127.0.0.1:6379)')
    .option('--dynamodb-endpoint <url>', 'DynamoDB Local endpoint (env LEAN_OPS_DYNAMODB_ENDPOINT; unset in AWS)')
    .option('--data-dir <dir>', 'local lake folder (env LEAN_OPS_DATA_DIR)');
}

/** Config file + scheduler environment, flags winning over environment variables. */
export function schedulerContext(flags: SchedulerFlags): { config: LeanOpsConfig; env: SchedulerEnvironment } {
  const processEnv = { ...process.env };
  if (flags.dataDir) processEnv.LEAN_OPS_DATA_DIR = resolve(flags.dataDir);
  const config = loadConfig({ file: flags.config, env: processEnv });
  const env = readSchedulerEnvironment(processEnv, {
    redisUrl: flags.redisUrl,
    dynamodbEndpoint: flags.dynamodbEndpoint,
    runner: flags.runner,
  });
  return { config, env };
}

export const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

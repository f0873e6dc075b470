import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_FILE_NAMES, type ConfigOverride, type LeanOpsConfig, loadConfig } from '@lean-ops/config';
import { DEFAULT_DATA_DIR, dataDirLayout } from '@lean-ops/core';
import { readRunningDev } from '@lean-ops/local';
import {
  openStateStores,
  RunQueue,
  readSchedulerEnvironment,
  type SchedulerEnvironment,
  type StateStores,
} from '@lean-ops/worker-scheduler';
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

/**
 * Config file + scheduler environment, flags winning over environment variables. With
 * neither, a `lean-ops dev` running on the data dir provides Redis and DynamoDB Local, so
 * `lean-ops drift list` and friends work against `npm start` as they do against AWS.
 */
export function schedulerContext(
  flags: SchedulerFlags,
  overrides: readonly ConfigOverride[] = [],
): {
  config: LeanOpsConfig;
  env: SchedulerEnvironment;
  prefix: string;
} {
  const processEnv = { ...process.env };
  if (flags.dataDir) processEnv.LEAN_OPS_DATA_DIR = resolve(flags.dataDir);
  const dev = readRunningDev(resolve(processEnv.LEAN_OPS_DATA_DIR ?? DEFAULT_DATA_DIR));
  // On the running dev's Redis its runs carry its prefix, unless the config names one.
  const devPrefix = dev && !flags.redisUrl ? dev.schedulerPrefix : undefined;
  const config = loadConfig({
    file: flags.config ?? (dev ? devConfigFile(processEnv) : undefined),
    env: processEnv,
    overrides,
    ...(devPrefix ? { defaults: { scheduler: { prefix: devPrefix } } } : {}),
  });
  const env = readSchedulerEnvironment(processEnv, {
    redisUrl: flags.redisUrl ?? (processEnv.LEAN_OPS_REDIS_URL ? undefined : dev?.redis),
    dynamodbEndpoint: flags.dynamodbEndpoint ?? (processEnv.LEAN_OPS_DYNAMODB_ENDPOINT ? undefined : dev?.dynamodb),
    runner: flags.runner,
  });
  return { config, env, prefix: config.scheduler.prefix };
}

/** The config a running dev uses when none is given: the demo it wrote, unless a file is configured. */
function devConfigFile(env: NodeJS.ProcessEnv): string | undefined {
  if (env.LEAN_OPS_CONFIG) return undefined;
  const demo = dataDirLayout(resolve(env.LEAN_OPS_DATA_DIR ?? DEFAULT_DATA_DIR)).demoConfig;
  const local = CONFIG_FILE_NAMES.some((f) => existsSync(f));
  return local || !existsSync(demo) ? undefined : demo;
}

/** Opens the DynamoDB state of `env`, runs `use`, closes it. */
export async function withStateStores<T>(
  env: SchedulerEnvironment,
  use: (state: StateStores) => Promise<T>,
): Promise<T> {
  const state = await openStateStores(env);
  try {
    return await use(state);
  } finally {
    state.close();
  }
}

/**
 * The run queue as the scheduler configures it: a run requested here is retried with the
 * config file's `scheduler.attempts` and `scheduler.retryBackoffMs` (BullMQ takes them from
 * the job, not from the worker).
 */
export function runQueueFor(
  connection: ConstructorParameters<typeof RunQueue>[0]['connection'],
  config: LeanOpsConfig,
  prefix: string,
): RunQueue {
  const { attempts, retryBackoffMs } = config.scheduler;
  return new RunQueue({ connection, prefix, attempts, retryBackoffMs });
}

export const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

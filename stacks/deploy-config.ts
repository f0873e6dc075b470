/**
 * The app config file a deployment is built from: its topics decide the per-topic queues,
 * streams and alarms, its metrics port the health checks and scrape targets, its thresholds
 * the alarms. The same file is baked into the container image (docker/Dockerfile, build arg
 * LEAN_OPS_CONFIG_FILE), so the infrastructure and the running workers read the same topics.
 *
 * Which file: `$LEAN_OPS_CONFIG` at deploy time, else `lean-ops.config.json` in the repository
 * root. JSON only, inside the repository (it is the Docker build context). Environment
 * overrides (`LEAN_OPS_TOPICS`, …) are ignored here on purpose: the image would not carry them.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { type LeanOpsConfig, loadConfig } from '@lean-ops/config';
import type { StageConfig } from './stage';

export const DEFAULT_DEPLOY_CONFIG = 'lean-ops.config.json';

/** Time ECS leaves between SIGTERM and SIGKILL beyond the worker's own budget (flush, ack, exit). */
export const STOP_TIMEOUT_MARGIN_SECONDS = 15;

/** Fargate's largest container stopTimeout. */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

export interface DeployConfig {
  /** The config file, relative to the repository root with `/` separators (a Docker build arg). */
  readonly file: string;
  readonly config: LeanOpsConfig;
  readonly topics: readonly string[];
  /** ECS stopTimeout of the worker containers: above the ingest shutdown budget. */
  readonly stopTimeoutSeconds: number;
}

/**
 * Loads and checks the deploy config. `root` is the repository root (`$cli.paths.root`).
 *
 * @throws Error naming the file and the problem: not JSON, outside the repository, invalid
 * (the config loader's message), metrics port 0, or a shutdown budget Fargate cannot honour.
 */
export function loadDeployConfig(root: string, env: Readonly<Record<string, string | undefined>>): DeployConfig {
  const requested = env.LEAN_OPS_CONFIG || DEFAULT_DEPLOY_CONFIG;
  const absolute = resolve(root, requested);
  const inRoot = relative(root, absolute);
  if (inRoot.startsWith('..') || isAbsolute(inRoot)) {
    throw new Error(`deploy config ${absolute} is outside ${root}: the Docker build context is the repository root`);
  }
  if (!absolute.endsWith('.json')) {
    throw new Error(`deploy config ${inRoot} must be JSON: the image bakes it in as /app/lean-ops.config.json`);
  }
  // No environment: what is deployed is exactly what the image carries.
  const config = loadConfig({ file: absolute, env: {}, cwd: root });
  if (config.metricsPort === 0) {
    throw new Error(`deploy config ${inRoot}: metricsPort 0 (a random port) cannot be health-checked or scraped`);
  }
  const stopTimeoutSeconds = Math.ceil(config.ingest.shutdownBudgetMs / 1000) + STOP_TIMEOUT_MARGIN_SECONDS;
  if (stopTimeoutSeconds > FARGATE_MAX_STOP_TIMEOUT_SECONDS) {
    throw new Error(
      `deploy config ${inRoot}: ingest.shutdownBudgetMs needs a stop timeout of ${stopTimeoutSeconds} s; ` +
        `Fargate allows ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} s`,
    );
  }
  return {
    file: inRoot.split(sep).join('/'),
    config,
    topics: config.topics.map((topic) => topic.name),
    stopTimeoutSeconds,
  };
}

/** The longest sampling interval that still gives the ingest scaling policy a datum every minute. */
export const MAX_QUEUE_STATS_INTERVAL_MS = 60_000;

/**
 * Checks that the stage's settings suit the config: Firehose must flush within one trigger
 * interval, or a scheduled run would miss the last interval's records; ingest must sample its
 * queues at least once a minute, or its scaling metric (IngestBacklog) has gaps; the semantic
 * lag alarm must fire before snapshot retention would hold more than its normal share.
 *
 * @throws Error naming both values.
 */
export function checkStageAgainstConfig(stage: StageConfig, deploy: DeployConfig): void {
  const sampling = deploy.config.ingest.queueStatsIntervalMs;
  if (sampling <= 0 || sampling > MAX_QUEUE_STATS_INTERVAL_MS) {
    throw new Error(
      `ingest.queueStatsIntervalMs is ${sampling} in ${deploy.file}: the ingest scaling policy tracks the backlog ` +
        `ingest publishes from these samples; use 1–${MAX_QUEUE_STATS_INTERVAL_MS} ms`,
    );
  }
  const lag = deploy.config.thresholds.semanticLagSeconds;
  if (lag >= stage.maintenance.retentionSeconds) {
    throw new Error(
      `thresholds.semanticLagSeconds (${lag} s) of ${deploy.file} is not below the snapshot retention of stage ` +
        `${stage.stage} (maintenance.retentionSeconds, ${stage.maintenance.retentionSeconds} s): the lag alarm must ` +
        'fire before retention would bite (docs/maintenance.md)',
    );
  }
  const buffering = stage.firehose.bufferingIntervalSeconds;
  const trigger = deploy.config.thresholds.triggerIntervalSeconds;
  if (buffering >= trigger) {
    throw new Error(
      `Firehose buffers ${buffering} s on stage ${stage.stage}, not less than ` +
        `thresholds.triggerIntervalSeconds (${trigger} s) of ${deploy.file}: a scheduled run would miss the last interval`,
    );
  }
}

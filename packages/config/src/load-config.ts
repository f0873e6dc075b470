import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ConfigError,
  formatPath,
  formatZodIssues,
  parseSemanticSchema,
  type SemanticSchema,
  type TopicConfig,
} from '@lean-ops/core';
import { parse as parseYaml } from 'yaml';
import { type ConfigInput, configFileSchema, type Thresholds } from './config-schema.js';

/** The validated configuration every lean-ops process starts from. */
export interface LeanOpsConfig {
  readonly topics: readonly TopicConfig[];
  readonly thresholds: Thresholds;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly metricsPort: number;
  readonly dataDir: string;
  /** Ingest worker options from the file; the worker validates them (errors name `ingest.<key>`). */
  readonly ingest: Readonly<Record<string, unknown>>;
  /** DLQ processor options from the file; the processor validates them. */
  readonly dlq: Readonly<Record<string, unknown>>;
  /** Scheduler options from the file; the scheduler validates them. */
  readonly scheduler: Readonly<Record<string, unknown>>;
  /** Where the values came from, for the start-up log line. */
  readonly sources: readonly string[];
}

export interface LoadConfigOptions {
  /** Config file path (the CLI's `--config`); overrides `LEAN_OPS_CONFIG`. */
  readonly file?: string | undefined;
  /** @defaultValue process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Folder searched for `lean-ops.config.{json,yaml,yml}`. @defaultValue process.cwd() */
  readonly cwd?: string;
}

/** Default file names, looked up in order in the working directory. */
export const CONFIG_FILE_NAMES = ['lean-ops.config.json', 'lean-ops.config.yaml', 'lean-ops.config.yml'] as const;

/**
 * Environment variables and the config key each one sets; they win over the file.
 * `LEAN_OPS_TOPICS` (comma-separated) adds schema-less topics.
 */
export const ENV_KEYS: Readonly<Record<string, readonly string[]>> = {
  LEAN_OPS_LOG_LEVEL: ['logLevel'],
  LEAN_OPS_METRICS_PORT: ['metricsPort'],
  LEAN_OPS_DATA_DIR: ['dataDir'],
  LEAN_OPS_DLQ_MAX_AGE_SECONDS: ['thresholds', 'dlqMaxAgeSeconds'],
  LEAN_OPS_CURATION_PENDING_RECORDS: ['thresholds', 'curationPendingRecords'],
  LEAN_OPS_SEMANTIC_LAG_SECONDS: ['thresholds', 'semanticLagSeconds'],
  LEAN_OPS_TRIGGER_INTERVAL_SECONDS: ['thresholds', 'triggerIntervalSeconds'],
  LEAN_OPS_BACKLOG_RECORDS: ['thresholds', 'backlogRecords'],
};

const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`config file ${path}`, [`cannot be read: ${(err as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path}`, [
      `is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(err as Error).message}`,
    ]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path}`, ['(root): expected an object with a "topics" key']);
  }
  return parsed as Record<string, unknown>;
}

function findConfigFile(options: LoadConfigOptions, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const explicit = options.file ?? env.LEAN_OPS_CONFIG;
  if (explicit !== undefined && explicit !== '') {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) {
      const via = options.file !== undefined ? '--config' : 'LEAN_OPS_CONFIG';
      throw new ConfigError(`${via}`, [`config file ${path} does not exist`]);
    }
    return path;
  }
  return CONFIG_FILE_NAMES.map((name) => resolve(cwd, name)).find((path) => existsSync(path));
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? { ...next } : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/**
 * Loads the configuration: defaults, then the config file, then environment variables.
 * Throws `ConfigError` listing every problem, each naming the key (or environment
 * variable) and what was expected.
 */
export function loadConfig(options: LoadConfigOptions = {}): LeanOpsConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = findConfigFile(options, env, cwd);
  const raw: Record<string, unknown> = file ? readConfigFile(file) : {};
  const sources = file ? [file] : [];

  const envForPath = new Map<string, string>();
  for (const [name, path] of Object.entries(ENV_KEYS)) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    setPath(raw, path, NUMBER_TEXT.test(text) ? Number(text) : text);
    envForPath.set(formatPath(path), name);
    sources.push(name);
  }
  const topicsFromEnv = (env.LEAN_OPS_TOPICS ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  if (topicsFromEnv.length > 0) {
    const topics = { ...((raw.topics as Record<string, unknown> | undefined) ?? {}) };
    for (const name of topicsFromEnv) topics[name] ??= {};
    raw.topics = topics;
    sources.push('LEAN_OPS_TOPICS');
  }
  if (raw.topics === undefined) {
    throw new ConfigError('configuration', [
      `topics: no topics configured: create ${CONFIG_FILE_NAMES[0]}, pass --config FILE, or set LEAN_OPS_TOPICS=a,b`,
    ]);
  }

  const parsed = configFileSchema.safeParse(raw as ConfigInput);
  if (!parsed.success) {
    const issues = formatZodIssues(parsed.error, raw).map((line) => {
      const path = line.slice(0, line.indexOf(':'));
      const envName = envForPath.get(path);
      return envName ? `${envName} (${line})` : line;
    });
    throw new ConfigError(file ? `configuration (${file})` : 'configuration', issues);
  }

  const config = parsed.data;
  const topics: TopicConfig[] = Object.entries(config.topics).map(([name, entry]) => {
    // Already validated with the full path above; this only fills in `topic`.
    const schema: SemanticSchema | undefined = entry.schema
      ? parseSemanticSchema({ ...entry.schema, topic: name }, `schema of topic ${name}`)
      : undefined;
    return { name, schema };
  });
  return {
    topics,
    thresholds: config.thresholds,
    logLevel: config.logLevel,
    metricsPort: config.metricsPort,
    dataDir: resolve(cwd, config.dataDir),
    ingest: config.ingest,
    dlq: config.dlq,
    scheduler: config.scheduler,
    sources,
  };
}

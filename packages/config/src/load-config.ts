import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  COMMON_ENV,
  ConfigError,
  DLQ_ENV,
  formatPath,
  formatZodIssues,
  parseSemanticSchema,
  type SemanticSchema,
  type TopicConfig,
} from '@lean-ops/core';
import { parse as parseYaml } from 'yaml';
import { type ConfigInput, configFileSchema, type Thresholds } from './config-schema.js';
import type { DlqSection } from './sections/dlq.js';
import type { IngestTuning } from './sections/ingest.js';
import type { SchedulerTuning } from './sections/scheduler.js';
import type { SnowflakeSection } from './sections/snowflake.js';

/** The validated configuration every lean-ops process starts from. */
export interface LeanOpsConfig {
  readonly topics: readonly TopicConfig[];
  readonly thresholds: Thresholds;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly metricsPort: number;
  readonly dataDir: string;
  /** Ingest worker tuning, defaults applied. */
  readonly ingest: IngestTuning;
  /** DLQ processor tuning and metrics port, defaults applied. */
  readonly dlq: DlqSection;
  /** Snowflake over the semantic layer; `undefined`: none. */
  readonly snowflake: SnowflakeSection | undefined;
  /** Scheduler tuning, defaults applied. */
  readonly scheduler: SchedulerTuning;
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
  /** This process's own starting values, beneath the file (e.g. `lean-ops dev`'s faster RAW poll). */
  readonly defaults?: ConfigDefaults;
  /** Command-line flags; they win over the file and the environment. */
  readonly overrides?: readonly ConfigOverride[];
}

/** Per-process starting values of the sections, key by key; the file and the environment win over them. */
export type ConfigDefaults = {
  readonly [K in 'thresholds' | 'ingest' | 'dlq' | 'scheduler']?: Partial<NonNullable<ConfigInput[K]>>;
};

/** One command-line flag that sets one config key. */
export interface ConfigOverride {
  /** The flag, as errors name it: `--max-attempts`. */
  readonly flag: string;
  /** The key it sets: `['dlq', 'maxAttempts']`. */
  readonly path: readonly [string, ...string[]];
  /** Its value; text is read as environment variables are (number text as a number). Undefined: not given. */
  readonly value: string | number | undefined;
}

/** Default file names, looked up in order in the working directory. */
export const CONFIG_FILE_NAMES = ['lean-ops.config.json', 'lean-ops.config.yaml', 'lean-ops.config.yml'] as const;

/**
 * Environment variables and the config key each one sets; they win over the file.
 * `LEAN_OPS_TOPICS` (comma-separated) adds schema-less topics.
 */
export const ENV_KEYS: Readonly<Record<string, readonly string[]>> = {
  [COMMON_ENV.logLevel]: ['logLevel'],
  [COMMON_ENV.metricsPort]: ['metricsPort'],
  [COMMON_ENV.dataDir]: ['dataDir'],
  LEAN_OPS_DLQ_MAX_AGE_SECONDS: ['thresholds', 'dlqMaxAgeSeconds'],
  LEAN_OPS_CURATION_PENDING_RECORDS: ['thresholds', 'curationPendingRecords'],
  LEAN_OPS_SEMANTIC_LAG_SECONDS: ['thresholds', 'semanticLagSeconds'],
  LEAN_OPS_TRIGGER_INTERVAL_SECONDS: ['thresholds', 'triggerIntervalSeconds'],
  LEAN_OPS_BACKLOG_RECORDS: ['thresholds', 'backlogRecords'],
  // LEAN_OPS_DLQ_MAX_ATTEMPTS and friends: each sets the `dlq` key it is named after.
  ...Object.fromEntries(Object.entries(DLQ_ENV).map(([key, name]) => [name, ['dlq', key]])),
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
  const explicit = options.file ?? env[COMMON_ENV.config];
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

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Text of a variable or a flag as a config value: number text becomes a number. */
const fromText = (text: string | number): unknown =>
  typeof text === 'string' && NUMBER_TEXT.test(text) ? Number(text) : text;

/** `defaults` beneath the file's sections, key by key; a section that is not an object is left for the schema to name. */
function applyDefaults(raw: Record<string, unknown>, defaults: ConfigDefaults): void {
  for (const [section, values] of Object.entries(defaults)) {
    if (values === undefined) continue;
    const fromFile = raw[section];
    if (fromFile === undefined) raw[section] = { ...values };
    else if (isPlainObject(fromFile)) raw[section] = { ...values, ...fromFile };
  }
}

/**
 * Loads and validates the whole configuration, every section: built-in defaults, then the
 * process's `defaults`, the config file, environment variables, and command-line
 * `overrides`. Throws `ConfigError` listing every problem, each naming the key (and the
 * environment variable or flag that set it) and what was expected.
 */
export function loadConfig(options: LoadConfigOptions = {}): LeanOpsConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = findConfigFile(options, env, cwd);
  const raw: Record<string, unknown> = file ? readConfigFile(file) : {};
  const sources = file ? [file] : [];
  applyDefaults(raw, options.defaults ?? {});

  /** Which variable or flag set a key, to name it in errors. */
  const originOfPath = new Map<string, string>();
  for (const [name, path] of Object.entries(ENV_KEYS)) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    setPath(raw, path, fromText(text));
    originOfPath.set(formatPath(path), name);
    sources.push(name);
  }
  for (const { flag, path, value } of options.overrides ?? []) {
    if (value === undefined) continue;
    setPath(raw, path, fromText(value));
    originOfPath.set(formatPath(path), flag);
    sources.push(flag);
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
      const origin = originOfPath.get(path);
      return origin ? `${origin} (${line})` : line;
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
    snowflake: config.snowflake,
    sources,
  };
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/index.js';

const folder = (files: Record<string, string> = {}): string => {
  const dir = mkdtempSync(join(tmpdir(), 'lean-ops-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};
const json = (value: unknown) => JSON.stringify(value, null, 2);
const minimal = { topics: { telemetry: {} } };

/** Loads and returns the ConfigError message (fails the test if loading succeeds). */
const errorOf = (files: Record<string, string>, env: NodeJS.ProcessEnv = {}, file?: string): string => {
  try {
    loadConfig({ cwd: folder(files), env, file });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('Function: loadConfig', () => {
  it('applies the contract §7 defaults', () => {
    const config = loadConfig({ cwd: folder({ 'lean-ops.config.json': json(minimal) }), env: {} });
    expect(config.thresholds).toEqual({
      dlqMaxAgeSeconds: 604_800,
      curationPendingRecords: 100_000,
      semanticLagSeconds: 7_200,
      triggerIntervalSeconds: 900,
      backlogRecords: 10_000,
      tableSmallFiles: 1_000,
      tableDeleteFiles: 500,
      tableSnapshots: 5_000,
    });
    expect(config.topics).toEqual([{ name: 'telemetry', schema: undefined }]);
    expect(config.logLevel).toBe('info');
  });

  it('reads topics with schemas in the contract format, filling in topic and defaults', () => {
    const cwd = folder({
      'lean-ops.config.json': json({
        topics: {
          telemetry: { schema: { version: 2, columns: [{ name: 'temperature', type: 'double', required: true }] } },
          alerts: {},
        },
      }),
    });
    const config = loadConfig({ cwd, env: {} });
    expect(config.topics).toEqual([
      {
        name: 'telemetry',
        schema: { topic: 'telemetry', version: 2, columns: [{ name: 'temperature', type: 'double', required: true }] },
      },
      { name: 'alerts', schema: undefined },
    ]);
  });

  it('reads YAML too', () => {
    const cwd = folder({
      'lean-ops.config.yaml':
        'topics:\n  telemetry:\n    schema:\n      columns:\n        - { name: status, type: string }\nthresholds:\n  backlogRecords: 50\n',
    });
    const config = loadConfig({ cwd, env: {} });
    expect(config.thresholds.backlogRecords).toBe(50);
    expect(config.topics[0]?.schema?.version).toBe(1);
  });

  it('lets environment variables win over the file', () => {
    const cwd = folder({ 'lean-ops.config.json': json({ ...minimal, thresholds: { backlogRecords: 5 } }) });
    const config = loadConfig({
      cwd,
      env: { LEAN_OPS_BACKLOG_RECORDS: '7', LEAN_OPS_TOPICS: 'alerts, telemetry', LEAN_OPS_LOG_LEVEL: 'debug' },
    });
    expect(config.thresholds.backlogRecords).toBe(7);
    expect(config.topics.map((t) => t.name)).toEqual(['telemetry', 'alerts']);
    expect(config.logLevel).toBe('debug');
    expect(config.sources).toContain('LEAN_OPS_BACKLOG_RECORDS');
  });

  it('needs no file when LEAN_OPS_TOPICS is set', () =>
    expect(loadConfig({ cwd: folder(), env: { LEAN_OPS_TOPICS: 'telemetry' } }).topics).toHaveLength(1));

  it('types every section, defaults applied', () => {
    const config = loadConfig({ cwd: folder({ 'lean-ops.config.json': json(minimal) }), env: {} });
    expect(config.ingest).toMatchObject({ threads: 1, pollersPerQueue: 4, lingerMs: 200, shutdownBudgetMs: 30_000 });
    expect(config.dlq).toMatchObject({
      maxAttempts: 5,
      backoffBaseSeconds: 60,
      backoffMaxSeconds: 900,
      metricsPort: 9465,
    });
    expect(config.scheduler).toMatchObject({
      rawPollSeconds: 30,
      attempts: 3,
      retryBackoffMs: 10_000,
      prefix: 'lean-ops',
    });
  });

  it('reads the sections from the file', () => {
    const cwd = folder({
      'lean-ops.config.json': json({
        ...minimal,
        ingest: { pollersPerQueue: 8 },
        dlq: { maxAttempts: 2 },
        scheduler: { concurrency: 1 },
      }),
    });
    const config = loadConfig({ cwd, env: {} });
    expect([config.ingest.pollersPerQueue, config.dlq.maxAttempts, config.scheduler.concurrency]).toEqual([8, 2, 1]);
  });

  it('sets the dlq section from LEAN_OPS_DLQ_* over the file', () => {
    const cwd = folder({
      'lean-ops.config.json': json({ ...minimal, dlq: { maxAttempts: 8, backoffMaxSeconds: 600 } }),
    });
    const config = loadConfig({
      cwd,
      env: {
        LEAN_OPS_DLQ_MAX_ATTEMPTS: '7',
        LEAN_OPS_DLQ_BACKOFF_BASE_SECONDS: '0',
        LEAN_OPS_DLQ_METRICS_PORT: '9999',
      },
    });
    expect(config.dlq).toMatchObject({
      maxAttempts: 7,
      backoffBaseSeconds: 0,
      backoffMaxSeconds: 600,
      metricsPort: 9999,
    });
  });

  it('lets overrides (flags) win over the environment, and names them as sources', () => {
    const config = loadConfig({
      cwd: folder({ 'lean-ops.config.json': json(minimal) }),
      env: { LEAN_OPS_DLQ_MAX_ATTEMPTS: '7' },
      overrides: [
        { flag: '--max-attempts', path: ['dlq', 'maxAttempts'], value: '2' },
        { flag: '--metrics-port', path: ['dlq', 'metricsPort'], value: undefined },
      ],
    });
    expect(config.dlq.maxAttempts).toBe(2);
    expect(config.dlq.metricsPort).toBe(9465);
    expect(config.sources).toContain('--max-attempts');
    expect(config.sources).not.toContain('--metrics-port');
  });

  it("puts a process's defaults beneath the file, key by key", () => {
    const defaults = { scheduler: { prefix: 'lean-ops-dev', rawPollSeconds: 1 } };
    const plain = loadConfig({ cwd: folder({ 'lean-ops.config.json': json(minimal) }), env: {}, defaults });
    expect(plain.scheduler).toMatchObject({ prefix: 'lean-ops-dev', rawPollSeconds: 1 });
    const cwd = folder({ 'lean-ops.config.json': json({ ...minimal, scheduler: { rawPollSeconds: 5 } }) });
    expect(loadConfig({ cwd, env: {}, defaults }).scheduler).toMatchObject({
      prefix: 'lean-ops-dev',
      rawPollSeconds: 5,
    });
  });

  it('uses --config over LEAN_OPS_CONFIG', () => {
    const cwd = folder({ 'a.json': json({ topics: { a: {} } }), 'b.json': json({ topics: { b: {} } }) });
    expect(loadConfig({ cwd, env: { LEAN_OPS_CONFIG: 'b.json' }, file: 'a.json' }).topics[0]?.name).toBe('a');
    expect(loadConfig({ cwd, env: { LEAN_OPS_CONFIG: 'b.json' } }).topics[0]?.name).toBe('b');
  });
});

describe('Function: loadConfig — each invalid case names the key', () => {
  const file = (value: unknown) => ({ 'lean-ops.config.json': json(value) });

  it.each([
    ['no topics anywhere', {}, {}, /topics: no topics configured/],
    ['empty topics', file({ topics: {} }), {}, /topics: at least one topic is required/],
    ['bad topic name', file({ topics: { 'Bad-Name': {} } }), {}, /topics\.Bad-Name: invalid key: topic names match/],
    ['unknown top-level key', file({ ...minimal, topcs: {} }), {}, /topcs: unknown key/],
    ['unknown topic key', file({ topics: { telemetry: { shema: {} } } }), {}, /topics\.telemetry\.shema: unknown key/],
    [
      'threshold of the wrong type',
      file({ ...minimal, thresholds: { backlogRecords: 'ten' } }),
      {},
      /thresholds\.backlogRecords: .*expected number.*\(got "ten"\)/,
    ],
    [
      'negative threshold',
      file({ ...minimal, thresholds: { semanticLagSeconds: -1 } }),
      {},
      /thresholds\.semanticLagSeconds: .*>0/,
    ],
    ['unknown threshold', file({ ...minimal, thresholds: { backlog: 1 } }), {}, /thresholds\.backlog: unknown key/],
    ['bad log level', file({ ...minimal, logLevel: 'loud' }), {}, /logLevel: .*"loud"/],
    [
      'ingest setting out of range',
      file({ ...minimal, ingest: { pollersPerQueue: -1 } }),
      {},
      /ingest\.pollersPerQueue: .*>=1.*\(got -1\)/,
    ],
    [
      'unknown ingest key',
      file({ ...minimal, ingest: { pollersPerQeue: 2 } }),
      {},
      /ingest\.pollersPerQeue: unknown key/,
    ],
    [
      'ingest heartbeat not below the visibility timeout',
      file({ ...minimal, ingest: { visibilityTimeoutSeconds: 10, heartbeatIntervalMs: 10_000 } }),
      {},
      /ingest\.heartbeatIntervalMs: must be less than visibilityTimeoutSeconds × 1000 \(10000\)/,
    ],
    ['ingest section not an object', file({ ...minimal, ingest: 4 }), {}, /ingest: .*expected object/],
    [
      'dlq backoff base above its cap',
      file({ ...minimal, dlq: { backoffBaseSeconds: 120, backoffMaxSeconds: 60 } }),
      {},
      /dlq\.backoffBaseSeconds: must not exceed backoffMaxSeconds/,
    ],
    ['dlq backoff beyond SQS', file({ ...minimal, dlq: { backoffMaxSeconds: 901 } }), {}, /dlq\.backoffMaxSeconds: /],
    ['unknown dlq key', file({ ...minimal, dlq: { attempts: 3 } }), {}, /dlq\.attempts: unknown key/],
    [
      'scheduler.backlogRecords (thresholds.backlogRecords is the one setting)',
      file({ ...minimal, scheduler: { backlogRecords: 5 } }),
      {},
      /scheduler\.backlogRecords: unknown key/,
    ],
    [
      'scheduler.triggerIntervalSeconds (a threshold)',
      file({ ...minimal, scheduler: { triggerIntervalSeconds: 5 } }),
      {},
      /scheduler\.triggerIntervalSeconds: unknown key/,
    ],
    ['scheduler attempts of 0', file({ ...minimal, scheduler: { attempts: 0 } }), {}, /scheduler\.attempts: .*>0/],
    [
      'LEAN_OPS_DLQ_* not an integer',
      file(minimal),
      { LEAN_OPS_DLQ_BACKOFF_BASE_SECONDS: '1.5' },
      /LEAN_OPS_DLQ_BACKOFF_BASE_SECONDS \(dlq\.backoffBaseSeconds: .*expected int/,
    ],
    [
      'LEAN_OPS_DLQ_METRICS_PORT out of range',
      file(minimal),
      { LEAN_OPS_DLQ_METRICS_PORT: '70000' },
      /LEAN_OPS_DLQ_METRICS_PORT \(dlq\.metricsPort: /,
    ],
    ['port out of range', file({ ...minimal, metricsPort: 70_000 }), {}, /metricsPort: /],
    [
      'unknown column type',
      file({ topics: { telemetry: { schema: { columns: [{ name: 't', type: 'float' }] } } } }),
      {},
      /topics\.telemetry\.schema\.columns\[0\]\.type: .*\(got "float"\)/,
    ],
    [
      'bad column name',
      file({ topics: { telemetry: { schema: { columns: [{ name: 'Temp C', type: 'double' }] } } } }),
      {},
      /topics\.telemetry\.schema\.columns\[0\]\.name: must be a curated column name/,
    ],
    [
      'duplicate column',
      file({
        topics: {
          telemetry: {
            schema: {
              columns: [
                { name: 'a', type: 'long' },
                { name: 'a', type: 'long' },
              ],
            },
          },
        },
      }),
      {},
      /topics\.telemetry\.schema\.columns\[1\]\.name: duplicate column "a"/,
    ],
    [
      'schema for another topic',
      file({ topics: { telemetry: { schema: { topic: 'alerts', columns: [{ name: 'a', type: 'long' }] } } } }),
      {},
      /topics\.telemetry\.schema\.topic: must equal the topic key "telemetry"/,
    ],
    [
      'env var of the wrong type',
      file(minimal),
      { LEAN_OPS_BACKLOG_RECORDS: 'lots' },
      /LEAN_OPS_BACKLOG_RECORDS \(thresholds\.backlogRecords: .*"lots"/,
    ],
    [
      'env var not an integer',
      file(minimal),
      { LEAN_OPS_METRICS_PORT: '80.5' },
      /LEAN_OPS_METRICS_PORT \(metricsPort: .*expected int.*80\.5/,
    ],
    ['bad topic in LEAN_OPS_TOPICS', {}, { LEAN_OPS_TOPICS: 'ok,NOT_OK' }, /topics\.NOT_OK: /],
    [
      'invalid JSON',
      { 'lean-ops.config.json': '{ "topics": ' },
      {},
      /lean-ops\.config\.json:\n {2}- is not valid JSON/,
    ],
    ['invalid YAML', { 'lean-ops.config.yaml': 'topics: [\n' }, {}, /is not valid YAML/],
    ['root not an object', { 'lean-ops.config.json': '[1]' }, {}, /expected an object with a "topics" key/],
    [
      'missing LEAN_OPS_CONFIG file',
      {},
      { LEAN_OPS_CONFIG: 'nope.json' },
      /LEAN_OPS_CONFIG:\n {2}- config file .*nope\.json does not exist/,
    ],
  ])('%s', (_, files, env, expected) => expect(errorOf(files, env)).toMatch(expected));

  it('names a missing --config file', () =>
    expect(errorOf({}, {}, 'missing.yaml')).toMatch(/--config:\n {2}- config file .*missing\.yaml does not exist/));

  it('names the flag of a bad override', () => {
    const message = (() => {
      try {
        loadConfig({
          cwd: folder(file(minimal)),
          env: {},
          overrides: [{ flag: '--max-attempts', path: ['dlq', 'maxAttempts'], value: 'many' }],
        });
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(message).toMatch(/--max-attempts \(dlq\.maxAttempts: .*\(got "many"\)/);
  });

  it('lists every problem, not just the first', () => {
    const message = errorOf(file({ ...minimal, logLevel: 'x', metricsPort: 'y' }));
    expect(message).toMatch(/logLevel/);
    expect(message).toMatch(/metricsPort/);
  });
});

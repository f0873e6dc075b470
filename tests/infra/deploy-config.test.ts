import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkStageAgainstConfig, loadDeployConfig } from '../../stacks/deploy-config';
import { stageConfig } from '../../stacks/stage';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A fresh repository root holding `files` (path → JSON value or raw text). */
function repo(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'lean-ops-deploy-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const TOPICS = { topics: { telemetry: {}, alerts: {} } };

describe('loadDeployConfig', () => {
  it('reads lean-ops.config.json at the root by default: topics, metrics port, a stop timeout above the budget', () => {
    const deploy = loadDeployConfig(repo({ 'lean-ops.config.json': TOPICS }), {});

    expect(deploy).toMatchObject({
      file: 'lean-ops.config.json',
      topics: ['telemetry', 'alerts'],
      stopTimeoutSeconds: 45,
    });
    expect(deploy.config.metricsPort).toBe(9464);
  });

  it('takes $LEAN_OPS_CONFIG relative to the root and derives the stop timeout from ingest.shutdownBudgetMs', () => {
    const root = repo({ 'deploy/prod.json': { ...TOPICS, metricsPort: 9100, ingest: { shutdownBudgetMs: 100_000 } } });
    const deploy = loadDeployConfig(root, { LEAN_OPS_CONFIG: 'deploy/prod.json' });

    expect(deploy).toMatchObject({ file: 'deploy/prod.json', stopTimeoutSeconds: 115 });
    expect(deploy.config.metricsPort).toBe(9100);
  });

  it('ignores environment overrides the image would not carry', () => {
    const deploy = loadDeployConfig(repo({ 'lean-ops.config.json': TOPICS }), { LEAN_OPS_TOPICS: 'extra' });

    expect(deploy.topics).toEqual(['telemetry', 'alerts']);
  });

  it.each([
    ['a missing file', {}, {}, 'lean-ops.config.json does not exist'],
    ['a file outside the repository', {}, { LEAN_OPS_CONFIG: '../elsewhere.json' }, 'is outside'],
    ['a YAML file', { 'c.yaml': 'topics: {a: {}}' }, { LEAN_OPS_CONFIG: 'c.yaml' }, 'must be JSON'],
    ['an invalid config', { 'lean-ops.config.json': { topics: { 'Bad-Name': {} } } }, {}, 'topic names match'],
    ['metrics port 0', { 'lean-ops.config.json': { ...TOPICS, metricsPort: 0 } }, {}, 'metricsPort 0'],
    [
      'a shutdown budget Fargate cannot wait for',
      { 'lean-ops.config.json': { ...TOPICS, ingest: { shutdownBudgetMs: 110_000 } } },
      {},
      'needs a stop timeout of 125 s; Fargate allows 120 s',
    ],
    [
      'a malformed shutdown budget',
      { 'lean-ops.config.json': { ...TOPICS, ingest: { shutdownBudgetMs: '30s' } } },
      {},
      'ingest.shutdownBudgetMs: Invalid input: expected number, received string',
    ],
  ])('refuses %s', (_, files, env, message) => {
    expect(() => loadDeployConfig(repo(files), env)).toThrow(message);
  });
});

describe('checkStageAgainstConfig', () => {
  const withTrigger = (seconds: number) =>
    loadDeployConfig(
      repo({ 'lean-ops.config.json': { ...TOPICS, thresholds: { triggerIntervalSeconds: seconds } } }),
      {},
    );

  it('accepts buffering shorter than the trigger interval', () => {
    expect(() => checkStageAgainstConfig(stageConfig('prod'), withTrigger(301))).not.toThrow();
  });

  it('refuses buffering as long as the trigger interval: a run would miss the last records', () => {
    expect(() => checkStageAgainstConfig(stageConfig('prod'), withTrigger(300))).toThrow(
      'Firehose buffers 300 s on stage prod, not less than thresholds.triggerIntervalSeconds (300 s) of lean-ops.config.json',
    );
    expect(() => checkStageAgainstConfig(stageConfig('dev'), withTrigger(300))).not.toThrow();
  });

  it('refuses a semantic lag alarm that would not fire before snapshot retention bites (docs/maintenance.md)', () => {
    const withLag = (seconds: number) =>
      loadDeployConfig(
        repo({ 'lean-ops.config.json': { ...TOPICS, thresholds: { semanticLagSeconds: seconds } } }),
        {},
      );
    const retention = stageConfig('dev').maintenance.retentionSeconds;

    expect(() => checkStageAgainstConfig(stageConfig('dev'), withLag(retention - 1))).not.toThrow();
    expect(() => checkStageAgainstConfig(stageConfig('dev'), withLag(retention))).toThrow(
      `thresholds.semanticLagSeconds (${retention} s) of lean-ops.config.json is not below the snapshot retention of stage dev`,
    );
  });

  it('refuses queue sampling off or slower than once a minute: the ingest scaling metric comes from it', () => {
    const withSampling = (ms: number) =>
      loadDeployConfig(repo({ 'lean-ops.config.json': { ...TOPICS, ingest: { queueStatsIntervalMs: ms } } }), {});

    expect(() => checkStageAgainstConfig(stageConfig('prod'), withSampling(60_000))).not.toThrow();
    for (const ms of [0, 60_001]) {
      expect(() => checkStageAgainstConfig(stageConfig('prod'), withSampling(ms))).toThrow(
        `ingest.queueStatsIntervalMs is ${ms} in lean-ops.config.json: the ingest scaling policy tracks the backlog`,
      );
    }
  });
});

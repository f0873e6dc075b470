import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_PATH_IN_IMAGE, HEALTH_CHECK_COMMAND, WORKER_COMMANDS } from '../../stacks/service-environment';
import { checkDockerfile, parseDockerfile } from './dockerfile-check';

const ROOT = join(import.meta.dirname, '..', '..');
const DOCKERFILE = readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8');
const expected = {
  targets: WORKER_COMMANDS,
  // The Dockerfile runs the same script as the ECS health check (HEALTH_CHECK_COMMAND minus its CMD marker).
  healthcheck: HEALTH_CHECK_COMMAND.slice(1),
};

describe('docker/Dockerfile', () => {
  it('builds multi-stage on Node LTS and runs every service non-root under tini with a health check', () => {
    expect(checkDockerfile(DOCKERFILE, expected)).toEqual([]);
  });

  it('bakes the deploy config in where LEAN_OPS_CONFIG points, from the build arg the stacks pass', () => {
    const runtime = parseDockerfile(DOCKERFILE).find((stage) => stage.name === 'runtime');
    const instructions = runtime?.instructions ?? [];

    expect(instructions).toContainEqual({ keyword: 'ARG', args: 'LEAN_OPS_CONFIG_FILE=lean-ops.config.json' });
    expect(instructions).toContainEqual({ keyword: 'COPY', args: `\${LEAN_OPS_CONFIG_FILE} ${CONFIG_PATH_IN_IMAGE}` });
    expect(instructions.find((i) => i.keyword === 'ENV')?.args).toContain(`LEAN_OPS_CONFIG=${CONFIG_PATH_IN_IMAGE}`);
  });

  it('runs the compiled bundle of npm run build, not the TypeScript sources', () => {
    const stages = parseDockerfile(DOCKERFILE);
    const build = stages.find((stage) => stage.name === 'build')?.instructions ?? [];
    const runtime = stages.find((stage) => stage.name === 'runtime')?.instructions ?? [];

    expect(build.find((i) => i.keyword === 'RUN' && i.args.includes('npm ci'))?.args).toMatch(
      /npm ci .*&& npm run build .*&& npm prune --omit=dev/s,
    );
    expect(runtime.find((i) => i.keyword === 'ENTRYPOINT')?.args).toContain('"node", "/app/dist/lean-ops.mjs"');
    expect(DOCKERFILE).not.toMatch(/bin\/lean-ops\.js|tsx/);
  });

  it('copies every npm workspace folder into the build stage (the bundle is built from all of them)', () => {
    const { workspaces } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
    const build = parseDockerfile(DOCKERFILE).find((stage) => stage.name === 'build')?.instructions ?? [];
    const copied = build.filter((i) => i.keyword === 'COPY').map((i) => i.args);

    expect(workspaces.map((w) => w.replace(/\/\*$/, ''))).toEqual(['packages', 'workers', 'apps']);
    for (const folder of workspaces.map((w) => w.replace(/\/\*$/, '')))
      expect(copied).toContain(`${folder} ./${folder}`);
  });

  it('keeps the health check script on /healthz of the metrics port', () => {
    const script = readFileSync(join(ROOT, 'docker', 'healthcheck.mjs'), 'utf8');

    expect(script).toContain('/healthz');
    expect(script).toContain('LEAN_OPS_METRICS_PORT');
  });

  it('has a Dockerfile-specific .dockerignore that lists .sst (else SST rewrites the root one on every deploy)', () => {
    const ignore = readFileSync(join(ROOT, 'docker', 'Dockerfile.dockerignore'), 'utf8').split('\n');

    expect(ignore).toEqual(expect.arrayContaining(['.sst', '**/node_modules', '.git']));
  });
});

// Each planted defect must be reported: the check is not a rubber stamp.
describe('checkDockerfile', () => {
  it.each([
    ['a root user', (d: string) => d.replace('USER node', 'USER root'), 'target ingest: runs as root'],
    ['no USER', (d: string) => d.replace('USER node\n', ''), 'target dlq: runs as root'],
    ['no HEALTHCHECK', (d: string) => d.replace(/^HEALTHCHECK.*$/m, ''), 'target scheduler: HEALTHCHECK is not'],
    [
      'no tini',
      (d: string) => d.replace('"/usr/bin/tini", "-s", "-g", "--", ', ''),
      'target ingest: no tini in ENTRYPOINT',
    ],
    [
      'a non-LTS base',
      (d: string) => d.replace('ARG NODE_VERSION=24', 'ARG NODE_VERSION=23'),
      'is not a Node.js LTS image',
    ],
    [
      'a full runtime image',
      (d: string) => d.replace('-bookworm-slim AS runtime', '-bookworm AS runtime'),
      'not a slim image',
    ],
    ['dev dependencies', (d: string) => d.replace('npm prune --omit=dev', 'true'), 'no `npm ci` with `--omit=dev`'],
    ['an unlocked install', (d: string) => d.replace('npm ci --no-audit', 'npm install --no-audit'), 'no `npm ci`'],
    [
      'a wrong command',
      (d: string) => d.replace('CMD ["dlq", "run"]', 'CMD ["dlq"]'),
      'target dlq: CMD ["dlq"] is not ["dlq","run"]',
    ],
    ['a missing target', (d: string) => d.replace('AS scheduler', 'AS sched'), 'target scheduler: missing'],
    [
      'a single stage',
      (d: string) =>
        d.replace(
          /^FROM node:\$\{NODE_VERSION\}-bookworm AS build[\s\S]*?(?=^FROM node:\$\{NODE_VERSION\}-bookworm-slim)/m,
          '',
        ),
      'not a multi-stage build',
    ],
  ])('reports %s', (_, plant, message) => {
    const planted = plant(DOCKERFILE);

    expect(planted).not.toBe(DOCKERFILE);
    expect(checkDockerfile(planted, expected).join('\n')).toContain(message);
  });
});

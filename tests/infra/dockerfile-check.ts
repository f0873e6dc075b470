/**
 * Static checks of docker/Dockerfile (no Docker engine runs here): a multi-stage build with
 * production-only `npm ci`, Node.js LTS bases (slim at runtime), and one final target per
 * service that runs as a non-root user under tini with a health check and the service's
 * command. Returns the violations found.
 */

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

export interface Stage {
  readonly name: string | undefined;
  /** The FROM image or earlier stage, with global ARG defaults substituted. */
  readonly base: string;
  readonly instructions: readonly Instruction[];
}

/** Node.js majors with long-term support this project builds on. */
export const LTS_NODE_MAJORS: ReadonlySet<number> = new Set([22, 24]);

/** Splits a Dockerfile into stages of instructions (continuations joined, comments dropped). */
export function parseDockerfile(text: string): Stage[] {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const globals = new Map<string, string>();
  const stages: { name: string | undefined; base: string; instructions: Instruction[] }[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      const image = (match?.[1] ?? args).replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => globals.get(a ?? b) ?? '');
      stages.push({ name: match?.[2], base: image, instructions: [] });
    } else if (stages.length === 0 && upper === 'ARG') {
      const [name, value = ''] = args.split('=');
      globals.set(name ?? '', value);
    } else {
      stages.at(-1)?.instructions.push({ keyword: upper, args });
    }
  }
  return stages;
}

/** The exec-form array of an instruction argument (`["a", "b"]`), or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  const json = args.slice(args.indexOf('['));
  if (!json.startsWith('[')) return undefined;
  try {
    return JSON.parse(json) as string[];
  } catch {
    return undefined;
  }
}

interface Effective {
  user: string | undefined;
  healthcheck: string | undefined;
  entrypoint: string[] | undefined;
  cmd: string[] | undefined;
  base: string;
}

/** What a stage ends up with, including what it inherits from an earlier stage it is built FROM. */
function effective(stages: readonly Stage[], stage: Stage): Effective {
  const parent = stages.find((s) => s.name !== undefined && s.name === stage.base);
  const start: Effective = parent
    ? effective(stages, parent)
    : { user: undefined, healthcheck: undefined, entrypoint: undefined, cmd: undefined, base: stage.base };
  for (const { keyword, args } of stage.instructions) {
    if (keyword === 'USER') start.user = args;
    if (keyword === 'HEALTHCHECK') start.healthcheck = args;
    if (keyword === 'ENTRYPOINT') start.entrypoint = execForm(args);
    if (keyword === 'CMD') start.cmd = execForm(args);
  }
  return start;
}

function nodeMajor(image: string): number | undefined {
  const match = /^node:(\d+)/.exec(image);
  return match ? Number(match[1]) : undefined;
}

export interface DockerfileExpectations {
  /** Final target → the `lean-ops` arguments it runs. */
  readonly targets: Readonly<Record<string, readonly string[]>>;
  /** HEALTHCHECK exec form, e.g. `["node", "/app/docker/healthcheck.mjs"]`. */
  readonly healthcheck: readonly string[];
}

export function checkDockerfile(text: string, expected: DockerfileExpectations): string[] {
  const stages = parseDockerfile(text);
  const problems: string[] = [];
  const external = stages.filter((s) => !stages.some((other) => other.name === s.base));
  if (external.length < 2) problems.push('not a multi-stage build: one base image for building and running');
  for (const stage of external) {
    const major = nodeMajor(stage.base);
    if (major === undefined || !LTS_NODE_MAJORS.has(major)) {
      problems.push(`stage ${stage.name ?? '?'}: base ${stage.base} is not a Node.js LTS image`);
    }
  }
  const runs = stages.flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args));
  if (!runs.some((cmd) => /\bnpm ci\b/.test(cmd) && /\bnpm (ci|prune) [^&]*--omit=dev\b/.test(cmd))) {
    problems.push(
      'no `npm ci` with `--omit=dev` (or `npm prune --omit=dev` after it): the image would carry dev dependencies or an unlocked install',
    );
  }
  for (const [target, command] of Object.entries(expected.targets)) {
    const stage = stages.find((s) => s.name === target);
    if (!stage) {
      problems.push(`target ${target}: missing`);
      continue;
    }
    const result = effective(stages, stage);
    if (!result.base.includes('-slim')) problems.push(`target ${target}: runs on ${result.base}, not a slim image`);
    if (result.user === undefined || /^(root|0)(:|$)/.test(result.user)) {
      problems.push(`target ${target}: runs as root`);
    }
    const health = result.healthcheck && execForm(result.healthcheck);
    if (!result.healthcheck?.includes('CMD') || JSON.stringify(health) !== JSON.stringify(expected.healthcheck)) {
      problems.push(`target ${target}: HEALTHCHECK is not ${JSON.stringify(expected.healthcheck)}`);
    }
    if (!result.entrypoint?.some((part) => /(^|\/)tini$/.test(part))) {
      problems.push(`target ${target}: no tini in ENTRYPOINT (signals would not reach the worker)`);
    }
    if (JSON.stringify(result.cmd) !== JSON.stringify(command)) {
      problems.push(`target ${target}: CMD ${JSON.stringify(result.cmd)} is not ${JSON.stringify(command)}`);
    }
  }
  return problems;
}

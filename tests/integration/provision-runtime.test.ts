import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// `npm start` runs `scripts/provision.sh --runtime` before `lean-ops dev`. These tests run
// the real script with a PATH of its own: a folder of links to every program on this
// machine's PATH except the ones a test hides, plus stand-ins (named so) for `id` and
// `apt-get` where a test needs a non-root user or must not touch the machine's packages.

const SCRIPT = resolve(import.meta.dirname, '../../scripts/provision.sh');

let bin: string;
let work: string;

/** A PATH folder linking every executable of the current PATH except `hidden`. */
function pathWithout(hidden: readonly string[]): string {
  const dir = join(work, 'bin');
  const seen = new Set<string>();
  for (const folder of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      if (seen.has(name) || hidden.includes(name)) continue;
      seen.add(name);
      symlinkSync(join(folder, name), join(dir, name));
    }
  }
  return dir;
}

function stub(name: string, script: string): void {
  const file = join(bin, name);
  rmSync(file, { force: true });
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
}

function runtimeStep(env: Record<string, string> = {}) {
  const result = spawnSync('bash', [SCRIPT, '--runtime'], {
    env: { HOME: process.env.HOME ?? work, PATH: bin, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'lean-ops-provision-'));
  mkdirSync(join(work, 'bin'));
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('provision.sh --runtime (what npm start runs first)', () => {
  it('says in one message what to install when redis-server is missing and it may not install (LEAN_OPS_NO_INSTALL=1)', () => {
    bin = pathWithout(['redis-server']);

    const { code, out } = runtimeStep({ LEAN_OPS_NO_INSTALL: '1' });

    expect(code).toBe(1);
    expect(out).toContain('missing: redis-server (lean-ops does not install it: LEAN_OPS_NO_INSTALL=1)');
    expect(out).toContain('Debian/Ubuntu: sudo apt-get install --no-install-recommends redis-server');
    expect(out).toContain('macOS:         brew install redis');
    expect(out).toContain('REDIS_URL');
  });

  it('does not install as a non-root user (stand-in `id` says uid 1000) and names Java too when it is missing', () => {
    bin = pathWithout(['redis-server', 'java']);
    stub('id', 'echo 1000');
    stub('apt-get', `echo "apt-get must not run" >&2; exit 99`);

    const { code, out } = runtimeStep();

    expect(code).toBe(1);
    expect(out).toContain('missing: Java >= 17, redis-server (lean-ops does not install it: not root)');
    expect(out).toContain('sudo apt-get install --no-install-recommends redis-server openjdk-17-jre-headless');
    expect(out).toContain('brew install openjdk@17 redis');
    expect(out).not.toContain('apt-get must not run');
  });

  it('installs what is missing with apt-get when root (stand-in apt-get that records its calls)', () => {
    bin = pathWithout(['redis-server']);
    const calls = join(work, 'apt-calls');
    // The stand-in "installs" redis-server by putting a program of that name on the PATH.
    stub(
      'apt-get',
      `echo "$*" >> ${calls}\ncase "$*" in *install*redis-server*) printf '#!/bin/sh\\necho "Redis server v=7.0.15 sha=0"\\n' > ${bin}/redis-server; chmod 755 ${bin}/redis-server;; esac`,
    );
    stub('id', 'echo 0');

    const { code, out } = runtimeStep();

    expect(out).toContain('installing: redis-server');
    expect(code).toBe(0);
    const apt = readFileSync(calls, 'utf8').trim().split('\n');
    expect(apt[0]).toBe('update -qq');
    expect(apt[1]).toBe('install -y -qq --no-install-recommends redis-server');
    expect(out).toMatch(/installed .*redis-server \(7\.0\.15\)/);
  });

  it('needs no redis-server when REDIS_URL names a Redis', () => {
    bin = pathWithout(['redis-server']);

    const { code, out } = runtimeStep({ REDIS_URL: 'redis://127.0.0.1:6379', LEAN_OPS_NO_INSTALL: '1' });

    expect(code).toBe(0);
    expect(out).toContain('REDIS_URL is set: lean-ops uses that Redis, redis-server is not needed');
  });

  it('finds what is there and changes nothing', () => {
    bin = pathWithout([]);
    stub('redis-server', 'echo "Redis server v=7.0.15 sha=0"');
    stub('apt-get', `echo "apt-get must not run" >&2; exit 99`);

    const { code, out } = runtimeStep();

    expect(code).toBe(0);
    expect(out).toMatch(/redis-server\n\s+already installed: .*redis-server \(7\.0\.15\)/);
    expect(out).toMatch(/java \d+/);
    expect(out).toContain('provision --runtime: done');
    expect(out).not.toContain('apt-get must not run');
  });

  it('refuses an unknown option by name', () => {
    bin = pathWithout([]);

    const { code } = runtimeStep();
    const bad = spawnSync('bash', [SCRIPT, '--runtim'], { env: { PATH: bin }, encoding: 'utf8' });

    expect(code).toBe(0);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown option "--runtim"');
  });
});

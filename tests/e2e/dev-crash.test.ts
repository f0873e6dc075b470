import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DevStatus } from '@lean-ops/dev';
import { commandLineOf, freePort, isProcessAlive, pingRedis } from '@lean-ops/local';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, DevProcess, eventually, FREE_PORTS, readDevJson } from './dev-process.js';

/** Every live process whose command line names `text` (the data dir: DynamoDB Local's -dbPath). */
async function processesNaming(text: string): Promise<number[]> {
  const pids = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const found: number[] = [];
  for (const pid of pids) {
    if (pid !== process.pid && isProcessAlive(pid) && (await commandLineOf(pid))?.includes(text)) found.push(pid);
  }
  return found;
}

const sentLines = (data: string): { run_id: string; status: string }[] =>
  readFileSync(join(data, 'ledger.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('a crash of lean-ops dev (SIGKILL of its process group; real bin, real servers)', () => {
  const running: DevProcess[] = [];
  afterAll(() => {
    for (const dev of running) dev.signalGroup('SIGKILL');
  });

  it('leaves no child server behind, and a restart delivers what the queues held: the audit covers both runs', async () => {
    const data = mkdtempSync(join(tmpdir(), 'e2e-crash-'));
    const sqsPort = String(await freePort());
    const ports = ['--sqs-port', sqsPort, '--status-port', '0', '--metrics-port', '0'];
    const dev = DevProcess.start(['--rate', '200', '--duration', '0', '--data-dir', data, ...ports]);
    running.push(dev);
    const status = await dev.waitFor(/status page (http:\/\/127\.0\.0\.1:\d+)/);
    // Load for a while: messages sent, some still queued, runs going.
    const loaded = await eventually(
      async () => {
        const s = (await (await fetch(`${status}/api/status`)).json()) as DevStatus;
        return s.simulator.sent >= 2_000 ? s : undefined;
      },
      60_000,
      500,
    );
    expect(loaded, dev.stderr).toBeDefined();
    const { servers = [] } = readDevJson(data);
    expect(servers.map((s) => s.name).sort()).toEqual(['DynamoDB Local', 'redis-server']);
    for (const server of servers) {
      expect(isProcessAlive(server.pid)).toBe(true);
      expect(server.pgid).not.toBe(dev.pid);
    }

    dev.signalGroup('SIGKILL');
    await dev.exited;
    // The servers run in process groups of their own, which the kill did not reach: their
    // watchdogs stop them once the dead dev's pipe closes.
    const left = await eventually(() => {
      const alive = servers.flatMap((s) => [s.pid, s.pgid]).filter(isProcessAlive);
      return alive.length === 0 ? alive : undefined;
    }, 20_000);
    expect(left, `still alive: ${JSON.stringify(servers)}`).toEqual([]);
    expect(await processesNaming(data)).toEqual([]);
    expect(existsSync(join(data, 'dev.json'))).toBe(true); // what a crash leaves for the next start
    const run1 = sentLines(data).filter((l) => l.status === 'sent');
    expect(run1.length).toBeGreaterThan(1_000);

    // Before the restart, what the queues and landing files kept at the kill is found nowhere yet.
    const before = await cli(['audit', '--data-dir', data, '--json']);
    const kept = JSON.parse(before.stdout).totals.unaccounted as number;
    process.stderr.write(`crash test: ${run1.length} sent before the kill, ${kept} not yet in RAW or the quarantine\n`);
    expect(kept).toBeGreaterThan(0);

    // The restart takes only what the queues kept: no simulator, a second to accept, then idle.
    const restart = await cli([
      'dev',
      '--until-idle',
      '--rate',
      '0',
      '--duration',
      '1',
      '--json',
      '--data-dir',
      data,
      ...ports,
    ]);
    expect(restart.code, restart.stderr).toBe(0);
    const summary = JSON.parse(restart.stdout);
    expect(summary.simulation).toBeNull();
    expect(summary.audit.totals).toMatchObject({ sent: run1.length, unaccounted: 0, misclassified: 0 });
    expect(existsSync(join(data, 'dev.json'))).toBe(false);
    expect(await processesNaming(data)).toEqual([]);

    const audit = await cli(['audit', '--data-dir', data, '--json']);
    expect(audit.code, audit.stderr).toBe(0);
    expect(JSON.parse(audit.stdout).totals).toMatchObject({ sent: run1.length, unaccounted: 0 });
  }, 300_000);

  it('a start reaps a child server a previous run recorded in dev.json that still runs, and only that', async () => {
    const data = mkdtempSync(join(tmpdir(), 'e2e-reap-'));
    // An orphan as a crash whose watchdog also died would leave it: redis-server, parent gone.
    const port = await freePort();
    const orphan = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], {
      stdio: 'ignore',
      detached: true,
    });
    orphan.unref();
    const stranger = spawn('sleep', ['120'], { stdio: 'ignore', detached: true });
    stranger.unref();
    try {
      expect(await eventually(async () => ((await pingRedis(port)) ? true : undefined), 10_000)).toBe(true);
      const deadDev = spawn('true');
      await new Promise((r) => deadDev.once('exit', r));
      writeFileSync(
        join(data, 'dev.json'),
        JSON.stringify({
          pid: deadDev.pid,
          command: 'node lean-ops.js dev',
          servers: [
            {
              name: 'redis-server',
              pid: orphan.pid,
              pgid: orphan.pid,
              identity: ['redis-server', `127.0.0.1:${port}`],
            },
            // A recorded pid now used by another program: left alone.
            { name: 'DynamoDB Local', pid: stranger.pid, pgid: stranger.pid, identity: ['DynamoDBLocal.jar'] },
          ],
        }),
      );
      const run = await cli([
        'dev',
        '--until-idle',
        '--rate',
        '0',
        '--duration',
        '1',
        '--data-dir',
        data,
        ...FREE_PORTS,
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(await pingRedis(port)).toBe(false);
      expect(isProcessAlive(orphan.pid as number)).toBe(false);
      expect(isProcessAlive(stranger.pid as number)).toBe(true);
      expect(readFileSync(join(data, 'dev.log'), 'utf8')).toMatch(
        /stopped redis-server \(pid \d+\) left running by a lean-ops dev that ended abruptly/,
      );
    } finally {
      orphan.kill('SIGKILL');
      stranger.kill('SIGKILL');
    }
  }, 180_000);
});

/**
 * `npm run bench:startup`: how long `lean-ops ingest` takes from spawn to ready (/readyz
 * answers 200) and its resident memory then, run from the TypeScript sources through tsx
 * (local development) and from the compiled bundle (`npm run build`, what the images run),
 * each with worker threads (`ingest.threads`). Both run in the same session against the
 * embedded SQS endpoint; the ratio is what the build saves. Prints one JSON line.
 *
 *   BENCH_RUNS   runs per mode, the median is reported (default 5)
 *   BENCH_THREADS ingest.threads (default 2)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startEmbeddedSqs } from '@lean-ops/local';

const ROOT = resolve(import.meta.dirname, '../../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const TOPIC = 'bench';

interface Sample {
  readonly readyMs: number;
  readonly rssMb: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

async function ready(port: number, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`lean-ops ingest exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function sample(command: readonly string[], endpoint: string, config: string, dataDir: string): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...command, 'ingest', '--config', config, '--sqs-endpoint', endpoint], {
    cwd: ROOT,
    env: {
      ...process.env,
      LEAN_OPS_DATA_DIR: dataDir,
      LEAN_OPS_METRICS_PORT: String(port),
      LEAN_OPS_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await ready(port, child);
    const readyMs = performance.now() - started;
    // Let the threads' pollers settle before reading the memory they hold.
    await new Promise((r) => setTimeout(r, 500));
    return { readyMs, rssMb: rssMb(child.pid as number) };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'ignore' });
  const work = mkdtempSync(join(tmpdir(), 'lean-ops-startup-'));
  const sqs = await startEmbeddedSqs();
  try {
    await sqs.createTopicQueue(TOPIC);
    const config = join(work, 'config.json');
    writeFileSync(config, JSON.stringify({ topics: { [TOPIC]: {} }, ingest: { threads: THREADS } }));
    const modes = {
      source: [join(ROOT, 'apps/cli/bin/lean-ops.js')],
      compiled: [join(ROOT, 'dist/lean-ops.mjs')],
    } as const;
    const samples: Record<keyof typeof modes, Sample[]> = { source: [], compiled: [] };
    // Alternate the modes so that a noisy neighbour hits both alike.
    for (let run = 0; run < RUNS; run++) {
      for (const mode of Object.keys(modes) as (keyof typeof modes)[]) {
        samples[mode].push(await sample(modes[mode], sqs.endpoint, config, join(work, `data-${mode}-${run}`)));
      }
    }
    const summary = (mode: keyof typeof modes) => ({
      ready_ms: Math.round(median(samples[mode].map((s) => s.readyMs))),
      rss_mb: median(samples[mode].map((s) => s.rssMb)),
    });
    const source = summary('source');
    const compiled = summary('compiled');
    process.stdout.write(
      `${JSON.stringify({
        bench: 'startup',
        threads: THREADS,
        runs: RUNS,
        source_ready_ms: source.ready_ms,
        compiled_ready_ms: compiled.ready_ms,
        ready_ratio: Math.round((compiled.ready_ms / source.ready_ms) * 100) / 100,
        source_rss_mb: source.rss_mb,
        compiled_rss_mb: compiled.rss_mb,
        rss_ratio: Math.round((compiled.rss_mb / source.rss_mb) * 100) / 100,
      })}\n`,
    );
  } finally {
    await sqs.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

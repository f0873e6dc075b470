import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { encodeRawRecord, transformMessage } from '@lean-ops/core';
import { LandingSink, type RedisServer, startRedisServer } from '@lean-ops/local';
import { startDynamoDbLocal, type TestServer } from '@lean-ops/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/lean-ops.js');
const execute = promisify(execFile);

describe('CLI: scheduler, run, schema and drift commands (real Redis, DynamoDB Local, local runner)', () => {
  let redis: RedisServer;
  let dynamo: TestServer;
  let scheduler: ChildProcess;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let schedulerLog = '';

  const cli = async (args: string[]) => {
    try {
      const { stdout, stderr } = await execute(process.execPath, [BIN, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    [redis, dynamo] = await Promise.all([startRedisServer(), startDynamoDbLocal()]);
    dataDir = mkdtempSync(join(tmpdir(), 'cli-scheduler-'));
    const config = join(dataDir, 'lean-ops.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        topics: { sensors: {}, plain: {} },
        metricsPort: 0,
        scheduler: { rawPollSeconds: 0, retryBackoffMs: 100, attempts: 1 },
        thresholds: { triggerIntervalSeconds: 3600 },
      }),
    );
    env = {
      ...process.env,
      LEAN_OPS_CONFIG: config,
      LEAN_OPS_TOPICS: '',
      LEAN_OPS_DATA_DIR: dataDir,
      LEAN_OPS_REDIS_URL: redis.url,
      LEAN_OPS_DYNAMODB_ENDPOINT: dynamo.endpoint,
      LEAN_OPS_LOG_FORMAT: 'json',
      // Node 20 is supported here; the SDK's notice about its 2027 releases would fill stderr.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }, 60_000);

  afterAll(async () => {
    scheduler?.kill('SIGKILL');
    await Promise.all([redis?.stop(), dynamo?.stop()]);
  });

  it('registers a schema, runs the topic, lists and approves its drift', async () => {
    const schemaFile = join(dataDir, 'sensors.schema.json');
    writeFileSync(schemaFile, JSON.stringify({ columns: [{ name: 'temperature', type: 'double', required: true }] }));
    const registered = await cli(['schema', 'register', '--topic', 'sensors', '--file', schemaFile]);
    expect(registered.stderr).toBe('');
    expect(registered.stdout).toMatch(/registered sensors v1: temperature double required/);

    const bad = join(dataDir, 'bad.schema.json');
    writeFileSync(bad, JSON.stringify({ columns: [{ name: 'temperature', type: 'float' }] }));
    const refused = await cli(['schema', 'register', '--topic', 'sensors', '--file', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/columns\[0\]\.type/);

    scheduler = spawn(process.execPath, [BIN, 'scheduler'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    scheduler.stdout?.on('data', (chunk: Buffer) => {
      schedulerLog += chunk.toString('utf8');
    });
    scheduler.stderr?.on('data', (chunk: Buffer) => {
      schedulerLog += chunk.toString('utf8');
    });
    for (let i = 0; i < 300 && !schedulerLog.includes('scheduler service ready'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(schedulerLog).toContain('scheduler service ready');

    // The ingest worker's local sink writes landing files; the scheduler commits them to RAW.
    const landing = new LandingSink({ dir: join(dataDir, 'landing') });
    const records = [20.5, 21.5].map((temperature, i) => {
      const result = transformMessage(
        {
          body: JSON.stringify({
            topic: 'sensors',
            device_id: 'dev-1',
            event_timestamp: `2026-01-01T00:00:0${i}Z`,
            payload: { temperature, humidity: 40 + i, pressure: 1000 + i },
          }),
          sourceMessageId: `m${i}`,
          publishTimeMs: Date.now(),
        },
        { isKnownTopic: () => true },
      );
      if (!result.ok) throw new Error(result.reason);
      return encodeRawRecord(result.encoded.record);
    });
    await landing.putBatch(records);
    // The scheduler's committer deletes landed files once they are in RAW (every second).
    const landed = () => readdirSync(join(dataDir, 'landing', 'sensors')).filter((f) => f.endsWith('.jsonl'));
    for (let i = 0; i < 300 && landed().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(landed()).toEqual([]);

    const run = await cli(['run', '--topic', 'sensors', '--wait', '--json', '--timeout', '60']);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ topic: 'sensors', outcome: 'FullPipelineSuccess', semantic_records_written: 2 });
    expect(report.new_drift).toEqual(['humidity', 'pressure']);

    const listed = JSON.parse((await cli(['drift', 'list', '--json'])).stdout);
    expect(listed.map((e: { column: string; status: string }) => [e.column, e.status])).toEqual([
      ['humidity', 'pending'],
      ['pressure', 'pending'],
    ]);

    const unknown = await cli(['drift', 'approve', '--topic', 'sensors', '--column', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no drift entry for sensors\.nope/);

    const approved = await cli(['drift', 'approve', '--topic', 'sensors', '--column', 'humidity', '--type', 'double']);
    expect(approved.stdout).toMatch(/schema v2 registered/);
    expect(approved.stdout).toMatch(/run of sensors requested/);
    const shown = JSON.parse((await cli(['schema', 'show', '--topic', 'sensors'])).stdout);
    expect(shown.version).toBe(2);
    expect(shown.columns.map((c: { name: string }) => c.name)).toEqual(['temperature', 'humidity']);
    expect(JSON.parse((await cli(['drift', 'list', '--json'])).stdout)[0].status).toBe('approved');

    // Reprocessing (docs/reprocess.md): the back-fill of an approved column, a dry run, a full rebuild.
    const backfill = await cli([
      'drift',
      'approve',
      '--topic',
      'sensors',
      '--column',
      'pressure',
      '--type',
      'double',
      '--backfill',
    ]);
    expect(backfill.stdout).toMatch(/schema v3 registered/);
    expect(backfill.stdout).toMatch(/reprocess of sensors semantic requested \(id [0-9a-f-]+\)/);
    const badFlags = await cli(['reprocess', '--topic', 'sensors', '--layer', 'gold']);
    expect(badFlags.code).toBe(2);
    expect(badFlags.stderr).toMatch(/--layer: expected one of curated, semantic \(got "gold"\)/);
    expect(badFlags.stderr).toMatch(/--full or --from-snapshot <id>: one of them is required/);
    // The back-fill holds the topic: a second reprocess is refused until it is done.
    let planned: { code: number; stdout: string; stderr: string } | undefined;
    for (let i = 0; i < 120; i++) {
      planned = await cli([
        'reprocess',
        '--topic',
        'sensors',
        '--layer',
        'semantic',
        '--full',
        '--dry-run',
        '--json',
        '--timeout',
        '60',
      ]);
      if (planned.code === 0) break;
      expect(planned.stderr).toMatch(/a reprocess of sensors \(semantic, .*\) is already in progress/);
      await new Promise((r) => setTimeout(r, 250));
    }
    const plan = JSON.parse(planned?.stdout ?? '{}');
    expect(plan).toMatchObject({ outcome: 'ReprocessPlanned', trigger: 'reprocess' });
    expect(plan.reprocess.plan.rebuilds).toEqual([
      { layer: 'semantic', figures: { records: 2, snapshots: expect.any(Number), bytes: null } },
    ]);
    const reprocessed = await cli([
      'reprocess',
      '--topic',
      'sensors',
      '--layer',
      'curated',
      '--full',
      '--wait',
      '--timeout',
      '60',
    ]);
    expect(reprocessed.stderr).toBe('');
    expect(reprocessed.stdout).toMatch(/^sensors: Reprocessed$/m);
    expect(reprocessed.stdout).toMatch(/plan: rebuild curated then semantic from raw snapshots \(start → \d+\]/);
    expect(reprocessed.stdout).toMatch(/^curated: 2 records written$/m);
    expect(reprocessed.stdout).toMatch(/^semantic: 2 records written, 0 rejected$/m);

    const wrongTopic = await cli(['run', '--topic', 'nosuch']);
    expect(wrongTopic.code).toBe(2);
    expect(wrongTopic.stderr).toMatch(/"nosuch" is not a configured topic/);

    scheduler.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => scheduler.once('exit', (c) => r(c)));
    expect(code).toBe(0);
  }, 120_000);
});

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { dataDirLayout, type SnapshotRef, transformMessage } from '@lean-ops/core';
import { DuckDbLake } from '@lean-ops/lake';
import { startDynamoDbLocal } from '@lean-ops/local';
import { openStateStores, schedulerEnvironmentSchema } from '@lean-ops/worker-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/lean-ops.js');
const execute = promisify(execFile);
const T0 = Date.UTC(2024, 2, 1, 12);

/** The wire line of a RAW record of `topic` for key `key` (version `v`), through the ingest transform. */
function raw(topic: string, key: string, v: number): string {
  const body = {
    topic,
    device_id: 'd1',
    event_timestamp: `2024-03-01T10:0${v}:00Z`,
    idempotency_key: key,
    payload: { v },
  };
  const result = transformMessage(
    { body: JSON.stringify(body), sourceMessageId: `${key}-${v}`, publishTimeMs: T0 + v },
    { isKnownTopic: () => true, now: () => T0 + v + 5 },
  );
  if (!result.ok) throw new Error(`fixture is not a valid message: ${result.reason}`);
  return result.encoded.json;
}

describe('CLI: lean-ops tables health / maintain over a data dir (real bin, DuckDB, DynamoDB Local)', () => {
  let dataDir: string;
  const env = { ...process.env, LEAN_OPS_CONFIG: '', LEAN_OPS_LOG_LEVEL: 'warn' };
  const raws: SnapshotRef[] = [];

  const cli = async (args: string[]) => {
    try {
      const { stdout, stderr } = await execute(process.execPath, [BIN, ...args, '--data-dir', dataDir], { env });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cli-tables-'));
    const layout = dataDirLayout(dataDir);
    mkdirSync(layout.landing, { recursive: true });
    const lake = await DuckDbLake.open({ path: layout.lake });
    try {
      let from: SnapshotRef | null = null;
      for (let i = 0; i < 4; i++) {
        const file = join(layout.landing, `sensors-${i}.jsonl`);
        writeFileSync(file, `${raw('sensors', 'k', i)}\n${raw('sensors', `x${i}`, i)}\n`);
        const snap = (await lake.commitRawFiles('sensors', [file])) as SnapshotRef;
        raws.push(snap);
        await lake.runCuration('sensors', from, snap);
        from = snap;
      }
    } finally {
      await lake.close();
    }
    // The curated checkpoint sits on the third RAW snapshot: the fourth stays in the log.
    const dynamo = await startDynamoDbLocal({ path: layout.state });
    try {
      const state = await openStateStores(schedulerEnvironmentSchema.parse({ dynamodbEndpoint: dynamo.endpoint }));
      try {
        await state.checkpoints.advance('sensors', 'curated', null, raws[2] as SnapshotRef);
      } finally {
        state.close();
      }
    } finally {
      await dynamo.stop();
    }
  }, 120_000);

  it('tables health --json: one reading per table, semantic absent before any semantic run', async () => {
    const out = await cli(['tables', 'health', '--json']);
    expect(out.code, out.stderr).toBe(0);
    const readings = JSON.parse(out.stdout) as { layer: string; figures: Record<string, number> | null }[];
    expect(readings.map((r) => r.layer)).toEqual(['raw', 'curated', 'curated_rejects', 'semantic', 'semantic_rejects']);
    expect(readings[0]?.figures).toMatchObject({ snapshots: 4, data_files: 1 });
    expect(readings[1]?.figures?.delete_files).toBe(1); // key "k" replaced three times
    expect(readings[3]?.figures).toBeNull();
    const text = await cli(['tables', 'health', '--topic', 'sensors']);
    expect(text.stdout.split('\n')[0]).toMatch(/^topic\s+layer\s+data_files\s+small_files/);
  });

  it('tables maintain --dry-run changes nothing; maintain keeps the log from the checkpoint on', async () => {
    const dry = await cli(['tables', 'maintain', '--topic', 'sensors', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const planned = JSON.parse(dry.stdout) as { layer: string; status: string; actions: Record<string, number> }[];
    expect(planned.find((o) => o.layer === 'raw')).toMatchObject({ status: 'dry_run' });
    const after = JSON.parse((await cli(['tables', 'health', '--json'])).stdout) as {
      figures: { snapshots: number };
    }[];
    expect(after[0]?.figures.snapshots).toBe(4);

    // Retention 0: only the checkpoints (read from DynamoDB Local) and the newest rows keep the log.
    const done = await cli(['tables', 'maintain', '--retention-hours', '0']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/sensors\s+raw\s+done\s+trimmed_snapshot_rows=2 trimmed_committed_files=0/);
    expect(done.stdout).toMatch(/sensors\s+curated\s+done\s+.*vacuumed=1/);
    const log = JSON.parse((await cli(['tables', 'health', '--json'])).stdout) as { figures: { snapshots: number } }[];
    expect(log[0]?.figures.snapshots).toBe(2); // RAW #3 (the checkpoint) and #4
    const refused = await cli(['tables', 'maintain', '--retention-hours', '-1']);
    expect(refused.stderr).toMatch(/--retention-hours: expected a number ≥ 0/);
    const health = JSON.parse((await cli(['tables', 'health', '--json'])).stdout) as {
      figures: { delete_files: number } | null;
    }[];
    expect(health[1]?.figures?.delete_files).toBe(0);
  });

  it('refuses a topic that is not a topic name, and one the lake does not have', async () => {
    const bad = await cli(['tables', 'health', '--topic', 'Bad-Topic']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--topic: "Bad-Topic" is not a topic name/);
    const missing = await cli(['tables', 'maintain', '--topic', 'orders']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no topic "orders"/);
  });
});

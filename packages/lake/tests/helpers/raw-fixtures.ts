import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDirLayout, encodeRawRecord, type RawRecord, transformMessage } from '@lean-ops/core';
import { LandingSink, listJsonlFiles } from '@lean-ops/local';
import { DuckDbLake } from '../../src/index.js';

let counter = 0;

/** A RAW record as the ingest worker would build it from a message body. */
export function rawOf(
  body: Record<string, unknown>,
  publishTimeMs: number,
  sourceMessageId = `m${String(++counter).padStart(6, '0')}`,
): RawRecord {
  const result = transformMessage(
    { body: JSON.stringify(body), sourceMessageId, publishTimeMs },
    { isKnownTopic: () => true, now: () => publishTimeMs + 5 },
  );
  if (!result.ok) throw new Error(`fixture is not a valid message: ${result.reason}`);
  return result.encoded.record;
}

export const event = (
  key: string,
  ts: string,
  payload: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  topic: 'telemetry',
  device_id: 'dev-1',
  event_timestamp: ts,
  idempotency_key: key,
  payload,
  ...extra,
});

/** A lake in a temporary folder plus a landing sink feeding it, as `lean-ops dev` wires them. */
export async function lakeWithLanding() {
  const dir = mkdtempSync(join(tmpdir(), 'lake-'));
  const layout = dataDirLayout(dir);
  const lake = await DuckDbLake.open({ path: layout.lake });
  const landing = new LandingSink({ dir: layout.landing });
  const committed = new Set<string>();
  /** Lands records as one sink call, commits the new files as one RAW snapshot. */
  const append = async (records: readonly RawRecord[], topic = 'telemetry') => {
    await landing.putBatch(records.map(encodeRawRecord));
    const files = (await listJsonlFiles(layout.landing)).filter((f) => !committed.has(f));
    for (const f of files) committed.add(f);
    return lake.commitRawFiles(topic, files);
  };
  return { dir, lake, landing, append };
}

import type { SemanticSchema, SnapshotRef } from '@lean-ops/core';
import { DuckDbLake } from '../../src/index.js';

/**
 * What a topic's curated and semantic layers hold, in a form two lakes can be compared by:
 * columns by name (sorted; table order and the `_raw_seq` bookkeeping left out), rows by
 * key, rejects as a sorted multiset of (key, source message, reason).
 */
export interface LayerState {
  readonly curated: Record<string, unknown>[];
  readonly curatedRejects: string[];
  readonly semantic: Record<string, unknown>[] | null;
  readonly semanticRejects: string[] | null;
}

const IGNORED = new Set(['_raw_seq']);

async function columnsOf(lake: DuckDbLake, schema: string, table: string): Promise<string[]> {
  const rows = await lake.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = '${table}'`,
  );
  return rows.map((r) => r.column_name).filter((c) => !IGNORED.has(c));
}

async function tableRows(lake: DuckDbLake, schema: string, table: string): Promise<Record<string, unknown>[] | null> {
  const columns = (await columnsOf(lake, schema, table)).sort();
  if (columns.length === 0) return null;
  const select = columns.map((c) => `"${c}"::VARCHAR AS "${c}"`).join(', ');
  return lake.query(`SELECT ${select} FROM ${schema}."${table}" ORDER BY idempotency_key`);
}

async function rejects(lake: DuckDbLake, schema: string, table: string): Promise<string[] | null> {
  if ((await columnsOf(lake, schema, table)).length === 0) return null;
  const rows = await lake.query<{ r: string }>(
    `SELECT concat_ws('|', idempotency_key, source_message_id, reason) AS r FROM ${schema}."${table}"`,
  );
  return rows.map((x) => x.r).sort();
}

export async function layerState(lake: DuckDbLake, topic = 'telemetry'): Promise<LayerState> {
  return {
    curated: (await tableRows(lake, 'curated', topic)) ?? [],
    curatedRejects: (await rejects(lake, 'curated', `${topic}_rejects`)) ?? [],
    semantic: await tableRows(lake, 'semantic', topic),
    semanticRejects: await rejects(lake, 'semantic', `${topic}_semantic_rejects`),
  };
}

/** The landed files a lake committed into a topic's RAW up to snapshot `upTo`, in commit order. */
export async function committedFiles(lake: DuckDbLake, upTo: SnapshotRef, topic = 'telemetry'): Promise<string[]> {
  const rows = await lake.query<{ file: string }>(
    `SELECT file FROM meta.committed_files WHERE topic = '${topic}' AND sequence <= ${upTo.sequence} ORDER BY sequence, file`,
  );
  return rows.map((r) => r.file);
}

/**
 * The from-scratch build: a fresh lake over the same RAW files (one RAW snapshot), one
 * normal curation run and, with a schema, one normal semantic run.
 */
export async function fromScratch(
  files: readonly string[],
  schema: SemanticSchema | null,
  topic = 'telemetry',
): Promise<LayerState> {
  const lake = await DuckDbLake.open({ path: ':memory:' });
  try {
    const raw = await lake.commitRawFiles(topic, files);
    if (raw === null) throw new Error('the from-scratch lake committed no RAW snapshot');
    const { curated_snapshot } = await lake.runCuration(topic, null, raw);
    if (schema) await lake.runSemantic(topic, null, curated_snapshot, schema);
    return await layerState(lake, topic);
  } finally {
    await lake.close();
  }
}

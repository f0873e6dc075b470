import type { RawRecord } from '@lean-ops/core';
import { readJsonlTree, readLandedRecords } from '@lean-ops/local';

/** Every row of the JSONL files below `dir` (landing or quarantine). */
export async function readRows<T>(dir: string): Promise<T[]> {
  const rows: T[] = [];
  for await (const r of readJsonlTree<T>(dir)) rows.push(r);
  return rows;
}

/** Every RAW record landed below `dir`, decoded from the wire form. */
export async function readLanded(dir: string): Promise<RawRecord[]> {
  const rows: RawRecord[] = [];
  for await (const r of readLandedRecords(dir)) rows.push(r);
  return rows;
}

import { readJsonlTree } from '@lean-ops/local';

/** Every row of the JSONL files below `dir` (landing or quarantine). */
export async function readRows<T>(dir: string): Promise<T[]> {
  const rows: T[] = [];
  for await (const r of readJsonlTree<T>(dir)) rows.push(r);
  return rows;
}

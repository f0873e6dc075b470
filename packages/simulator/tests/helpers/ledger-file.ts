import { type LedgerEntry, readLedger } from '../../src/index.js';

/** Every line of a ledger file, validated. */
export async function ledgerLines(path: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  for await (const entry of readLedger(path)) entries.push(entry);
  return entries;
}

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LedgerEntry, LedgerWriter } from '../../src/index.js';
import { ledgerLines } from '../helpers/ledger-file.js';

const entry = (seq: number): LedgerEntry => ({
  seq,
  topic: 'sensors',
  queue: 'lo-sensors',
  message_id: `m-${seq}`,
  device_id: 'dev-0001',
  idempotency_key: null,
  fault: 'malformed_json',
  expected: 'drop',
  reason: 'invalid_json',
  duplicate_of: null,
  sent_at: '2025-03-01T12:00:00.000Z',
});

describe('ledger', () => {
  it('writes one JSON line per entry, with the documented fields in order, and reads them back', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ledger-')), 'ledger.jsonl');
    const writer = await LedgerWriter.open(path);
    await writer.write([entry(1), entry(2)]);
    await writer.write([entry(3)]);
    await writer.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(Object.keys(JSON.parse(lines[0] as string))).toEqual([
      'seq',
      'topic',
      'queue',
      'message_id',
      'device_id',
      'idempotency_key',
      'fault',
      'expected',
      'reason',
      'duplicate_of',
      'sent_at',
    ]);
    expect(await ledgerLines(path)).toEqual([entry(1), entry(2), entry(3)]);
  });

  it('reading names the line that is not a ledger line', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ledger-')), 'ledger.jsonl');
    writeFileSync(path, `${JSON.stringify(entry(1))}\n${JSON.stringify({ ...entry(2), expected: 'maybe' })}\n`);
    await expect(ledgerLines(path)).rejects.toThrow(/ledger\.jsonl:2: not a ledger line: expected: /);
  });

  it('opening a ledger where no file can be written fails with the path', async () => {
    await expect(LedgerWriter.open('/proc/definitely/not/here.jsonl')).rejects.toThrow(
      /cannot write the ledger \/proc\/definitely\/not\/here\.jsonl/,
    );
  });
});

import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEGACY_RUN_ID, type LedgerEntry, LedgerWriter, type NotSentLedgerEntry } from '../../src/index.js';
import { ledgerLines } from '../helpers/ledger-file.js';

const entry = (seq: number, runId = 'run-a'): LedgerEntry => ({
  run_id: runId,
  seq,
  status: 'sent',
  topic: 'sensors',
  queue: 'lo-sensors',
  message_id: `m-${runId}-${seq}`,
  device_id: 'dev-0001',
  idempotency_key: null,
  fault: 'malformed_json',
  expected: 'drop',
  reason: 'invalid_json',
  duplicate_of: null,
  sent_at: '2025-03-01T12:00:00.000Z',
  error: null,
});

const notSent = (seq: number, runId = 'run-a'): NotSentLedgerEntry => ({
  run_id: runId,
  seq,
  status: 'not_sent',
  topic: 'sensors',
  queue: 'lo-sensors',
  message_id: null,
  device_id: null,
  idempotency_key: null,
  fault: 'replay',
  expected: null,
  reason: null,
  duplicate_of: null,
  sent_at: '2025-03-01T12:00:01.000Z',
  error: { code: 'InvalidMessageContents', message: 'Invalid characters found.' },
});

const tempLedger = () => join(mkdtempSync(join(tmpdir(), 'ledger-')), 'ledger.jsonl');

async function writeRun(path: string, entries: readonly LedgerEntry[]): Promise<void> {
  const writer = await LedgerWriter.open(path);
  await writer.write(entries);
  await writer.close();
}

describe('ledger', () => {
  it('writes one JSON line per entry, with the documented fields in order, and reads them back', async () => {
    const path = tempLedger();
    const writer = await LedgerWriter.open(path);
    await writer.write([entry(1), entry(2)]);
    await writer.write([notSent(3)]);
    await writer.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const fields = [
      'run_id',
      'seq',
      'status',
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
      'error',
    ];
    expect(Object.keys(JSON.parse(lines[0] as string))).toEqual(fields);
    expect(Object.keys(JSON.parse(lines[2] as string))).toEqual(fields);
    expect(await ledgerLines(path)).toEqual([entry(1), entry(2), notSent(3)]);
  });

  it('appends: a second run keeps the first run’s lines, and both are read in file order', async () => {
    const path = tempLedger();
    await writeRun(path, [entry(1, 'run-a'), entry(2, 'run-a')]);
    await writeRun(path, [entry(1, 'run-b'), notSent(2, 'run-b')]);
    expect(await ledgerLines(path)).toEqual([
      entry(1, 'run-a'),
      entry(2, 'run-a'),
      entry(1, 'run-b'),
      notSent(2, 'run-b'),
    ]);
  });

  it('a run that ended mid-line does not glue its partial line to the next run’s first', async () => {
    const path = tempLedger();
    await writeRun(path, [entry(1, 'run-a')]);
    appendFileSync(path, '{"run_id":"run-a","seq":2,"sta');
    await writeRun(path, [entry(1, 'run-b')]);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[1]).toBe('{"run_id":"run-a","seq":2,"sta');
    expect(JSON.parse(lines[2] as string)).toEqual(entry(1, 'run-b'));
    await expect(ledgerLines(path)).rejects.toThrow(/ledger\.jsonl:2: not JSON/);
  });

  it('reads a line from before run ids as a sent message of run "legacy"', async () => {
    const path = tempLedger();
    const { run_id: _run, status: _status, error: _error, ...old } = entry(7) as LedgerEntry & { status: 'sent' };
    writeFileSync(path, `${JSON.stringify(old)}\n`);
    expect(await ledgerLines(path)).toEqual([{ ...entry(7), run_id: LEGACY_RUN_ID }]);
  });

  it.each([
    ['a sent line without a message id', { ...entry(1), message_id: null }, /message_id/],
    ['a sent line with an error', { ...entry(1), error: { code: 'X', message: '' } }, /error/],
    ['a not_sent line with a message id', { ...notSent(1), message_id: 'm-1' }, /message_id/],
    ['a not_sent line without an error', { ...notSent(1), error: null }, /error/],
    ['a not_sent line with a verdict', { ...notSent(1), expected: 'raw' }, /expected/],
    ['an unknown status', { ...entry(1), status: 'lost' }, /status/],
    ['an unknown field', { ...entry(1), extra: 1 }, /extra/],
  ])('reading refuses %s, naming the line and the field', async (_name, line, field) => {
    const path = tempLedger();
    writeFileSync(path, `${JSON.stringify(entry(1))}\n${JSON.stringify(line)}\n`);
    const error = await ledgerLines(path).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message).toMatch(/ledger\.jsonl:2: not a ledger line: /);
    expect(error?.message).toMatch(field);
  });

  it('reading names the line that is not a ledger line', async () => {
    const path = tempLedger();
    writeFileSync(path, `${JSON.stringify(entry(1))}\n${JSON.stringify({ ...entry(2), expected: 'maybe' })}\n`);
    await expect(ledgerLines(path)).rejects.toThrow(/ledger\.jsonl:2: not a ledger line: expected: /);
  });

  it('opening a ledger where no file can be written fails with the path', async () => {
    await expect(LedgerWriter.open('/proc/definitely/not/here.jsonl')).rejects.toThrow(
      /cannot write the ledger \/proc\/definitely\/not\/here\.jsonl/,
    );
  });
});

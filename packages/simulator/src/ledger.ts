import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { formatZodIssues } from '@lean-ops/core';
import { z } from 'zod';
import { MESSAGE_FAULTS } from './faults.js';

/**
 * One line of the ledger: a message the simulator sent and what the pipeline should do
 * with it. docs/simulator.md describes each field.
 */
export const ledgerEntrySchema = z.strictObject({
  seq: z.number().int().positive(),
  topic: z.string().nullable(),
  queue: z.string().min(1),
  message_id: z.string().min(1),
  device_id: z.string().nullable(),
  idempotency_key: z.string().nullable(),
  fault: z.enum(['none', ...MESSAGE_FAULTS, 'schema_drift', 'replay']),
  expected: z.enum(['raw', 'drop']),
  reason: z.string().nullable(),
  duplicate_of: z.number().int().positive().nullable(),
  sent_at: z.string(),
});

export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

/** Appends ledger lines to a file, honouring the stream's backpressure. */
export class LedgerWriter {
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  private constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'w' });
    this.stream.on('error', (err) => {
      this.failure ??= err;
    });
  }

  /** Creates (or truncates) the file; rejects when it cannot be opened. */
  static async open(path: string): Promise<LedgerWriter> {
    const writer = new LedgerWriter(path);
    try {
      await once(writer.stream, 'open'); // rejects on the stream's 'error'
    } catch (err) {
      throw ledgerError(path, err as Error);
    }
    return writer;
  }

  async write(entries: readonly LedgerEntry[]): Promise<void> {
    if (this.failure) throw ledgerError(this.path, this.failure);
    if (entries.length === 0) return;
    const text = `${entries.map((e) => JSON.stringify(e)).join('\n')}\n`;
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (!this.stream.closed) {
      this.stream.end();
      await once(this.stream, 'close');
    }
    if (this.failure) throw ledgerError(this.path, this.failure);
  }
}

function ledgerError(path: string, cause: Error): Error {
  return new Error(`cannot write the ledger ${path}: ${cause.message}`, { cause });
}

/** Reads a ledger file line by line, validating each line; an error names the line. */
export async function* readLedger(path: string): AsyncGenerator<LedgerEntry> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${lineNo}: not JSON`);
    }
    const parsed = ledgerEntrySchema.safeParse(value);
    if (!parsed.success)
      throw new Error(`${path}:${lineNo}: not a ledger line: ${formatZodIssues(parsed.error, value).join('; ')}`);
    yield parsed.data;
  }
}

import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { formatZodIssues } from '@lean-ops/core';
import { z } from 'zod';
import { MESSAGE_FAULTS } from './faults.js';

const fault = z.enum(['none', ...MESSAGE_FAULTS, 'schema_drift', 'replay']);

/** A message SQS accepted, and what the pipeline should do with it. */
const sentEntrySchema = z.strictObject({
  run_id: z.string().min(1),
  seq: z.number().int().positive(),
  status: z.literal('sent'),
  topic: z.string().nullable(),
  queue: z.string().min(1),
  message_id: z.string().min(1),
  device_id: z.string().nullable(),
  idempotency_key: z.string().nullable(),
  fault,
  expected: z.enum(['raw', 'drop']),
  reason: z.string().nullable(),
  duplicate_of: z.number().int().positive().nullable(),
  sent_at: z.string(),
  error: z.null(),
});

/** A message (or input line) that never reached a queue: SQS refused it, or it could not be sent at all. */
const notSentEntrySchema = z.strictObject({
  run_id: z.string().min(1),
  seq: z.number().int().positive(),
  status: z.literal('not_sent'),
  topic: z.string().nullable(),
  queue: z.string().min(1),
  message_id: z.null(),
  device_id: z.string().nullable(),
  idempotency_key: z.null(),
  fault,
  expected: z.null(),
  reason: z.null(),
  duplicate_of: z.number().int().positive().nullable(),
  sent_at: z.string(),
  error: z.strictObject({ code: z.string().min(1), message: z.string() }),
});

/**
 * One line of the ledger: a message the simulator sent, with what the pipeline should do
 * with it, or one it could not send, with the error. docs/simulator.md describes each field.
 */
export const ledgerEntrySchema = z.discriminatedUnion('status', [sentEntrySchema, notSentEntrySchema]);

export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;
export type SentLedgerEntry = z.infer<typeof sentEntrySchema>;
export type NotSentLedgerEntry = z.infer<typeof notSentEntrySchema>;

/** The `run_id` given to lines written before ledgers had run ids (every one of them was sent). */
export const LEGACY_RUN_ID = 'legacy';

/** A line from before `run_id`, `status` and `error` existed reads as a sent message of run `legacy`. */
function upgradeLegacyLine(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  if ('run_id' in value || 'status' in value || 'error' in value) return value;
  return { run_id: LEGACY_RUN_ID, status: 'sent', ...value, error: null };
}

const ledgerLineSchema = z.preprocess(upgradeLegacyLine, ledgerEntrySchema);

/**
 * Appends ledger lines to a file, honouring the stream's backpressure. Appending keeps
 * every run's lines in one file, so an audit after a crash and a restart covers both runs.
 */
export class LedgerWriter {
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  private constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'a' });
    this.stream.on('error', (err) => {
      this.failure ??= err;
    });
  }

  /** Creates the file or opens it for appending; rejects when it cannot be opened. */
  static async open(path: string): Promise<LedgerWriter> {
    let torn: boolean;
    try {
      torn = await endsMidLine(path);
    } catch (err) {
      throw ledgerError(path, err as Error);
    }
    const writer = new LedgerWriter(path);
    try {
      await once(writer.stream, 'open'); // rejects on the stream's 'error'
    } catch (err) {
      throw ledgerError(path, err as Error);
    }
    // A run killed mid-line left a partial line: end it, so this run's first line stays whole.
    if (torn) writer.stream.write('\n');
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

/** True when the file exists, is not empty and its last byte is not a newline. */
async function endsMidLine(path: string): Promise<boolean> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  try {
    const { size } = await file.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await file.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await file.close();
  }
}

function ledgerError(path: string, cause: Error): Error {
  return new Error(`cannot write the ledger ${path}: ${cause.message}`, { cause });
}

/**
 * Reads a ledger file line by line, every run's lines in file order, validating each
 * line; an error names the line.
 */
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
    const parsed = ledgerLineSchema.safeParse(value);
    if (!parsed.success)
      throw new Error(`${path}:${lineNo}: not a ledger line: ${formatZodIssues(parsed.error, value).join('; ')}`);
    yield parsed.data;
  }
}

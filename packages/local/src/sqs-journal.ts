import {
  closeSync,
  existsSync,
  fdatasync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { FauxqsMessage } from './fauxqs-store.js';

/** A queue as the journal keeps it: enough to create it again with the same ARN and attributes. */
export interface QueueDefinition {
  readonly name: string;
  readonly arn: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly createdTimestamp: number;
  readonly lastModifiedTimestamp: number;
}

/**
 * One line of the journal. `m` is a message a queue took in (a send, or a move to a DLQ:
 * a message id already held by another queue moves); `r` counts receives; `d` a delete;
 * `p` a purge; `q` creates or updates a queue; `dq` deletes one.
 */
export type JournalRecord =
  | { readonly t: 'h'; readonly v: number }
  | { readonly t: 'q'; readonly queue: QueueDefinition }
  | { readonly t: 'dq'; readonly name: string }
  | { readonly t: 'm'; readonly q: string; readonly m: FauxqsMessage }
  | { readonly t: 'r'; readonly q: string; readonly ids: readonly string[]; readonly at: number }
  | { readonly t: 'd'; readonly q: string; readonly id: string }
  | { readonly t: 'p'; readonly q: string };

/** Queues and their live messages (not yet deleted), in the order they were taken in. */
export type JournalState = Map<string, { queue: QueueDefinition; messages: Map<string, FauxqsMessage> }>;

const FORMAT_VERSION = 1;
const JOURNAL_FILE = 'sqs-journal.jsonl';
const LOCK_FILE = 'sqs.lock';
const DEFAULT_COMPACT_AFTER_BYTES = 64 * 1024 * 1024;
const SYNC_INTERVAL_MS = 1_000;

/** The journal cannot be read back: a line in the middle of the file is not a record. */
export class SqsJournalError extends Error {
  override name = 'SqsJournalError';
}

/** Another live process (or this one) already keeps its queues in this data dir. */
export class SqsDataDirInUseError extends Error {
  override name = 'SqsDataDirInUseError';
}

/** Applies one record to `state`; the same function replays a file and keeps nothing else. */
export function applyJournalRecord(state: JournalState, record: JournalRecord): void {
  switch (record.t) {
    case 'h':
      if (record.v !== FORMAT_VERSION) {
        throw new SqsJournalError(`SQS journal format ${record.v} is not supported (expected ${FORMAT_VERSION})`);
      }
      return;
    case 'q': {
      const existing = state.get(record.queue.name);
      if (existing) existing.queue = record.queue;
      else state.set(record.queue.name, { queue: record.queue, messages: new Map() });
      return;
    }
    case 'dq':
      state.delete(record.name);
      return;
    case 'm': {
      const target = state.get(record.q);
      if (!target) return;
      // A message id is unique: the same id taken in by another queue is a move to a DLQ.
      for (const [name, entry] of state) {
        if (name !== record.q && entry.messages.delete(record.m.messageId)) break;
      }
      target.messages.set(record.m.messageId, record.m);
      return;
    }
    case 'r': {
      const messages = state.get(record.q)?.messages;
      if (!messages) return;
      for (const id of record.ids) {
        const message = messages.get(id);
        if (!message) continue;
        message.approximateReceiveCount += 1;
        message.approximateFirstReceiveTimestamp ??= record.at;
      }
      return;
    }
    case 'd':
      state.get(record.q)?.messages.delete(record.id);
      return;
    case 'p':
      state.get(record.q)?.messages.clear();
      return;
  }
}

/** Reads journal text into state. A torn last line (a write cut short by power loss) is dropped. */
export function replayJournal(text: string, file = JOURNAL_FILE): JournalState {
  const state: JournalState = new Map();
  const lines = text.split('\n');
  // The last element is '' after a final newline, or else a torn line: neither is a record.
  for (let index = 0; index < lines.length - 1; index++) {
    const line = lines[index] as string;
    if (line.length === 0) continue;
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch (error) {
      throw new SqsJournalError(`${file}:${index + 1} is not a journal record: ${(error as Error).message}`);
    }
    applyJournalRecord(state, record);
  }
  return state;
}

function serialize(record: JournalRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** Every record that recreates `state`: a header, each queue, then its messages. */
export function stateRecords(state: JournalState): string {
  const parts = [serialize({ t: 'h', v: FORMAT_VERSION })];
  for (const { queue, messages } of state.values()) {
    parts.push(serialize({ t: 'q', queue }));
    for (const message of messages.values()) parts.push(serialize({ t: 'm', q: queue.name, m: message }));
  }
  return parts.join('');
}

const openDirs = new Set<string>();

export interface SqsJournalOptions {
  /** Compact when the journal grew by this many bytes since the last compaction (and past twice its live size). */
  readonly compactAfterBytes?: number;
}

/**
 * The append-only file under a data dir that keeps the embedded queues: each change is
 * written with one `write(2)` before the SQS call that made it returns, so it survives
 * the process being killed. It is flushed to disk (`fdatasync`) at most once a second,
 * so a power loss can lose the last second; per-message syncs would cost ~0.3 ms each.
 * Opening it replays the file and rewrites it compacted (temporary file, rename).
 */
export class SqsJournal {
  readonly file: string;
  private fd: number;
  private bytesSinceCompaction = 0;
  private liveBytes: number;
  private dirty = false;
  private compactionScheduled = false;
  private snapshot: (() => JournalState) | undefined;
  private readonly syncTimer: NodeJS.Timeout;
  private readonly compactAfterBytes: number;
  private closed = false;

  private constructor(
    private readonly dir: string,
    initial: JournalState,
    options: SqsJournalOptions,
  ) {
    this.file = join(dir, JOURNAL_FILE);
    this.compactAfterBytes = options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
    this.liveBytes = this.rewrite(initial);
    this.fd = openSync(this.file, 'a');
    this.syncTimer = setInterval(() => this.flush(), SYNC_INTERVAL_MS);
    this.syncTimer.unref();
  }

  /** Takes the data dir's lock, replays its journal and compacts it; returns what it held. */
  static open(dataDir: string, options: SqsJournalOptions = {}): { journal: SqsJournal; state: JournalState } {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    takeLock(dir);
    try {
      const file = join(dir, JOURNAL_FILE);
      const state = existsSync(file) ? replayJournal(readFileSync(file, 'utf8'), file) : new Map();
      return { journal: new SqsJournal(dir, state, options), state };
    } catch (error) {
      releaseLock(dir);
      throw error;
    }
  }

  /** Where a compaction while running reads the live queues from. */
  setSnapshotSource(snapshot: () => JournalState): void {
    this.snapshot = snapshot;
  }

  append(record: JournalRecord): void {
    if (this.closed) return;
    const line = serialize(record);
    writeSync(this.fd, line);
    this.dirty = true;
    this.bytesSinceCompaction += Buffer.byteLength(line);
    if (
      !this.compactionScheduled &&
      this.snapshot &&
      this.bytesSinceCompaction > this.compactAfterBytes &&
      this.bytesSinceCompaction > 2 * this.liveBytes
    ) {
      // Between requests, never inside one: the store is consistent then.
      this.compactionScheduled = true;
      setImmediate(() => this.compactNow());
    }
  }

  /** Rewrites the journal from the live queues now (also runs by itself past the size threshold). */
  compactNow(): void {
    this.compactionScheduled = false;
    if (this.closed || !this.snapshot) return;
    const state = this.snapshot();
    closeSync(this.fd);
    this.liveBytes = this.rewrite(state);
    this.fd = openSync(this.file, 'a');
    this.dirty = false;
  }

  /** Stops writing, syncs, releases the data dir; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.syncTimer);
    if (this.dirty) fsyncSync(this.fd);
    closeSync(this.fd);
    releaseLock(this.dir);
  }

  private flush(): void {
    if (!this.dirty || this.closed) return;
    this.dirty = false;
    fdatasync(this.fd, () => {});
  }

  private rewrite(state: JournalState): number {
    const text = stateRecords(state);
    const temporary = `${this.file}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.file);
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    this.bytesSinceCompaction = 0;
    return Buffer.byteLength(text);
  }
}

function takeLock(dir: string): void {
  if (openDirs.has(dir)) throw new SqsDataDirInUseError(`SQS data dir ${dir} is already open in this process`);
  const lock = join(dir, LOCK_FILE);
  if (existsSync(lock)) {
    const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw new SqsDataDirInUseError(`SQS data dir ${dir} is in use by process ${pid} (${lock})`);
    }
  }
  writeFileSync(lock, String(process.pid));
  openDirs.add(dir);
}

function releaseLock(dir: string): void {
  openDirs.delete(dir);
  rmSync(join(dir, LOCK_FILE), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

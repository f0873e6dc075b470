import type { DropReason } from '../drop-reason.js';

/** One DROP, kept with everything needed to inspect or replay it (JSON lines). */
export interface QuarantineEntry {
  /** The original body, exactly as received. */
  readonly body: string;
  readonly reason: DropReason | `dlq:${string}`;
  /** The topic the message claimed, when it could be read. */
  readonly topic: string | null;
  readonly queue: string;
  readonly receive_count: number;
  readonly source_message_id: string;
  readonly quarantined_at: string;
}

/** Durable store of dropped messages: S3 in AWS, a local file or table locally. */
export interface Quarantine {
  /** Resolves once every entry is durable; only then may the messages be deleted. */
  put(entries: readonly QuarantineEntry[]): Promise<void>;
  close(): Promise<void>;
}

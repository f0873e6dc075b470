import type { EncodedRecord } from '../raw-record.js';

/** Hard limits of one sink call; the batcher never exceeds them. */
export interface SinkLimits {
  readonly maxRecords: number;
  readonly maxBatchBytes: number;
  readonly maxRecordBytes: number;
}

/**
 * Amazon Data Firehose `PutRecordBatch` limits: 500 records, 4 MiB, 1,000 KiB per record.
 * The local landing sink uses them too, so local batches look like AWS ones.
 */
export const FIREHOSE_LIMITS: SinkLimits = {
  maxRecords: 500,
  maxBatchBytes: 4 * 1024 * 1024,
  maxRecordBytes: 1_000 * 1024,
};

/** A record the sink did not accept; it is retried (RETRY), the rest are done. */
export interface FailedRecord {
  /** Position in the batch given to `putBatch`. */
  readonly index: number;
  readonly code: string;
  readonly message: string;
}

/**
 * Where RAW records go: Firehose, Kinesis, or the local lake. `putBatch` resolves once
 * every record not listed in `failed` is durably accepted, and rejects when the whole
 * call failed (nothing accepted).
 */
export interface RecordSink {
  readonly name: string;
  readonly limits: SinkLimits;
  putBatch(records: readonly EncodedRecord[], signal?: AbortSignal): Promise<{ failed: readonly FailedRecord[] }>;
  close(): Promise<void>;
}

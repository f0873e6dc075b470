/**
 * A committed lake snapshot. Iceberg snapshot ids are random 64-bit integers (kept as
 * text), so order comes from the sequence number; a checkpoint never moves to a lower one.
 */
export interface SnapshotRef {
  readonly id: string;
  readonly sequence: number;
}

export type Layer = 'raw' | 'curated' | 'semantic';

/** Reads the current snapshot of a topic's table: Iceberg metadata in AWS, the DuckDB snapshot log locally. */
export interface LakeSnapshots {
  current(topic: string, layer: Layer): Promise<SnapshotRef | null>;
}

/** RAW records committed after a snapshot: the curation backlog (contract §7's "curation pending"). */
export interface PendingRecords {
  rawRecordsAfter(topic: string, after: SnapshotRef | null): Promise<number>;
}

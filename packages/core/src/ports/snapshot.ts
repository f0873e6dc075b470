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

/** What a topic's table holds now, from the engine's metadata: the reprocessing plan (`lean-ops reprocess --dry-run`). */
export interface TableFigures {
  readonly records: number;
  /** Snapshots the table keeps (Iceberg's metadata; the DuckDB snapshot log). */
  readonly snapshots: number;
  /** Bytes of its data files; null where the engine does not tell (DuckDB). */
  readonly bytes: number | null;
}

/** The figures of a topic's table, or null when it does not exist yet. */
export interface LakeFigures {
  figures(topic: string, layer: Layer): Promise<TableFigures | null>;
}

/** The figures of a topic's tables and their snapshots by id: what reprocessing plans with. */
export interface LakeCatalog extends LakeFigures {
  /** The snapshot `id` of the topic's table in `layer`, or null when the table has no such snapshot (unknown or expired). */
  snapshot(topic: string, layer: Layer, id: string): Promise<SnapshotRef | null>;
}

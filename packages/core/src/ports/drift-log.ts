export type DriftStatus = 'pending' | 'approved';

/** A curated column the semantic schema does not declare, or a topic with no schema. */
export interface DriftEntry {
  readonly topic: string;
  /** The undeclared column, or `*` for "topic has no semantic schema". */
  readonly column: string;
  readonly first_seen: string;
  readonly status: DriftStatus;
}

/** The drift log: one entry per (topic, column), written once. */
export interface DriftLog {
  /** Records the entry unless one exists for (topic, column); true when it was new. */
  record(entry: DriftEntry): Promise<boolean>;
  list(topic?: string): Promise<readonly DriftEntry[]>;
  setStatus(topic: string, column: string, status: DriftStatus): Promise<void>;
}

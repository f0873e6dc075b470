import { ConfigError, LeanOpsError, type SnapshotRef, type TableFigures } from '@lean-ops/core';

/** The layers a reprocess rebuilds: curated (from RAW, then semantic from it) or semantic (from curated). */
export const REPROCESS_LAYERS = ['curated', 'semantic'] as const;
export type ReprocessLayer = (typeof REPROCESS_LAYERS)[number];

/**
 * What `lean-ops reprocess` asks for (docs/reprocess.md). `from_snapshot` (a snapshot id of
 * the layer's source: RAW for curated, curated for semantic) narrows the rebuild to the keys
 * that changed after it; without it the whole layer is rebuilt.
 */
export interface ReprocessRequest {
  /** Unique per request: the CLI waits for the report that carries it. */
  readonly id: string;
  readonly topic: string;
  readonly layer: ReprocessLayer;
  readonly from_snapshot: string | null;
  /** Only plan: read the figures, write nothing. */
  readonly dry_run: boolean;
  readonly requested_at: string;
}

/** What a reprocess would read and write, from the engine's metadata (the dry run prints it). */
export interface ReprocessPlan {
  /** The source snapshot range of the first rebuild: (from, to]; from null = every snapshot. */
  readonly from: SnapshotRef | null;
  readonly to: SnapshotRef;
  /** The source table of the first rebuild (RAW or curated) and, when known, its figures. */
  readonly source: { readonly layer: 'raw' | 'curated'; readonly figures: TableFigures | null };
  /** RAW records committed in (from, to]: the keys in scope come from them (curated rebuilds only). */
  readonly scope_records: number | null;
  /** The tables rebuilt, in order, with their figures now. */
  readonly rebuilds: readonly { readonly layer: ReprocessLayer; readonly figures: TableFigures | null }[];
}

/** A reprocess of the topic is already waiting or running: one at a time per topic. */
export class ReprocessInProgressError extends LeanOpsError {
  override name = 'ReprocessInProgressError';
  constructor(readonly current: ReprocessRequest) {
    super(
      'reprocess_in_progress',
      `a reprocess of ${current.topic} (${current.layer}, requested ${current.requested_at}, id ${current.id}) is already in progress: wait for it (lean-ops reprocess --status)`,
    );
  }
}

/** Checks a request read from Redis or the CLI; the error names the bad field. */
export function parseReprocessRequest(value: unknown): ReprocessRequest {
  const v = (value ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  const text = (key: string): string => {
    const x = v[key];
    if (typeof x !== 'string' || x === '') problems.push(`${key}: expected a non-empty string`);
    return String(x);
  };
  const id = text('id');
  const topic = text('topic');
  const requestedAt = text('requested_at');
  if (!REPROCESS_LAYERS.includes(v.layer as ReprocessLayer))
    problems.push(`layer: expected one of ${REPROCESS_LAYERS.join(', ')} (got ${JSON.stringify(v.layer)})`);
  const from = v.from_snapshot ?? null;
  if (from !== null && (typeof from !== 'string' || from.trim() === ''))
    problems.push('from_snapshot: expected a snapshot id or null');
  if (typeof v.dry_run !== 'boolean') problems.push('dry_run: expected true or false');
  if (problems.length > 0) throw new ConfigError('reprocess request', problems);
  return {
    id,
    topic,
    layer: v.layer as ReprocessLayer,
    from_snapshot: from as string | null,
    dry_run: v.dry_run as boolean,
    requested_at: requestedAt,
  };
}

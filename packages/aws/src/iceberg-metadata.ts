import { formatZodIssues, PermanentError, type SnapshotRef, type TableFigures } from '@lean-ops/core';
import { z } from 'zod';

// Snapshot ids are random 64-bit integers: JSON.parse would round most of them (> 2^53).
// These keys' number tokens are quoted before parsing. The pattern cannot match inside a
// JSON string: there every quote is escaped, so `"snapshot-id"` followed by `:` is a key.
const SNAPSHOT_ID_TOKEN = /("(?:current-snapshot-id|snapshot-id|parent-snapshot-id)"\s*:\s*)(-?\d+)/g;

const snapshotId = z.string().regex(/^-?\d+$/);

const metadataSchema = z.looseObject({
  'format-version': z.number().int().positive(),
  // null or absent in v2+ when the table has no snapshot; -1 in v1.
  'current-snapshot-id': snapshotId.nullish(),
  snapshots: z
    .array(
      z.looseObject({
        'snapshot-id': snapshotId,
        // Absent in format v1: such a table cannot order its snapshots (contract §6).
        'sequence-number': z.number().int().nonnegative().optional(),
        // Iceberg writes summary values as strings, e.g. {"added-records": "500"}.
        summary: z.record(z.string(), z.string()).optional(),
      }),
    )
    .optional(),
});

function parseMetadata(metadataJson: string, source: string) {
  let json: unknown;
  try {
    json = JSON.parse(metadataJson.replace(SNAPSHOT_ID_TOKEN, '$1"$2"'));
  } catch (err) {
    throw new PermanentError(`Iceberg metadata ${source} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = metadataSchema.safeParse(json);
  if (!parsed.success) {
    throw new PermanentError(
      `Iceberg metadata ${source} is malformed: ${formatZodIssues(parsed.error, json).join('; ')}`,
    );
  }
  return parsed.data;
}

/**
 * Records appended by the snapshots after sequence `afterSequence` (the curation backlog
 * of an append-only RAW table), from each snapshot summary's `added-records`.
 */
export function icebergRecordsAddedAfter(metadataJson: string, source: string, afterSequence: number): number {
  const metadata = parseMetadata(metadataJson, source);
  let total = 0;
  for (const snapshot of metadata.snapshots ?? []) {
    if ((snapshot['sequence-number'] ?? 0) <= afterSequence) continue;
    const added = Number(snapshot.summary?.['added-records'] ?? 0);
    if (Number.isFinite(added)) total += added;
  }
  return total;
}

/**
 * The current snapshot of an Iceberg table from its metadata JSON (`vN.metadata.json`), or
 * null when the table has none. `source` names the file in errors. Throws `PermanentError`
 * when the document is not Iceberg metadata or its current snapshot has no sequence number.
 */
export function currentIcebergSnapshot(metadataJson: string, source: string): SnapshotRef | null {
  const metadata = parseMetadata(metadataJson, source);
  const id = metadata['current-snapshot-id'];
  if (id === undefined || id === null || id === '-1') return null;
  const snapshot = metadata.snapshots?.find((s) => s['snapshot-id'] === id);
  if (snapshot === undefined) {
    throw new PermanentError(`Iceberg metadata ${source}: current-snapshot-id ${id} is not in snapshots[]`);
  }
  const sequence = snapshot['sequence-number'];
  if (sequence === undefined) {
    throw new PermanentError(
      `Iceberg metadata ${source}: snapshot ${id} has no sequence-number (format-version ${metadata['format-version']}; lean-ops needs v2 or later)`,
    );
  }
  return { id, sequence };
}

/**
 * What an Iceberg table holds now, from its metadata JSON (the reprocessing plan): records
 * and data-file bytes from the current snapshot's summary (`total-records`,
 * `total-files-size`, which Iceberg keeps on every commit), and the snapshots the metadata
 * keeps. A table without a snapshot holds nothing. Throws `PermanentError` when the
 * document is not Iceberg metadata or the current snapshot's summary lacks a total.
 */
export function icebergTableFigures(metadataJson: string, source: string): TableFigures {
  const metadata = parseMetadata(metadataJson, source);
  const snapshots = metadata.snapshots?.length ?? 0;
  const current = currentIcebergSnapshot(metadataJson, source);
  if (current === null) return { records: 0, snapshots, bytes: 0 };
  const summary = metadata.snapshots?.find((s) => s['snapshot-id'] === current.id)?.summary ?? {};
  const total = (key: string): number => {
    const text = summary[key];
    const value = text === undefined ? Number.NaN : Number(text);
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new PermanentError(
        `Iceberg metadata ${source}: the summary of snapshot ${current.id} has ${key} ${text === undefined ? 'missing' : JSON.stringify(text)}, not a count`,
      );
    }
    return value;
  };
  return { records: total('total-records'), snapshots, bytes: total('total-files-size') };
}

/**
 * Snapshot `id` of an Iceberg table from its metadata JSON, or null when the metadata does
 * not keep it (never existed, or expired). Throws `PermanentError` when the document is not
 * Iceberg metadata or the snapshot has no sequence number (format v1).
 */
export function icebergSnapshotById(metadataJson: string, source: string, id: string): SnapshotRef | null {
  const metadata = parseMetadata(metadataJson, source);
  const snapshot = metadata.snapshots?.find((s) => s['snapshot-id'] === id.trim());
  if (snapshot === undefined) return null;
  const sequence = snapshot['sequence-number'];
  if (sequence === undefined) {
    throw new PermanentError(
      `Iceberg metadata ${source}: snapshot ${id} has no sequence-number (format-version ${metadata['format-version']}; lean-ops needs v2 or later)`,
    );
  }
  return { id: snapshot['snapshot-id'], sequence };
}

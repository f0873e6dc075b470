export interface SnapshotFixture {
  /** Decimal text: the ids are 64-bit and must reach the JSON as written. */
  readonly id: string;
  readonly sequence: number;
  readonly parent?: string;
  readonly summary?: Record<string, string>;
}

/**
 * An Iceberg format-v2 `vN.metadata.json` laid out as Iceberg's TableMetadataParser writes
 * it (`"key" : value`). Built as text because JSON.stringify cannot write a 64-bit id.
 * `current` is the raw token of `current-snapshot-id` (`"-1"`, `"null"`, or an id).
 */
export function icebergMetadataJson(location: string, snapshots: readonly SnapshotFixture[], current: string): string {
  const lastSequence = Math.max(0, ...snapshots.map((s) => s.sequence));
  const snapshotEntries = snapshots.map((s, i) =>
    [
      '{',
      `    "sequence-number" : ${s.sequence},`,
      `    "snapshot-id" : ${s.id},`,
      s.parent === undefined ? '' : `    "parent-snapshot-id" : ${s.parent},`,
      `    "timestamp-ms" : ${1_709_294_400_000 + i * 60_000},`,
      `    "summary" : ${JSON.stringify({ operation: i === 0 ? 'append' : 'overwrite', ...s.summary })},`,
      `    "manifest-list" : "${location}/metadata/snap-${s.id}-1-6d5c3a1e-0000-4000-8000-00000000000${i}.avro",`,
      '    "schema-id" : 0',
      '  }',
    ]
      .filter((line) => line !== '')
      .join('\n'),
  );
  const refs =
    current === '-1' || current === 'null'
      ? '{ }'
      : `{\n    "main" : {\n      "snapshot-id" : ${current},\n      "type" : "branch"\n    }\n  }`;
  return `{
  "format-version" : 2,
  "table-uuid" : "0b4a8b8e-6f5e-4c8a-9d3e-2f1a7c9e5b10",
  "location" : "${location}",
  "last-sequence-number" : ${lastSequence},
  "last-updated-ms" : 1709294520000,
  "last-column-id" : 3,
  "current-schema-id" : 0,
  "schemas" : [ {
    "type" : "struct",
    "schema-id" : 0,
    "identifier-field-ids" : [ 1 ],
    "fields" : [ {
      "id" : 1,
      "name" : "idempotency_key",
      "required" : true,
      "type" : "string"
    }, {
      "id" : 2,
      "name" : "event_timestamp",
      "required" : false,
      "type" : "timestamptz"
    }, {
      "id" : 3,
      "name" : "_raw_seq",
      "required" : false,
      "type" : "long"
    } ]
  } ],
  "default-spec-id" : 0,
  "partition-specs" : [ {
    "spec-id" : 0,
    "fields" : [ ]
  } ],
  "last-partition-id" : 999,
  "default-sort-order-id" : 0,
  "sort-orders" : [ {
    "order-id" : 0,
    "fields" : [ ]
  } ],
  "properties" : {
    "format-version" : "2",
    "write.format.default" : "parquet",
    "write.parquet.compression-codec" : "zstd"
  },
  "current-snapshot-id" : ${current},
  "refs" : ${refs},
  "snapshots" : [ ${snapshotEntries.join(', ')} ],
  "statistics" : [ ],
  "partition-statistics" : [ ],
  "snapshot-log" : [ ${snapshots.map((s, i) => `{\n    "timestamp-ms" : ${1_709_294_400_000 + i * 60_000},\n    "snapshot-id" : ${s.id}\n  }`).join(', ')} ],
  "metadata-log" : [ ]
}`;
}

/** Two snapshots, the current one with a 64-bit id above 2^53 (JSON.parse would round it). */
export const TWO_SNAPSHOTS: readonly SnapshotFixture[] = [
  { id: '3051729675574597004', sequence: 1, summary: { 'lean-ops.raw-snapshot-id': '1' } },
  {
    id: '8930417267512038593',
    sequence: 2,
    parent: '3051729675574597004',
    // A string that spells a snapshot-id key must be left as it is.
    summary: { 'lean-ops.note': '{"snapshot-id" : 123, "current-snapshot-id" : 456}' },
  },
];

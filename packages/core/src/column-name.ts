/** RAW metadata columns carried into the curated layer (all RAW columns but `json_payload`). */
export const CURATED_METADATA_COLUMNS = [
  'topic',
  'idempotency_key',
  'device_id',
  'event_timestamp',
  'publish_time',
  'period_reference',
  'ingested_at',
  'source_message_id',
] as const;

/** Metadata columns of the semantic layer (contract §5), before the declared columns. */
export const SEMANTIC_METADATA_COLUMNS = [
  'idempotency_key',
  'device_id',
  'event_timestamp',
  'publish_time',
  'period_reference',
  'source_message_id',
] as const;

// `_raw_seq` is the curated layer's lineage column (docs/lake.md), so a payload key of that name is renamed too.
const METADATA = new Set<string>([...CURATED_METADATA_COLUMNS, '_raw_seq']);

/**
 * Curated column name of a top-level payload key (contract §4): lower-cased, every
 * character outside `[a-z0-9_]` replaced by `_`, prefixed `payload_` when it collides
 * with a metadata column. Lower-casing is ASCII-only and "character" means code point,
 * so the TypeScript and Python engines cannot disagree on Unicode case tables; an empty
 * key becomes `payload_`.
 */
export function curatedColumnName(key: string): string {
  let name = '';
  for (const ch of key) {
    const c = ch.codePointAt(0) as number;
    if (c >= 0x41 && c <= 0x5a) name += String.fromCharCode(c + 0x20);
    else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f) name += ch;
    else name += '_';
  }
  return name === '' || METADATA.has(name) ? `payload_${name}` : name;
}

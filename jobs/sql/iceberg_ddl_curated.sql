-- Curated table of a topic (contract §4), Iceberg only. One row per idempotency_key (MERGE).
-- Payload columns are added by the curation job as nullable STRING columns; _raw_seq is the
-- RAW snapshot sequence number the row was written from (the semantic job reads by it).
CREATE TABLE IF NOT EXISTS {{table}} (
  topic STRING,
  idempotency_key STRING,
  device_id STRING,
  event_timestamp TIMESTAMP,
  publish_time TIMESTAMP,
  period_reference STRING,
  ingested_at TIMESTAMP,
  source_message_id STRING,
  {{q:_raw_seq}} BIGINT
)
USING iceberg
PARTITIONED BY (period_reference, day(publish_time), bucket(16, idempotency_key))
TBLPROPERTIES (
  'format-version' = '2',
  'write.parquet.bloom-filter-enabled.column.idempotency_key' = 'true'
)

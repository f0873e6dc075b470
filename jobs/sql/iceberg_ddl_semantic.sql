-- Semantic table of a topic (contract §5), Iceberg only: the metadata columns; the semantic
-- job adds the declared columns of each schema version (ALTER TABLE ADD COLUMNS).
CREATE TABLE IF NOT EXISTS {{table}} (
  idempotency_key STRING,
  device_id STRING,
  event_timestamp TIMESTAMP,
  publish_time TIMESTAMP,
  period_reference STRING,
  source_message_id STRING
)
USING iceberg
PARTITIONED BY (period_reference, day(publish_time), bucket(16, idempotency_key))
TBLPROPERTIES (
  'format-version' = '2',
  'write.parquet.bloom-filter-enabled.column.idempotency_key' = 'true'
)

-- RAW table of a topic (contract §3), Iceberg only (Spark on Glue; DuckDB keeps RAW in its
-- own file). Written by Firehose, APPEND only, duplicates allowed; no bloom filter.
-- Timestamps are Iceberg timestamptz (Spark TIMESTAMP), microsecond precision.
CREATE TABLE IF NOT EXISTS {{table}} (
  topic STRING,
  idempotency_key STRING,
  device_id STRING,
  event_timestamp TIMESTAMP,
  publish_time TIMESTAMP,
  period_reference STRING,
  json_payload STRING,
  ingested_at TIMESTAMP,
  source_message_id STRING
)
USING iceberg
PARTITIONED BY (day(publish_time))
TBLPROPERTIES (
  'format-version' = '2'
)

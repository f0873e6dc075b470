-- Semantic rejects of a topic ({topic}_semantic_rejects), Iceberg only: curated rows that
-- failed governance, with the reason (missing_required:<col>, cast_failed:<col>).
CREATE TABLE IF NOT EXISTS {{table}} (
  idempotency_key STRING,
  device_id STRING,
  event_timestamp TIMESTAMP,
  publish_time TIMESTAMP,
  source_message_id STRING,
  reason STRING,
  rejected_at TIMESTAMP,
  {{q:_raw_seq}} BIGINT
)
USING iceberg
PARTITIONED BY (day(rejected_at))
TBLPROPERTIES (
  'format-version' = '2'
)

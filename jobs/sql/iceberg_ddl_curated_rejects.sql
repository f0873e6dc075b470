-- Curation rejects of a topic, Iceberg only: RAW rows whose json_payload does not parse or
-- whose payload is not an object (an append-only log; a replayed increment appends again).
CREATE TABLE IF NOT EXISTS {{table}} (
  idempotency_key STRING,
  device_id STRING,
  source_message_id STRING,
  json_payload STRING,
  reason STRING,
  rejected_at TIMESTAMP,
  {{q:_raw_seq}} BIGINT
)
USING iceberg
PARTITIONED BY (day(rejected_at))
TBLPROPERTIES (
  'format-version' = '2'
)

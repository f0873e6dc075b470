-- Curation step 3: one row per idempotency key, the newest version of this increment:
-- greatest event_timestamp, then greatest publish_time, then greatest source_message_id.
-- The placeholder newest_versions selects those rows of curation_parsed, each engine its
-- cheapest way (the order is newest_order in dialects.json). Every curated payload column
-- is selected, NULL where this version lacks the key, so a winning version replaces the
-- whole row.
CREATE OR REPLACE TEMP VIEW curation_batch AS
SELECT
  topic,
  idempotency_key,
  device_id,
  event_timestamp,
  publish_time,
  period_reference,
  ingested_at,
  source_message_id,
  CAST({{raw_seq}} AS BIGINT) AS {{q:_raw_seq}}{{payload_columns}}
FROM (
  {{newest_versions}}
) AS newest

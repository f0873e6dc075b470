-- Curation step 3: one row per idempotency key, the newest version of this increment:
-- greatest event_timestamp, then greatest publish_time, then greatest source_message_id.
-- Every curated payload column is selected, NULL where this version lacks the key, so a
-- winning version replaces the whole row.
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
  SELECT
    p.*,
    ROW_NUMBER() OVER (
      PARTITION BY idempotency_key
      ORDER BY event_timestamp DESC, publish_time DESC, source_message_id DESC
    ) AS version_rank
  FROM curation_parsed AS p
  WHERE payload_map IS NOT NULL
) AS ranked
WHERE version_rank = 1

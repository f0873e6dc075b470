-- Semantic step 1: cast the curated STRING columns to the declared types and find the
-- first governance failure of each row, in schema order (contract §5):
-- missing_required:<col> when a required column is NULL, cast_failed:<col> when a value
-- does not cast. Casts are guarded by the same explicit checks in both engines, so they
-- agree on what "casts" means (e.g. "1.0" is not a long, "NaN" is not a double).
CREATE OR REPLACE TEMP VIEW semantic_checked AS
SELECT
  c.idempotency_key,
  c.device_id,
  c.event_timestamp,
  c.publish_time,
  c.period_reference,
  c.source_message_id{{typed_columns}},
  {{reject_reason}} AS reject_reason
FROM curated_increment AS c

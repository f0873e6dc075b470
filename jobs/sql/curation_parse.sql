-- Curation step 1: parse each RAW row's payload into a map of curated values
-- (contract §4: strings as they are, numbers as decimal text, booleans true/false,
-- JSON null as NULL, objects and arrays as compact JSON). A row whose json_payload is
-- not JSON, or whose payload is not an object, gets a NULL map and goes to rejects.
CREATE OR REPLACE TEMP VIEW curation_parsed AS
SELECT
  r.topic,
  r.idempotency_key,
  r.device_id,
  r.event_timestamp,
  r.publish_time,
  r.period_reference,
  r.ingested_at,
  r.source_message_id,
  r.json_payload,
  {{payload_map}} AS payload_map
FROM raw_increment AS r

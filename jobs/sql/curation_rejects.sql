-- Curation: RAW rows whose json_payload does not parse, or whose payload is not an
-- object. Firehose writes whatever it was given; such a row must not fail the job.
SELECT
  idempotency_key,
  device_id,
  source_message_id,
  json_payload,
  'invalid_payload' AS reason
FROM curation_parsed
WHERE payload_map IS NULL

-- The rows of the source (one per key) that a MERGE into the target writes: keys not
-- stored yet, or versions newer than the stored one under the contract's order
-- (incoming_wins in dialects.json). Their count is the job's records_written.
SELECT s.*
FROM {{source}} AS s
LEFT JOIN (
  SELECT idempotency_key, event_timestamp, publish_time, source_message_id FROM {{target}}
) AS t
  ON t.idempotency_key = s.idempotency_key
WHERE t.idempotency_key IS NULL OR {{incoming_wins}}

-- Semantic step 3: the rows that failed governance, with their reason.
SELECT idempotency_key, device_id, event_timestamp, publish_time, source_message_id, reject_reason AS reason
FROM semantic_checked
WHERE reject_reason IS NOT NULL

-- Curation step 4: MERGE into the curated table. A stored row is replaced only when the
-- incoming version wins under the contract's order, so replays, duplicates and
-- out-of-order arrivals never move a row backwards.
MERGE INTO {{curated_table}} AS t
USING curation_batch AS s
ON t.idempotency_key = s.idempotency_key
WHEN MATCHED AND (
  s.event_timestamp > t.event_timestamp
  OR (s.event_timestamp = t.event_timestamp AND s.publish_time > t.publish_time)
  OR (s.event_timestamp = t.event_timestamp AND s.publish_time = t.publish_time AND s.source_message_id > t.source_message_id)
) THEN {{update_all}}
WHEN NOT MATCHED THEN {{insert_all}}

-- Curation step 4: MERGE into the curated table. A stored row is replaced only when the
-- incoming version wins under the contract's order, so replays, duplicates and
-- out-of-order arrivals never move a row backwards.
MERGE INTO {{curated_table}} AS t
USING curation_batch AS s
ON t.idempotency_key = s.idempotency_key
WHEN MATCHED AND {{incoming_wins}} THEN {{update_all}}
WHEN NOT MATCHED THEN {{insert_all}}

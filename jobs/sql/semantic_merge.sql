-- Semantic step 2: MERGE the rows that passed governance. Same rule as curated: a stored
-- row is replaced only by a newer version; a row that failed keeps the last valid one.
MERGE INTO {{semantic_table}} AS t
USING (
  SELECT {{semantic_columns}} FROM semantic_checked WHERE reject_reason IS NULL
) AS s
ON t.idempotency_key = s.idempotency_key
WHEN MATCHED AND {{incoming_wins}} THEN {{update_all}}
WHEN NOT MATCHED THEN {{insert_all}}

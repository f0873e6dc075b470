-- Reprocessing, curation step 4 on Spark (docs/reprocess.md): the rebuilt rows of the keys
-- in scope replace the stored ones whatever their versions (a rebuild corrects rows, it does
-- not only move them forward), and stored rows of keys in scope that the rebuild no longer
-- produces (every version rejected) are deleted. One MERGE, one commit: readers see the old
-- table until it lands.
-- Spark refuses subqueries in MERGE conditions (UNSUPPORTED_MERGE_CONDITION.SUBQUERY), so a
-- key set cannot be the NOT MATCHED BY SOURCE condition: {{source}} is curation_batch plus,
-- for a rebuild since a snapshot, one tombstone row (_rebuild_delete true, other columns
-- NULL) per key in scope the rebuild no longer produces. {{in_scope}} is TRUE for a full
-- rebuild (every stored row the batch lacks goes; there are no tombstones), FALSE otherwise.
MERGE INTO {{curated_table}} AS t
USING {{source}} AS s
ON t.idempotency_key = s.idempotency_key
WHEN MATCHED AND s.{{q:_rebuild_delete}} THEN DELETE
WHEN MATCHED THEN {{update_all}}
WHEN NOT MATCHED AND NOT s.{{q:_rebuild_delete}} THEN {{insert_all}}
WHEN NOT MATCHED BY SOURCE AND {{in_scope}} THEN DELETE

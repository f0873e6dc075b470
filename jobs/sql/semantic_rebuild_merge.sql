-- Reprocessing, semantic step 2 on Spark: the rows of the keys in scope that pass
-- governance replace the stored ones whatever their versions, and stored rows of keys in
-- scope that no longer pass (or left curated) are deleted, as a from-scratch build never
-- held them. One MERGE, one commit.
-- As in curation_rebuild_merge.sql (Spark refuses subqueries in MERGE conditions), {{source}}
-- is the passing rows of semantic_checked (every column of the table) plus, for a rebuild
-- since a snapshot, one tombstone row (_rebuild_delete true, other columns NULL) per key in
-- scope to delete, and {{in_scope}} is FALSE; for a full rebuild there are no tombstones and
-- {{in_scope}} is TRUE (every stored row the source lacks goes).
MERGE INTO {{semantic_table}} AS t
USING {{source}} AS s
ON t.idempotency_key = s.idempotency_key
WHEN MATCHED AND s.{{q:_rebuild_delete}} THEN DELETE
WHEN MATCHED THEN {{update_all}}
WHEN NOT MATCHED AND NOT s.{{q:_rebuild_delete}} THEN {{insert_all}}
WHEN NOT MATCHED BY SOURCE AND {{in_scope}} THEN DELETE

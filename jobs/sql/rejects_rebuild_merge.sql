-- Reprocessing on Spark: the rejects of the keys in scope (curated or semantic) are replaced
-- by the ones the rebuild found, in one commit. A rejects table has no key (a key can have
-- several rejected versions), so {{source}} holds the rebuilt rejects (_rebuild_delete
-- false: they never match and are inserted) plus, for a rebuild since a snapshot, one
-- tombstone row per key in scope (_rebuild_delete true) that matches, and deletes, that
-- key's stored rejects. {{in_scope}} is TRUE for a full rebuild (every stored reject goes;
-- no tombstones), FALSE otherwise. Subqueries are not allowed in MERGE conditions on Spark.
MERGE INTO {{rejects_table}} AS t
USING {{source}} AS s
ON t.idempotency_key = s.idempotency_key AND s.{{q:_rebuild_delete}}
WHEN MATCHED THEN DELETE
WHEN NOT MATCHED AND NOT s.{{q:_rebuild_delete}} THEN {{insert_all}}
WHEN NOT MATCHED BY SOURCE AND {{in_scope}} THEN DELETE

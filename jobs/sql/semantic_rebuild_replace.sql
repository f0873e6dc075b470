-- Reprocessing, semantic step 2 on DuckDB: the same change as semantic_rebuild_merge.sql,
-- as DELETE of every stored row in scope + INSERT of the passing rows, in one transaction.
DELETE FROM {{semantic_table}} AS t
WHERE {{in_scope}};
INSERT INTO {{semantic_table}} BY NAME
SELECT {{semantic_columns}} FROM semantic_checked WHERE reject_reason IS NULL

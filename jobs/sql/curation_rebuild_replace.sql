-- Reprocessing, curation step 4 on DuckDB: the same change as curation_rebuild_merge.sql,
-- written as DELETE of every stored row in scope + INSERT of the rebuilt rows, inside the
-- job's transaction (curation_replace.sql says why DuckDB avoids MERGE).
DELETE FROM {{curated_table}} AS t
WHERE {{in_scope}};
INSERT INTO {{curated_table}} BY NAME
SELECT * FROM curation_batch

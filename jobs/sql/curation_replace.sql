-- Curation step 4 on DuckDB: the same change as curation_merge.sql, written as
-- DELETE + INSERT of the winners (curation_winners holds only versions that win against
-- the stored row; curation_batch their full rows). DuckDB's MERGE logs every updated
-- value in its write-ahead log, which then forces a checkpoint at commit; deleting and
-- appending writes the new rows straight to the table, as Iceberg's copy-on-write does.
DELETE FROM {{curated_table}}
WHERE idempotency_key IN (SELECT idempotency_key FROM curation_winners);
INSERT INTO {{curated_table}} BY NAME
SELECT * FROM curation_batch

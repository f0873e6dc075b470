-- Semantic table of a topic (contract §5), Iceberg (DuckDB: duckdb_ddl_semantic.sql): the
-- metadata columns ("semantic" in table_columns.json); the semantic job adds the declared
-- columns of each schema version (ALTER TABLE ADD COLUMNS).
-- Merge-on-read, format version 2, as the curated table (iceberg_ddl_curated.sql).
CREATE TABLE IF NOT EXISTS {{table}} (
{{columns:semantic}}
)
USING iceberg
PARTITIONED BY (period_reference, day(publish_time), bucket(16, idempotency_key))
TBLPROPERTIES (
  'format-version' = '2',
  'write.parquet.bloom-filter-enabled.column.idempotency_key' = 'true',
  'write.merge.mode' = 'merge-on-read',
  'write.update.mode' = 'merge-on-read',
  'write.delete.mode' = 'merge-on-read'
)

-- Semantic table of a topic (contract §5), Iceberg (DuckDB: duckdb_ddl_semantic.sql): the
-- metadata columns ("semantic" in table_columns.json); the semantic job adds the declared
-- columns of each schema version (ALTER TABLE ADD COLUMNS).
CREATE TABLE IF NOT EXISTS {{table}} (
{{columns:semantic}}
)
USING iceberg
PARTITIONED BY (period_reference, day(publish_time), bucket(16, idempotency_key))
TBLPROPERTIES (
  'format-version' = '2',
  'write.parquet.bloom-filter-enabled.column.idempotency_key' = 'true'
)

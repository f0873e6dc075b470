-- Curated table of a topic (contract §4), Iceberg (DuckDB: duckdb_ddl_curated.sql). One row
-- per idempotency_key (MERGE). Columns: "curated" in table_columns.json; payload columns are
-- added by the curation job as nullable STRING columns; _raw_seq is the RAW snapshot sequence
-- number the row was written from (the semantic job reads by it).
CREATE TABLE IF NOT EXISTS {{table}} (
{{columns:curated}}
)
USING iceberg
PARTITIONED BY (period_reference, day(publish_time), bucket(16, idempotency_key))
TBLPROPERTIES (
  'format-version' = '2',
  'write.parquet.bloom-filter-enabled.column.idempotency_key' = 'true'
)

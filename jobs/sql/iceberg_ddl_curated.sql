-- Curated table of a topic (contract §4), Iceberg (DuckDB: duckdb_ddl_curated.sql). One row
-- per idempotency_key (MERGE). Columns: "curated" in table_columns.json; payload columns are
-- added by the curation job as nullable STRING columns; _raw_seq is the RAW snapshot sequence
-- number the row was written from (the semantic job reads by it).
-- Row-level writes are merge-on-read: a MERGE writes the new versions and position delete
-- files for the rows they replace, never rewrites the data files those rows sit in, so a
-- run's write cost follows its increment. Format version 2: Snowflake reads v2 position
-- deletes, not v3. The write.* properties are also applied to existing tables (ddl.py).
CREATE TABLE IF NOT EXISTS {{table}} (
{{columns:curated}}
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

-- RAW table of a topic (contract §3), Iceberg (Spark on Glue; DuckDB: duckdb_ddl_raw.sql).
-- Written by Firehose, APPEND only, duplicates allowed; no bloom filter. Columns: "raw" in
-- table_columns.json. Timestamps are Iceberg timestamptz (Spark TIMESTAMP), microsecond precision.
CREATE TABLE IF NOT EXISTS {{table}} (
{{columns:raw}}
)
USING iceberg
PARTITIONED BY (day(publish_time))
TBLPROPERTIES (
  'format-version' = '2'
)

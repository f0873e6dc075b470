-- Curation rejects of a topic, Iceberg (DuckDB: duckdb_ddl_curated_rejects.sql): RAW rows whose
-- json_payload does not parse or whose payload is not an object (an append-only log; a
-- replayed increment appends again). Columns: "curated_rejects" in table_columns.json.
CREATE TABLE IF NOT EXISTS {{table}} (
{{columns:curated_rejects}}
)
USING iceberg
PARTITIONED BY (day(rejected_at))
TBLPROPERTIES (
  'format-version' = '2'
)

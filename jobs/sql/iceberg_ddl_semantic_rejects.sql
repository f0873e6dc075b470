-- Semantic rejects of a topic ({topic}_semantic_rejects), Iceberg (DuckDB:
-- duckdb_ddl_semantic_rejects.sql): curated rows that failed governance, with the reason
-- (missing_required:<col>, cast_failed:<col>). Columns: "semantic_rejects" in table_columns.json.
CREATE TABLE IF NOT EXISTS {{table}} (
{{columns:semantic_rejects}}
)
USING iceberg
PARTITIONED BY (day(rejected_at))
TBLPROPERTIES (
  'format-version' = '2'
)

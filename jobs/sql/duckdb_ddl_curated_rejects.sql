-- Curation rejects of a topic in the local lake, DuckDB; Iceberg: iceberg_ddl_curated_rejects.sql,
-- same columns ("curated_rejects" in table_columns.json).
CREATE TABLE IF NOT EXISTS {{table}} (
{{columns:curated_rejects}}
)

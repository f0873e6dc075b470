-- Curated table of a topic in the local lake, DuckDB; Iceberg: iceberg_ddl_curated.sql, same
-- columns ("curated" in table_columns.json). The curation job adds the payload columns.
CREATE TABLE IF NOT EXISTS {{table}} (
{{columns:curated}}
)

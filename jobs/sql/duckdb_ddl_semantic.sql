-- Semantic table of a topic in the local lake, DuckDB; Iceberg: iceberg_ddl_semantic.sql, same
-- columns ("semantic" in table_columns.json). The semantic job adds the declared columns.
CREATE TABLE IF NOT EXISTS {{table}} (
{{columns:semantic}}
)

-- Semantic rejects of a topic in the local lake, DuckDB; Iceberg: iceberg_ddl_semantic_rejects.sql,
-- same columns ("semantic_rejects" in table_columns.json).
CREATE TABLE IF NOT EXISTS {{table}} (
{{columns:semantic_rejects}}
)

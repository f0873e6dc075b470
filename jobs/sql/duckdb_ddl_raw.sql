-- RAW table of a topic in the local lake (raw.<topic>_staging), DuckDB; Iceberg:
-- iceberg_ddl_raw.sql, same columns ("raw" in table_columns.json). _snapshot_seq is the
-- lake's snapshot of the commit that appended the row (DuckDB has no Iceberg snapshots).
CREATE TABLE IF NOT EXISTS {{table}} (
{{columns:raw}},
  {{q:_snapshot_seq}} BIGINT
)

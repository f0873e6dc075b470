-- The Scientist View: the newest row per idempotency key of a curated table that may
-- hold several versions (e.g. a RAW-like append table, or while a MERGE is pending).
-- newest_per_key (dialects.json) renders QUALIFY on DuckDB and Snowflake, a subquery on Spark/Athena.
CREATE OR REPLACE VIEW {{view_name}} AS
{{newest_per_key}}

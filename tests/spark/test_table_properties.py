"""Table properties of the Iceberg DDL (jobs/sql/iceberg_ddl_*.sql): new tables get them, and
tables created without them (an earlier deployment) get the write.* ones at the next
bootstrap or job run, with no metadata commit once they are in place."""

from __future__ import annotations

from lean_ops_jobs.ddl import TopicTables, ensure_curated_tables, ensure_namespace, ensure_semantic_tables, template_properties

MERGE_ON_READ = {"write.merge.mode", "write.update.mode", "write.delete.mode"}


def props(spark, table: str) -> dict[str, str]:
    return {r.key: r.value for r in spark.sql(f"SHOW TBLPROPERTIES {table}").collect()}


def metadata_versions(spark, table: str) -> int:
    return spark.sql(f"SELECT count(*) AS n FROM {table}.metadata_log_entries").first().n


def test_templates_make_curated_and_semantic_merge_on_read_format_2():
    for template in ("iceberg_ddl_curated", "iceberg_ddl_semantic"):
        p = template_properties(template)
        assert p["format-version"] == "2", template
        assert {k: p[k] for k in MERGE_ON_READ} == dict.fromkeys(MERGE_ON_READ, "merge-on-read"), template
    assert template_properties("iceberg_ddl_raw") == {"format-version": "2"}


def test_existing_tables_get_the_write_properties_once(spark):
    t = TopicTables(catalog="lake", topic="telemetry", curated_db="props_cur", semantic_db="props_sem")
    for db in (t.curated_db, t.semantic_db):
        spark.sql(f"DROP NAMESPACE IF EXISTS lake.{db} CASCADE")
        ensure_namespace(spark, "lake", db)
    # Tables as an earlier version created them: copy-on-write (Iceberg's default), no bloom filter.
    for table in (t.curated, t.semantic):
        spark.sql(f"CREATE TABLE {table} (idempotency_key STRING) USING iceberg TBLPROPERTIES ('format-version' = '2')")
        assert not MERGE_ON_READ & props(spark, table).keys()

    ensure_curated_tables(spark, t)
    ensure_semantic_tables(spark, t)
    for table in (t.curated, t.semantic):
        p = props(spark, table)
        assert {k: p.get(k) for k in MERGE_ON_READ} == dict.fromkeys(MERGE_ON_READ, "merge-on-read"), table
        assert p["write.parquet.bloom-filter-enabled.column.idempotency_key"] == "true"
        assert p["format-version"] == "2"

    # In place: a later run commits no new table metadata.
    before = [metadata_versions(spark, table) for table in (t.curated, t.semantic)]
    ensure_curated_tables(spark, t)
    ensure_semantic_tables(spark, t)
    assert [metadata_versions(spark, table) for table in (t.curated, t.semantic)] == before

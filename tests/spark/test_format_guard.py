"""The format-version guard (lean_ops_jobs/format_guard.py) on real Spark + Iceberg 1.10:
semantic tables stay at format version 2, because Snowflake's refresh fails on version 3."""

from __future__ import annotations

import hashlib

import pytest
from glue_support import T0_MS, append_raw, event, raw_of
from lean_ops_jobs import JobFailedError, run_curation, run_semantic
from lean_ops_jobs.ddl import TopicTables, ensure_semantic_tables
from lean_ops_jobs.format_guard import (
    MAX_FORMAT_VERSION,
    FormatVersionError,
    check_format_version,
    format_version,
    refuse_format_upgrade,
)

SCHEMA = {"topic": "telemetry", "version": 1, "columns": [{"name": "temperature", "type": "double"}]}


@pytest.fixture
def tables(spark, request) -> TopicTables:
    # One namespace set per test and parameter (the session's warehouse starts empty).
    base = "fg_" + hashlib.sha1(request.node.name.encode()).hexdigest()[:12]
    for suffix in ("raw", "cur", "sem"):
        spark.sql(f"DROP NAMESPACE IF EXISTS lake.{base}_{suffix} CASCADE")
    return TopicTables(catalog="lake", topic="telemetry", raw_db=f"{base}_raw", curated_db=f"{base}_cur", semantic_db=f"{base}_sem")


def curated_snapshot(spark, t: TopicTables) -> int:
    raw = append_raw(spark, t, [raw_of(event("k1", "2024-03-01T10:00:00Z", {"temperature": 21.5}), T0_MS)])
    return int(run_curation(spark, t.catalog, t.raw_db, t.curated_db, t.topic, None, raw)["curated_snapshot_id"])


def test_a_v2_semantic_table_passes_and_the_semantic_run_writes(spark, tables):
    end = curated_snapshot(spark, tables)

    result = run_semantic(spark, "lake", tables.curated_db, tables.semantic_db, "telemetry", None, end, SCHEMA)

    assert result["records_written"] == 1
    assert format_version(spark, tables.semantic) == MAX_FORMAT_VERSION == 2
    assert check_format_version(spark, tables.semantic) == 2


def test_a_semantic_table_upgraded_to_v3_fails_the_run_naming_the_table_before_it_writes(spark, tables):
    end = curated_snapshot(spark, tables)
    ensure_semantic_tables(spark, tables, SCHEMA)
    # What an operator could do by hand; Iceberg 1.10 accepts it, and it cannot be undone.
    spark.sql(f"ALTER TABLE {tables.semantic} SET TBLPROPERTIES ('format-version' = '3')")
    assert format_version(spark, tables.semantic) == 3
    snapshots_before = spark.sql(f"SELECT count(*) AS n FROM {tables.semantic}.snapshots").collect()[0].n

    with pytest.raises(JobFailedError) as failed:
        run_semantic(spark, "lake", tables.curated_db, tables.semantic_db, "telemetry", None, end, SCHEMA)

    cause = failed.value.__cause__
    assert isinstance(cause, FormatVersionError)
    assert cause.table == tables.semantic
    assert f"{tables.semantic}: the table is at format-version 3" in str(failed.value)
    assert "Snowflake's refresh fails on a version 3 table" in str(failed.value)
    assert spark.sql(f"SELECT count(*) AS n FROM {tables.semantic}.snapshots").collect()[0].n == snapshots_before


def test_check_format_version_raises_the_named_error_on_a_v3_table(spark, tables):
    ensure_semantic_tables(spark, tables)
    spark.sql(f"ALTER TABLE {tables.semantic} SET TBLPROPERTIES ('format-version' = '3')")

    with pytest.raises(FormatVersionError, match=r"the table is at format-version 3") as refused:
        check_format_version(spark, tables.semantic)
    assert refused.value.table == tables.semantic
    assert refused.value.version == "3"


@pytest.mark.parametrize("properties", [{"format-version": "3"}, {" Format-Version ": "3"}, {"format-version": "x"}])
def test_the_property_guard_refuses_an_upgrade_and_the_table_stays_v2(spark, tables, properties):
    ensure_semantic_tables(spark, tables)

    with pytest.raises(FormatVersionError, match="refusing to set format-version"):
        refuse_format_upgrade(tables.semantic, properties)
    assert format_version(spark, tables.semantic) == 2


@pytest.mark.parametrize("properties", [{"format-version": "2"}, {"write.merge.mode": "copy-on-write"}])
def test_the_property_guard_lets_v2_and_other_properties_through(spark, tables, properties):
    ensure_semantic_tables(spark, tables)

    refuse_format_upgrade(tables.semantic, properties)
    pairs = ", ".join(f"'{k}' = '{v}'" for k, v in properties.items())
    spark.sql(f"ALTER TABLE {tables.semantic} SET TBLPROPERTIES ({pairs})")

    have = {r.key: r.value for r in spark.sql(f"SHOW TBLPROPERTIES {tables.semantic}").collect()}
    assert {k: have.get(k) for k in properties} == properties
    assert format_version(spark, tables.semantic) == 2

"""The semantic job on Spark + Iceberg (Glue 5.1 stand-in): the behaviours of
packages/lake/tests/integration/semantic.test.ts."""

from __future__ import annotations

import datetime as dt

import pytest
from glue_support import T0_MS, append_raw, event, raw_of
from lean_ops_jobs import run_curation, run_semantic
from lean_ops_jobs.ddl import TopicTables
from lean_ops_jobs.iceberg import snapshot
from lean_ops_jobs.sql import SchemaError

SCHEMA = {
    "topic": "telemetry",
    "version": 1,
    "columns": [
        {"name": "temperature", "type": "double", "required": True},
        {"name": "count", "type": "long"},
        {"name": "ok", "type": "boolean"},
        {"name": "seen_at", "type": "timestamp"},
        {"name": "status", "type": "string"},
    ],
}


@pytest.fixture
def tables(spark, request) -> TopicTables:
    base = "s_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name.lower())[:60]
    for suffix in ("raw", "cur", "sem"):
        spark.sql(f"DROP NAMESPACE IF EXISTS lake.{base}_{suffix} CASCADE")
    return TopicTables(catalog="lake", topic="telemetry", raw_db=f"{base}_raw", curated_db=f"{base}_cur", semantic_db=f"{base}_sem")


def curate_all(spark, t: TopicTables, records, prev_raw=None):
    raw = append_raw(spark, t, records)
    result = run_curation(spark, t.catalog, t.raw_db, t.curated_db, t.topic, prev_raw, raw)
    return raw, result["curated_snapshot_id"]


def semantic(spark, t: TopicTables, start, end, schema=SCHEMA, **kw):
    return run_semantic(spark, t.catalog, t.curated_db, t.semantic_db, t.topic, start, end, schema, **kw)


def test_casts_rejects_with_the_first_reason_in_schema_order_and_reports_drift(spark, tables):
    _, curated = curate_all(
        spark,
        tables,
        [
            raw_of(
                event(
                    "good",
                    "2024-03-01T10:00:00Z",
                    {"temperature": 21.5, "count": 3, "ok": True, "seen_at": "2024-03-01T10:00:00+01:00", "status": "fine", "extra": "x"},
                ),
                T0_MS,
            ),
            raw_of(event("missing", "2024-03-01T10:00:00Z", {"count": 1}), T0_MS),
            raw_of(event("nulled", "2024-03-01T10:00:00Z", {"temperature": None}), T0_MS),
            raw_of(event("badlong", "2024-03-01T10:00:00Z", {"temperature": 1, "count": 1.9}), T0_MS),
            raw_of(event("baddouble", "2024-03-01T10:00:00Z", {"temperature": "NaN"}), T0_MS),
            raw_of(event("badbool", "2024-03-01T10:00:00Z", {"temperature": 1, "ok": "yes"}), T0_MS),
            raw_of(event("badts", "2024-03-01T10:00:00Z", {"temperature": 1, "seen_at": "2024-02-30T00:00:00Z"}), T0_MS),
            raw_of(event("two", "2024-03-01T10:00:00Z", {"count": "x"}), T0_MS),
        ],
    )
    result = semantic(spark, tables, None, curated, job_run_id="jr_sem_1")
    assert {k: result[k] for k in ("records_written", "records_rejected", "undeclared_columns")} == {
        "records_written": 1,
        "records_rejected": 7,
        "undeclared_columns": ["extra"],
    }
    rejects = spark.sql(f"SELECT idempotency_key, reason FROM {tables.semantic_rejects} ORDER BY 1").collect()
    assert [tuple(r) for r in rejects] == [
        ("badbool", "cast_failed:ok"),
        ("baddouble", "cast_failed:temperature"),
        ("badlong", "cast_failed:count"),
        ("badts", "cast_failed:seen_at"),
        ("missing", "missing_required:temperature"),
        ("nulled", "missing_required:temperature"),
        ("two", "missing_required:temperature"),
    ]
    [row] = spark.sql(
        f"SELECT temperature, count, ok, date_format(seen_at, \"yyyy-MM-dd'T'HH:mm:ss\") AS seen_at, status FROM {tables.semantic}"
    ).collect()
    assert row.asDict() == {"temperature": 21.5, "count": 3, "ok": True, "seen_at": "2024-03-01T09:00:00", "status": "fine"}
    types = {f.name: f.dataType.simpleString() for f in spark.table(tables.semantic).schema.fields}
    assert (types["temperature"], types["count"], types["ok"], types["seen_at"], types["status"]) == (
        "double",
        "bigint",
        "boolean",
        "timestamp",
        "string",
    )
    tagged = snapshot(spark, tables.semantic, int(result["semantic_snapshot_id"])).summary
    assert (tagged["lean-ops.curated-snapshot-id"], tagged["lean-ops.job-run-id"]) == (curated, "jr_sem_1")


def test_keeps_the_last_valid_version_and_replays_change_nothing(spark, tables):
    raw1, c1 = curate_all(spark, tables, [raw_of(event("k", "2024-03-01T10:00:00Z", {"temperature": 20}), T0_MS)])
    assert semantic(spark, tables, None, c1)["records_written"] == 1
    _, c2 = curate_all(spark, tables, [raw_of(event("k", "2024-03-01T11:00:00Z", {"temperature": "hot"}), T0_MS + 1)], raw1)
    r2 = semantic(spark, tables, c1, c2)
    assert (r2["records_written"], r2["records_rejected"]) == (0, 1)
    assert [r.temperature for r in spark.table(tables.semantic).collect()] == [20.0]
    replay = semantic(spark, tables, None, c1)
    assert replay["records_written"] == 0
    # Curated still holds the newer (invalid) version; the semantic row is the last valid one.
    assert [r.temperature for r in spark.table(tables.curated).collect()] == ["hot"]
    [row] = spark.table(tables.semantic).collect()
    assert row.event_timestamp == dt.datetime(2024, 3, 1, 10, 0)


def test_a_new_schema_version_adds_its_column(spark, tables):
    _, c1 = curate_all(spark, tables, [raw_of(event("k", "2024-03-01T10:00:00Z", {"temperature": 20, "humidity": 40}), T0_MS)])
    v1 = semantic(spark, tables, None, c1)
    assert v1["undeclared_columns"] == ["humidity"]
    v2 = {**SCHEMA, "version": 2, "columns": [*SCHEMA["columns"], {"name": "humidity", "type": "long"}]}
    again = semantic(spark, tables, None, c1, v2)
    assert again["undeclared_columns"] == []
    # Same event, not newer: the MERGE rule keeps the stored row; the column exists now.
    assert [r.humidity for r in spark.table(tables.semantic).collect()] == [None]
    assert "humidity" in spark.table(tables.semantic).columns


def test_rejects_an_invalid_schema_before_touching_the_lake(spark, tables):
    bad = {"topic": "telemetry", "version": 1, "columns": [{"name": "Temp", "type": "float"}]}
    with pytest.raises(SchemaError, match=r"columns\[0\]\.name.*\n.*columns\[0\]\.type"):
        semantic(spark, tables, None, 1, bad)
    assert not spark.catalog.databaseExists(f"lake.{tables.semantic_db}")

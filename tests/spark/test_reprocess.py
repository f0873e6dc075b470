"""Reprocessing on Spark + Iceberg (Glue 5.1 stand-in): the curation and semantic jobs with
``rebuild`` (docs/reprocess.md; the semantics are the doc comments of ``rebuild`` in
packages/core/src/ports/job-runner.ts). A rebuilt layer is compared with a from-scratch
build of the same inputs (another namespace reading the same RAW). The comparison with the
DuckDB engine's rebuild (tests/conformance/run-duckdb.ts --rebuild) runs for every
conformance fixture in test_conformance.py."""

from __future__ import annotations

import json

import curation_job
import pytest
import semantic_job
from pyspark.sql.functions import lit
from glue_support import T0_MS, append_raw, event, raw_of
from lean_ops_jobs import run_curation, run_semantic
from lean_ops_jobs.batch import read_batch, rebuild_of
from lean_ops_jobs.ddl import TopicTables
from lean_ops_jobs.iceberg import PROP_REBUILD, current_snapshot, snapshot
from lean_ops_jobs.results import read_result

SCHEMA_V1 = {
    "topic": "telemetry",
    "version": 1,
    "columns": [{"name": "temperature", "type": "double", "required": True}],
}
#: Version 2 declares humidity: a rebuild fills it for the rows curated before.
SCHEMA_V2 = {**SCHEMA_V1, "version": 2, "columns": [*SCHEMA_V1["columns"], {"name": "humidity", "type": "long"}]}


def _tables(spark, base: str, curated_db: str | None = None, semantic_db: str | None = None) -> TopicTables:
    cur, sem = curated_db or f"{base}_cur", semantic_db or f"{base}_sem"
    for db in {f"{base}_raw", cur, sem}:
        spark.sql(f"DROP NAMESPACE IF EXISTS lake.{db} CASCADE")
    return TopicTables(catalog="lake", topic="telemetry", raw_db=f"{base}_raw", curated_db=cur, semantic_db=sem)


@pytest.fixture
def tables(spark, request) -> TopicTables:
    return _tables(spark, "r_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name.lower())[:50])


def scratch_of(spark, t: TopicTables) -> TopicTables:
    """Tables in fresh namespaces that read the same RAW: the from-scratch build."""
    cur, sem = f"{t.curated_db}_scratch", f"{t.semantic_db}_scratch"
    for db in (cur, sem):
        spark.sql(f"DROP NAMESPACE IF EXISTS lake.{db} CASCADE")
    return TopicTables(catalog="lake", topic=t.topic, raw_db=t.raw_db, curated_db=cur, semantic_db=sem)


def curate(spark, t: TopicTables, start, end, **kw):
    return run_curation(spark, t.catalog, t.raw_db, t.curated_db, t.topic, start, end, **kw)


def semantic(spark, t: TopicTables, start, end, schema, **kw):
    return run_semantic(spark, t.catalog, t.curated_db, t.semantic_db, t.topic, start, end, schema, **kw)


def rows(spark, table: str) -> list[str]:
    """A table's rows as JSON (columns by name: evolution adds them in different orders),
    bookkeeping columns (_raw_seq, rejected_at) left out, sorted."""
    df = spark.table(table)
    df = df.drop(*(c for c in ("_raw_seq", "rejected_at") if c in df.columns))
    return sorted(json.dumps(r.asDict(), sort_keys=True, default=str) for r in df.collect())


def snapshot_count(spark, table: str) -> int:
    return spark.sql(f"SELECT count(*) AS n FROM {table}.snapshots").collect()[0].n


def invalid(key: str, ts: str, publish_ms: int) -> dict:
    record = raw_of(event(key, ts, {}), publish_ms)
    record["json_payload"] = "not json {"
    return record


def test_curated_rebuild_since_a_snapshot_then_full_equals_a_from_scratch_build(spark, tables):
    ts = "2024-03-01T10:00:00Z"
    s1 = append_raw(
        spark,
        tables,
        [
            raw_of(event("a", ts, {"temp": "1"}), T0_MS),
            raw_of(event("b", "2024-03-01T11:00:00Z", {"temp": "1"}), T0_MS),
            raw_of(event("c", ts, {"temp": "1"}), T0_MS),
            invalid("r", ts, T0_MS),
        ],
    )
    s2 = append_raw(
        spark,
        tables,
        [
            raw_of(event("a", "2024-03-01T12:00:00Z", {"temp": "2"}), T0_MS + 1),
            raw_of(event("b", ts, {"temp": "0"}), T0_MS + 1),  # older: loses to the stored one
            raw_of(event("d", ts, {"temp": "4", "extra": "x"}), T0_MS + 1),
            invalid("r", ts, T0_MS + 1),
        ],
    )
    curate(spark, tables, None, s1)
    curate(spark, tables, s1, s2)

    # A bad deploy wrote wrong rows: a wrong value for a (in scope of s1 → s2) and for c (out
    # of it), and a row for r, whose every RAW version is invalid.
    spark.sql(f"UPDATE {tables.curated} SET temp = 'wrong' WHERE idempotency_key IN ('a', 'c')")
    spark.table(tables.curated).where("idempotency_key = 'c'").withColumn("idempotency_key", lit("r")).writeTo(
        tables.curated
    ).append()
    assert len(rows(spark, tables.curated_rejects)) == 2
    before = snapshot_count(spark, tables.curated)

    since = curate(spark, tables, s1, s2, rebuild=True, job_run_id="jr_rebuild")
    temps = {r.idempotency_key: r.temp for r in spark.table(tables.curated).collect()}
    assert temps == {"a": "2", "b": "1", "c": "wrong", "d": "4"}  # r left; c out of scope
    assert since["records_written"] == 3 and since["records_rejected"] == 2  # a, b, d; r twice
    assert snapshot_count(spark, tables.curated) == before + 1
    merged = snapshot(spark, tables.curated, int(since["curated_snapshot_id"]))
    assert merged.summary[PROP_REBUILD] == "true" and merged.summary["lean-ops.job-run-id"] == "jr_rebuild"
    assert len(rows(spark, tables.curated_rejects)) == 2  # r's rejects replaced, not doubled

    scratch = scratch_of(spark, tables)
    curate(spark, scratch, None, s2)
    for attempt in (1, 2):  # a retried rebuild leaves the same table and rejects
        full = curate(spark, tables, None, s2, rebuild=True)
        assert snapshot_count(spark, tables.curated) == before + 1 + attempt
        assert full["records_written"] == 4 and full["records_rejected"] == 2
        assert rows(spark, tables.curated) == rows(spark, scratch.curated)
        assert rows(spark, tables.curated_rejects) == rows(spark, scratch.curated_rejects)
    assert current_snapshot(spark, tables.curated).snapshot_id == int(full["curated_snapshot_id"])


def test_semantic_rebuild_fills_a_newly_declared_column_and_drops_keys_that_no_longer_pass(spark, tables):
    ts = "2024-03-01T10:00:00Z"
    s1 = append_raw(
        spark,
        tables,
        [
            raw_of(event("a", ts, {"temperature": 1.5, "humidity": 40}), T0_MS),
            raw_of(event("b", ts, {"temperature": 2, "humidity": 41}), T0_MS),
            raw_of(event("bad", ts, {"temperature": "hot"}), T0_MS),
        ],
    )
    c1 = curate(spark, tables, None, s1)["curated_snapshot_id"]
    semantic(spark, tables, None, c1, SCHEMA_V1)
    s2 = append_raw(
        spark,
        tables,
        [
            raw_of(event("c", ts, {"temperature": 3, "humidity": 42}), T0_MS + 1),
            # b's newer version fails governance: the ordinary run keeps b's last valid row.
            raw_of(event("b", "2024-03-01T11:00:00Z", {"humidity": 43}), T0_MS + 1),
        ],
    )
    c2 = curate(spark, tables, s1, s2)["curated_snapshot_id"]
    semantic(spark, tables, c1, c2, SCHEMA_V1)
    assert {r.idempotency_key for r in spark.table(tables.semantic).collect()} == {"a", "b", "c"}
    spark.sql(f"UPDATE {tables.semantic} SET temperature = -1 WHERE idempotency_key = 'a'")  # a planted wrong row

    # Since c1: b and c are rebuilt (b leaves: a from-scratch build never held it), a is not.
    before = snapshot_count(spark, tables.semantic)
    since = semantic(spark, tables, c1, c2, SCHEMA_V2, rebuild=True)
    got = {r.idempotency_key: (r.temperature, r.humidity) for r in spark.table(tables.semantic).collect()}
    assert got == {"a": (-1.0, None), "c": (3.0, 42)}
    assert since["records_written"] == 1 and since["records_rejected"] == 1
    assert snapshot_count(spark, tables.semantic) == before + 1
    reasons = sorted((r.idempotency_key, r.reason) for r in spark.table(tables.semantic_rejects).collect())
    assert reasons == [("b", "missing_required:temperature"), ("bad", "cast_failed:temperature")]

    scratch = scratch_of(spark, tables)
    scratch_curated = curate(spark, scratch, None, s2)["curated_snapshot_id"]
    semantic(spark, scratch, None, scratch_curated, SCHEMA_V2)
    for attempt in (1, 2):  # full; retried, the same
        full = semantic(spark, tables, None, c2, SCHEMA_V2, rebuild=True)
        assert snapshot_count(spark, tables.semantic) == before + 1 + attempt
        merged = snapshot(spark, tables.semantic, int(full["semantic_snapshot_id"]))
        assert merged.summary[PROP_REBUILD] == "true"
        assert (full["records_written"], full["records_rejected"]) == (2, 2)
        got = {r.idempotency_key: (r.temperature, r.humidity) for r in spark.table(tables.semantic).collect()}
        assert got == {"a": (1.5, 40), "c": (3.0, 42)}  # humidity filled for a, curated before v2
        assert rows(spark, tables.semantic) == rows(spark, scratch.semantic)
        assert rows(spark, tables.semantic_rejects) == rows(spark, scratch.semantic_rejects)


def test_batch_rebuild_flag_is_a_json_boolean(tmp_path):
    def batch(entry) -> str:
        path = tmp_path / "batch.json"
        path.write_text(json.dumps({"job": "curation", "topics": [{"topic": "t", "to_snapshot": "1", **entry}]}))
        return str(path)

    assert [rebuild_of(i) for i in read_batch(batch({"rebuild": True}), "curation")] == [True]
    assert [rebuild_of(i) for i in read_batch(batch({}), "curation")] == [False]
    with pytest.raises(ValueError, match=r"topics\[0\] has rebuild 'yes': rebuild must be true or false"):
        read_batch(batch({"rebuild": "yes"}), "curation")


def test_the_job_entry_points_rebuild_the_topics_their_batch_marks(spark, tables, tmp_path):
    s1 = append_raw(spark, tables, [raw_of(event("a", "2024-03-01T10:00:00Z", {"temperature": 20}), T0_MS)])
    c1 = curate(spark, tables, None, s1)["curated_snapshot_id"]
    semantic(spark, tables, None, c1, SCHEMA_V1)
    spark.sql(f"UPDATE {tables.curated} SET temperature = '99' WHERE idempotency_key = 'a'")
    spark.sql(f"UPDATE {tables.semantic} SET temperature = 99 WHERE idempotency_key = 'a'")

    def run(job, module, extra_args, entry):
        path = tmp_path / f"{job}.json"
        path.write_text(json.dumps({"job": job, "topics": [{"topic": "telemetry", **entry, "rebuild": True}]}))
        args = [f"{job}_job.py", "--catalog", "lake", *extra_args, "--batch_uri", str(path), "--result_uri", str(tmp_path / job)]
        module.main([*args, "--JOB_RUN_ID", f"jr_{job}"], spark=spark)
        [outcome] = read_result(str(tmp_path / job), f"jr_{job}")["topics"]
        assert outcome["ok"] is True, outcome
        return outcome

    dbs = ["--raw_db", tables.raw_db, "--curated_db", tables.curated_db]
    curated = run("curation", curation_job, dbs, {"from_snapshot": None, "to_snapshot": str(s1)})
    assert snapshot(spark, tables.curated, int(curated["curated_snapshot_id"])).summary[PROP_REBUILD] == "true"
    assert [r.temperature for r in spark.table(tables.curated).collect()] == ["20"]
    dbs = ["--curated_db", tables.curated_db, "--semantic_db", tables.semantic_db]
    entry = {"from_snapshot": None, "to_snapshot": curated["curated_snapshot_id"], "schema": SCHEMA_V1}
    sem = run("semantic", semantic_job, dbs, entry)
    assert snapshot(spark, tables.semantic, int(sem["semantic_snapshot_id"])).summary[PROP_REBUILD] == "true"
    assert [r.temperature for r in spark.table(tables.semantic).collect()] == [20.0]

"""The curation job on Spark + Iceberg (Glue 5.1 stand-in): the behaviours of
packages/lake/tests/integration/curation.test.ts, plus what only Iceberg has (snapshot
ids, commit properties, incremental reads)."""

from __future__ import annotations

import pytest
from glue_support import T0_MS, append_raw, event, raw_of
from lean_ops_jobs import run_curation
from lean_ops_jobs.ddl import TopicTables
from lean_ops_jobs.iceberg import PROP_RAW_SEQ, PROP_RAW_SNAPSHOT_ID, snapshot


@pytest.fixture
def tables(spark, request) -> TopicTables:
    """Fresh RAW / curated / semantic namespaces for one test."""
    base = "t_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name.lower())[:60]
    for suffix in ("raw", "cur", "sem"):
        spark.sql(f"DROP NAMESPACE IF EXISTS lake.{base}_{suffix} CASCADE")
    return TopicTables(catalog="lake", topic="telemetry", raw_db=f"{base}_raw", curated_db=f"{base}_cur", semantic_db=f"{base}_sem")


def curate(spark, t: TopicTables, start, end, **kw):
    return run_curation(spark, t.catalog, t.raw_db, t.curated_db, t.topic, start, end, **kw)


def curated_rows(spark, t: TopicTables) -> list[dict]:
    df = spark.table(t.curated).drop("_raw_seq", "ingested_at").orderBy("idempotency_key")
    return [r.asDict() for r in df.collect()]


def payload_columns(spark, t: TopicTables) -> list[str]:
    fixed = {"topic", "idempotency_key", "device_id", "event_timestamp", "publish_time", "period_reference",
             "ingested_at", "source_message_id", "_raw_seq"}
    return [c for c in spark.table(t.curated).columns if c not in fixed]


def test_increments_between_raw_snapshots_and_commit_properties(spark, tables):
    s1 = append_raw(spark, tables, [raw_of(event("a", "2024-03-01T10:00:00Z", {"v": 1}), T0_MS)])
    s2 = append_raw(
        spark,
        tables,
        [
            raw_of(event("b", "2024-03-01T10:00:00Z", {"v": 2}), T0_MS),
            raw_of(event("c", "2024-03-01T10:00:00Z", {"v": 3}), T0_MS),
        ],
    )
    r1 = curate(spark, tables, None, s1, job_run_id="jr_1")
    assert r1["records_written"] == 1
    r2 = curate(spark, tables, s1, s2)
    assert r2["records_written"] == 2
    assert [r["idempotency_key"] for r in curated_rows(spark, tables)] == ["a", "b", "c"]

    # raw_seq is the RAW snapshot's sequence number, and rides on the MERGE's snapshot.
    raw1, raw2 = snapshot(spark, tables.raw, s1), snapshot(spark, tables.raw, s2)
    assert (r1["raw_seq"], r2["raw_seq"]) == (raw1.sequence_number, raw2.sequence_number)
    assert r1["raw_seq"] < r2["raw_seq"]
    c1 = snapshot(spark, tables.curated, int(r1["curated_snapshot_id"]))
    c2 = snapshot(spark, tables.curated, int(r2["curated_snapshot_id"]))
    assert c1.summary[PROP_RAW_SEQ] == str(raw1.sequence_number)
    assert c1.summary[PROP_RAW_SNAPSHOT_ID] == str(s1)
    assert c1.summary["lean-ops.job-run-id"] == "jr_1"
    assert c2.summary[PROP_RAW_SNAPSHOT_ID] == str(s2)
    assert c2.sequence_number > c1.sequence_number == r1["curated_snapshot_sequence"]
    stamped = {r._raw_seq for r in spark.table(tables.curated).select("_raw_seq").collect()}
    assert stamped == {raw1.sequence_number, raw2.sequence_number}

    # Nothing new (from == to): no rows, no new curated snapshot; the token repeats the
    # current one (the scheduler ends NoNewCuratedData), as on the DuckDB engine.
    r3 = curate(spark, tables, s2, s2)
    assert r3["records_written"] == 0
    assert r3["curated_snapshot_id"] == r2["curated_snapshot_id"]
    assert snapshot(spark, tables.curated, int(r3["curated_snapshot_id"])).summary[PROP_RAW_SEQ] == str(raw2.sequence_number)


def test_newest_version_wins_duplicates_out_of_order_and_ties(spark, tables):
    s1 = append_raw(
        spark,
        tables,
        [
            raw_of(event("dup", "2024-03-01T10:00:00Z", {"v": "first"}), T0_MS, "m1"),
            raw_of(event("dup", "2024-03-01T10:00:00Z", {"v": "first"}), T0_MS, "m1"),
            raw_of(event("ooo", "2024-03-01T11:00:00Z", {"v": "newer"}), T0_MS, "m2"),
            raw_of(event("tie", "2024-03-01T10:00:00Z", {"v": "earlier publish"}), T0_MS, "m3"),
            raw_of(event("tie", "2024-03-01T10:00:00Z", {"v": "later publish"}), T0_MS + 1000, "m4"),
            raw_of(event("tie2", "2024-03-01T10:00:00Z", {"v": "id a"}), T0_MS, "ma"),
            raw_of(event("tie2", "2024-03-01T10:00:00Z", {"v": "id b"}), T0_MS, "mb"),
        ],
    )
    curate(spark, tables, None, s1)
    # An older version of 'ooo' arrives later: it must not win.
    s2 = append_raw(spark, tables, [raw_of(event("ooo", "2024-03-01T09:00:00Z", {"v": "older"}), T0_MS + 5000, "m5")])
    r2 = curate(spark, tables, s1, s2)
    assert r2["records_written"] == 0
    rows = {r["idempotency_key"]: r["v"] for r in curated_rows(spark, tables)}
    assert rows == {"dup": "first", "ooo": "newer", "tie": "later publish", "tie2": "id b"}


def test_replaying_an_increment_changes_nothing(spark, tables):
    s1 = append_raw(
        spark,
        tables,
        [
            raw_of(event("a", "2024-03-01T10:00:00Z", {"v": 1}), T0_MS),
            raw_of(event("b", "2024-03-01T10:00:00Z", {"w": 2}), T0_MS),
        ],
    )
    curate(spark, tables, None, s1)
    before = curated_rows(spark, tables)
    files_before = {r.file_path for r in spark.sql(f"SELECT file_path FROM {tables.curated}.files").collect()}
    again = curate(spark, tables, None, s1)
    assert again["records_written"] == 0
    assert curated_rows(spark, tables) == before
    # The winners-only MERGE source means a replay rewrites no data file.
    assert {r.file_path for r in spark.sql(f"SELECT file_path FROM {tables.curated}.files").collect()} == files_before


def test_evolves_the_schema_with_contract_column_names(spark, tables):
    s1 = append_raw(spark, tables, [raw_of(event("a", "2024-03-01T10:00:00Z", {"temperature": 21.5}), T0_MS)])
    curate(spark, tables, None, s1)
    s2 = append_raw(
        spark,
        tables,
        [raw_of(event("b", "2024-03-01T10:00:00Z", {"Battery Level%": 80, "device_id": "shadow", "Ünïcode": "ü"}), T0_MS)],
    )
    curate(spark, tables, s1, s2)
    assert payload_columns(spark, tables) == ["temperature", "_n_code", "battery_level_", "payload_device_id"]
    b = next(r for r in curated_rows(spark, tables) if r["idempotency_key"] == "b")
    assert b["temperature"] is None
    assert (b["battery_level_"], b["payload_device_id"], b["_n_code"], b["device_id"]) == ("80", "shadow", "ü", "dev-1")
    types = {f.name: f.dataType.simpleString() for f in spark.table(tables.curated).schema.fields}
    assert {types[c] for c in payload_columns(spark, tables)} == {"string"}


def test_writes_values_as_the_contract_says(spark, tables):
    body = event(
        "a",
        "2024-03-01T10:00:00Z",
        {"s": 'text "q"', "n": 1.5, "i": 42, "big": 1e21, "t": True, "z": None, "o": {"x": [1, {"y": "ü"}]}, "arr": [1, "two"]},
    )
    s1 = append_raw(spark, tables, [raw_of(body, T0_MS)])
    curate(spark, tables, None, s1)
    [row] = curated_rows(spark, tables)
    assert {k: row[k] for k in ("s", "n", "i", "t", "z", "o", "arr")} == {
        "s": 'text "q"',
        "n": "1.5",
        "i": "42",
        "t": "true",
        "z": None,
        "o": '{"x":[1,{"y":"ü"}]}',
        "arr": '[1,"two"]',
    }
    assert float(row["big"]) == 1e21


def test_a_winning_version_without_a_key_blanks_that_column(spark, tables):
    s1 = append_raw(spark, tables, [raw_of(event("a", "2024-03-01T10:00:00Z", {"temperature": 20, "humidity": 40}), T0_MS)])
    curate(spark, tables, None, s1)
    s2 = append_raw(spark, tables, [raw_of(event("a", "2024-03-01T11:00:00Z", {"temperature": 22}), T0_MS + 1)])
    curate(spark, tables, s1, s2)
    [row] = curated_rows(spark, tables)
    assert (row["temperature"], row["humidity"]) == ("22", None)


def test_unparsable_json_payload_goes_to_rejects_without_failing(spark, tables):
    good = raw_of(event("good", "2024-03-01T10:00:00Z", {"v": 1}), T0_MS)
    s1 = append_raw(
        spark,
        tables,
        [
            good,
            {**good, "idempotency_key": "bad", "json_payload": "{not json", "source_message_id": "mx"},
            {**good, "idempotency_key": "arr", "json_payload": '{"payload":[1]}', "source_message_id": "my"},
        ],
    )
    result = curate(spark, tables, None, s1)
    assert (result["records_written"], result["records_rejected"]) == (1, 2)
    rejects = spark.sql(f"SELECT idempotency_key, reason, json_payload, _raw_seq FROM {tables.curated_rejects} ORDER BY 1").collect()
    assert [(r.idempotency_key, r.reason) for r in rejects] == [("arr", "invalid_payload"), ("bad", "invalid_payload")]
    assert rejects[1].json_payload == "{not json"
    assert {r._raw_seq for r in rejects} == {result["raw_seq"]}


def test_unknown_snapshot_fails_with_a_job_error(spark, tables):
    s1 = append_raw(spark, tables, [raw_of(event("a", "2024-03-01T10:00:00Z", {"v": 1}), T0_MS)])
    with pytest.raises(Exception, match=r"curation of telemetry \(123 → .*does not exist"):
        curate(spark, tables, 123, s1)


def test_a_run_that_dies_after_its_merge_is_retried_without_loss_or_double_rejects(spark, tables, monkeypatch):
    import lean_ops_jobs.curation as curation

    good = raw_of(event("good", "2024-03-01T10:00:00Z", {"v": 1}), T0_MS)
    s1 = append_raw(spark, tables, [good, {**good, "idempotency_key": "bad", "json_payload": "{not json", "source_message_id": "mx"}])
    real = curation.find_commit

    def crash(*args, **kwargs):  # the driver dies right after the MERGE committed
        raise RuntimeError("driver lost")

    monkeypatch.setattr(curation, "find_commit", crash)
    with pytest.raises(Exception, match="driver lost"):
        curate(spark, tables, None, s1)
    assert [r["idempotency_key"] for r in curated_rows(spark, tables)] == ["good"]
    assert spark.table(tables.curated_rejects).count() == 0

    monkeypatch.setattr(curation, "find_commit", real)
    retry = curate(spark, tables, None, s1)  # the scheduler retries the same range
    assert (retry["records_written"], retry["records_rejected"]) == (0, 1)
    assert [r["idempotency_key"] for r in curated_rows(spark, tables)] == ["good"]
    assert [r.idempotency_key for r in spark.table(tables.curated_rejects).collect()] == ["bad"]

"""Iceberg maintenance on Spark 3.5.6 + Iceberg 1.10.0 (Glue 5.1): compaction, merge-on-read
deletes folded, checkpoint-aware expiry, orphan removal, conflicts with a concurrent MERGE,
and the maintenance job's entry point. Tables are tiny: a few rows per commit."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid
from pathlib import Path

import maintenance_job
import pytest
from glue_support import T0_MS, append_raw, event, raw_of
from lean_ops_jobs import run_curation
from lean_ops_jobs.batch import read_batch
from lean_ops_jobs.ddl import TopicTables
from lean_ops_jobs.health import TableRef, table_health, topic_health
from lean_ops_jobs.iceberg import current_snapshot, java_table
from lean_ops_jobs.maintenance import (
    MIN_ORPHAN_AGE_SECONDS,
    MaintenanceConfigError,
    MaintenancePolicy,
    maintain_table,
    remove_orphans,
)
from lean_ops_jobs.results import read_result

# Everything old enough to expire: retention 0, so only the checkpoints protect snapshots.
EXPIRE_ALL = MaintenancePolicy(retention_seconds=0, min_input_files=2)


@pytest.fixture
def tables(spark, request) -> TopicTables:
    base = "m_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name.lower())[:60]
    for suffix in ("raw", "cur", "sem"):
        spark.sql(f"DROP NAMESPACE IF EXISTS lake.{base}_{suffix} CASCADE")
    return TopicTables(catalog="lake", topic="telemetry", raw_db=f"{base}_raw", curated_db=f"{base}_cur", semantic_db=f"{base}_sem")


def ref(t: TopicTables, layer: str) -> TableRef:
    db = {"raw": t.raw_db, "curated": t.curated_db}[layer]
    return TableRef(layer, t.catalog, db, f"{t.topic}_staging" if layer == "raw" else t.topic)


def appends(spark, t: TopicTables, keys: list[str], value: int = 1, publish_ms: int = T0_MS) -> list[int]:
    """One RAW snapshot per key (one small file each)."""
    return [append_raw(spark, t, [raw_of(event(k, "2024-03-01T10:00:00Z", {"v": value}), publish_ms)]) for k in keys]


def all_rows(spark, table: str) -> list[tuple]:
    df = spark.table(table)
    return sorted(tuple(r) for r in df.collect())


def curate(spark, t: TopicTables, start, end):
    return run_curation(spark, t.catalog, t.raw_db, t.curated_db, t.topic, start, end)


def snapshot_ids(spark, table: str) -> set[int]:
    return {int(r.snapshot_id) for r in spark.sql(f"SELECT snapshot_id FROM {table}.snapshots").collect()}


def test_compaction_reduces_files_keeps_rows_and_incremental_curation_skips_replace(spark, tables):
    first = appends(spark, tables, ["a", "b", "c", "d"])
    cur1 = curate(spark, tables, None, first[-1])
    rest = appends(spark, tables, ["e", "f", "g", "h"])
    raw = ref(tables, "raw")
    before_rows, before = all_rows(spark, tables.raw), table_health(spark, raw)

    out = maintain_table(spark, raw, EXPIRE_ALL, protected=[first[-1]])

    assert out["status"] == "done", out
    after = table_health(spark, raw)
    assert before["data_files"] >= 8 and after["data_files"] < before["data_files"], (before, after)
    assert after["small_files"] <= after["data_files"]
    assert all_rows(spark, tables.raw) == before_rows  # row by row
    replace = current_snapshot(spark, tables.raw)
    assert replace.operation == "replace"

    # The next curation reads (checkpoint, current] where current is the compaction's
    # replace snapshot: the append scan skips it, so a–d are not read again.
    cur2 = curate(spark, tables, first[-1], replace.snapshot_id)
    assert (cur1["records_written"], cur2["records_written"]) == (4, 4)
    keys = [r.idempotency_key for r in spark.table(tables.curated).collect()]
    assert sorted(keys) == list("abcdefgh")
    # The checkpoint and every snapshot after it survived the expiry; the older ones did not.
    kept = snapshot_ids(spark, tables.raw)
    assert {first[-1], *rest} <= kept
    assert not kept & set(first[:-1])


def test_expiry_keeps_every_snapshot_a_checkpoint_needs_and_removes_the_rest(spark, tables):
    raw_snaps = appends(spark, tables, ["a", "b", "c", "d", "e"])
    # Curated: one MERGE per RAW snapshot; the semantic checkpoint sits on the third.
    curated_snaps, start = [], None
    for s in raw_snaps:
        curated_snaps.append(int(curate(spark, tables, start, s)["curated_snapshot_id"]))
        start = s
    raw_cp, curated_cp = raw_snaps[3], curated_snaps[2]

    raw_out = maintain_table(spark, ref(tables, "raw"), EXPIRE_ALL, protected=[raw_cp])
    cur_out = maintain_table(spark, ref(tables, "curated"), EXPIRE_ALL, protected=[curated_cp])

    assert (raw_out["status"], cur_out["status"]) == ("done", "done"), (raw_out, cur_out)
    raw_kept = snapshot_ids(spark, tables.raw)
    assert set(raw_snaps[3:]) <= raw_kept and not raw_kept & set(raw_snaps[:3])
    cur_kept = snapshot_ids(spark, tables.curated)
    assert set(curated_snaps[2:]) <= cur_kept and not cur_kept & set(curated_snaps[:2])
    assert raw_out["actions"]["expire_snapshots"]["deleted_manifest_lists_count"] >= 3
    # Incremental reads from both checkpoints still work.
    more = appends(spark, tables, ["f"])
    assert curate(spark, tables, raw_cp, more[0])["records_written"] == 1


def test_expiry_with_an_unknown_checkpoint_expires_nothing(spark, tables):
    snaps = appends(spark, tables, ["a", "b", "c"])
    out = maintain_table(spark, ref(tables, "raw"), EXPIRE_ALL, protected=[123456789])
    assert out["status"] == "failed" and "123456789" in out["error"]
    assert "expire_snapshots" not in out["actions"]
    assert set(snaps) <= snapshot_ids(spark, tables.raw)


def test_orphan_removal_spares_files_of_a_write_in_progress(spark, tables):
    appends(spark, tables, ["a", "b"])
    raw = ref(tables, "raw")
    data_dir = Path(java_table(spark, tables.raw).location().removeprefix("file:")) / "data"
    in_progress = data_dir / f"00000-in-progress-{uuid.uuid4().hex}.parquet"
    abandoned = data_dir / f"00000-abandoned-{uuid.uuid4().hex}.parquet"
    for f in (in_progress, abandoned):
        f.write_bytes(b"PAR1 not yet committed")
    two_days_ago = time.time() - 2 * 86400
    os.utime(abandoned, (two_days_ago, two_days_ago))
    live_rows = all_rows(spark, tables.raw)

    removed = remove_orphans(spark, raw, MIN_ORPHAN_AGE_SECONDS, dt.datetime.now(dt.timezone.utc))

    assert removed == 1
    assert in_progress.exists() and not abandoned.exists()
    assert all_rows(spark, tables.raw) == live_rows
    # Iceberg 1.10 refuses older_than under 24 h, and so does the policy, before any call.
    with pytest.raises(Exception, match="(?i)24 hours|older than"):
        one_hour_ago = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
        spark.sql(f"CALL lake.system.remove_orphan_files(table => '{raw.ident}', older_than => TIMESTAMP '{one_hour_ago}+00:00')").collect()
    with pytest.raises(MaintenanceConfigError, match="orphan_older_than_seconds"):
        MaintenancePolicy(orphan_older_than_seconds=3600)
    with pytest.raises(MaintenanceConfigError, match="retain_last"):
        MaintenancePolicy(retain_last=0)


def test_merge_concurrent_with_compaction_is_retried_and_deletes_are_folded(spark, tables):
    # Curated is merge-on-read: each update MERGE adds a position delete file.
    start = None
    for i, keys in enumerate([["a", "b"], ["c", "d"], ["a"], ["b"]]):
        s = append_raw(spark, tables, [raw_of(event(k, f"2024-03-01T10:0{i}:00Z", {"v": i}), T0_MS + i) for k in keys])
        curate(spark, tables, start, s)
        start = s
    cur = ref(tables, "curated")
    assert table_health(spark, cur)["delete_files"] > 0

    # The maintenance session has loaded the table (as a Glue maintenance run does at its
    # start); then a curation MERGE commits from another session before compaction commits.
    # It updates "a", whose files carry deletes: compaction rewrites them, and its commit
    # then finds a new delete on a file it replaced (Iceberg's ValidationException; partial
    # progress commits the other groups, and max-failed-commits 0 makes the loss raise).
    maint = spark.newSession()
    table_health(maint, cur)
    s = append_raw(spark, tables, [raw_of(event("a", "2024-03-01T11:00:00Z", {"v": 99}), T0_MS + 99)])
    assert curate(spark, tables, start, s)["records_written"] == 1

    lost = maintain_table(maint, cur, MaintenancePolicy(min_input_files=2))
    assert lost["status"] == "retry_later", lost
    assert "rewrite commits failed" in lost["error"]
    # Partial progress: the file groups without a conflict were committed all the same.
    assert lost["health_after"]["data_files"] < lost["health_before"]["data_files"]
    assert "expire_snapshots" not in lost["actions"]

    # The MERGE's result stands; the next maintenance run (a fresh session) succeeds.
    expected = all_rows(spark, tables.curated)
    assert {r.idempotency_key: r.v for r in spark.table(tables.curated).collect()}["a"] == "99"
    retried = maintain_table(spark.newSession(), cur, MaintenancePolicy(min_input_files=2))
    assert retried["status"] == "done", retried
    assert retried["health_before"]["delete_files"] > 0
    assert retried["health_after"]["delete_files"] == 0
    assert retried["health_after"]["data_files"] < retried["health_before"]["data_files"]
    spark.sql(f"REFRESH TABLE {tables.curated}")
    assert all_rows(spark, tables.curated) == expected


def test_maintenance_job_entry_point_dry_run_and_result_document(spark, tables, tmp_path):
    snaps = appends(spark, tables, ["a", "b", "c"])
    cur = curate(spark, tables, None, snaps[-1])
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps({"job": "maintenance", "topics": [
        {"topic": "telemetry", "raw_checkpoint": str(snaps[-1]), "curated_checkpoint": cur["curated_snapshot_id"]}]}))
    common = ["maintenance_job.py", "--catalog", "lake", "--raw_db", tables.raw_db, "--curated_db", tables.curated_db,
              "--semantic_db", tables.semantic_db, "--result_uri", str(tmp_path / "results"), "--batch_uri", str(batch),
              "--retention_seconds", "0", "--min_input_files", "2"]

    maintenance_job.main([*common, "--dry_run", "true", "--JOB_RUN_ID", "jr_dry"], spark=spark)
    dry = read_result(str(tmp_path / "results"), "jr_dry")
    (topic,) = dry["topics"]
    by_layer = {t["layer"]: t for t in topic["tables"]}
    assert topic["ok"] and by_layer["raw"]["status"] == "dry_run"
    assert by_layer["raw"]["actions"]["would_expire_snapshots"] == 2
    assert by_layer["semantic"]["status"] == "skipped"  # no semantic run yet
    assert snapshot_ids(spark, tables.raw) >= set(snaps)  # nothing changed

    maintenance_job.main([*common, "--JOB_RUN_ID", "jr_run"], spark=spark)
    done = {t["layer"]: t for t in read_result(str(tmp_path / "results"), "jr_run")["topics"][0]["tables"]}
    assert done["raw"]["status"] == "done" and done["curated"]["status"] == "done"
    assert done["raw"]["health_after"]["data_files"] < done["raw"]["health_before"]["data_files"]
    assert not snapshot_ids(spark, tables.raw) & set(snaps[:-1])
    health = {h["layer"]: h for h in topic_health(spark, tables)}
    assert health["raw"]["exists"] and not health["semantic"]["exists"]
    assert health["raw"]["snapshots"] == done["raw"]["health_after"]["snapshots"]
    with pytest.raises(ValueError, match="--retain_last"):
        maintenance_job.policy_of({"retain_last": "one"})


def test_maintenance_batch_is_read_by_the_shared_batch_reader_with_its_checkpoint_check(tmp_path):
    def batch_file(name, document):
        path = tmp_path / name
        path.write_text(json.dumps(document))
        return str(path)

    entry = {"topic": "a", "raw_checkpoint": "9223372036854775807", "curated_checkpoint": None}
    good = batch_file("good.json", {"job": "maintenance", "topics": [entry]})
    assert read_batch(good, "maintenance", topic_problem=maintenance_job.checkpoints_problem) == [entry]
    # The default check is the curation/semantic one: a maintenance entry has no to_snapshot.
    with pytest.raises(ValueError, match=r"topics\[0\] needs a string to_snapshot"):
        read_batch(good, "maintenance")
    numeric = batch_file("numeric.json", {"job": "maintenance", "topics": [{**entry, "curated_checkpoint": 5}]})
    with pytest.raises(ValueError, match=r"topics\[0\]\.curated_checkpoint must be a snapshot id as text or null"):
        read_batch(numeric, "maintenance", topic_problem=maintenance_job.checkpoints_problem)
    with pytest.raises(ValueError, match="not a maintenance batch"):
        read_batch(batch_file("curation.json", {"job": "curation", "topics": [entry]}), "maintenance")

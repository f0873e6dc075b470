"""`npm run bench:spark` at a small size: its JSON line, and what an increment does to the
tables (snapshot summaries), which does not depend on timing. The full size runs alone
(`npm run bench:spark`); its figures are in docs/lake.md."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from lean_ops_jobs.ddl import TopicTables

ROOT = Path(__file__).resolve().parents[2]
ROWS, INCREMENT = 2_000, 400


def load_bench():
    spec = importlib.util.spec_from_file_location("spark_bench", ROOT / "jobs" / "glue" / "bench" / "spark_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_prints_one_json_line_and_increments_rewrite_no_data_file(spark, capsys):
    bench = load_bench()
    env = {"BENCH_ROWS": str(ROWS), "BENCH_INCREMENT": str(INCREMENT), "BENCH_CORES": "2"}
    bench.main(env, spark=spark, namespace="bench_small")

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    out = json.loads(lines[0])
    assert (out["bench"], out["rows"], out["increment"], out["dpu"]) == ("spark", ROWS, INCREMENT, 0.5)
    assert out["load"]["rows"] == ROWS and out["load"]["curation_rows_per_s"] > 0

    fresh, newer = round(INCREMENT * 0.7), round(INCREMENT * 0.1)
    assert [i["curated_rows"] for i in out["increments"]] == [ROWS, 2 * ROWS, 4 * ROWS]
    for inc in out["increments"]:
        assert inc["written"] == fresh + newer
        for layer in ("curated", "semantic"):
            summary = inc[layer]
            # Merge-on-read: the replaced versions become position deletes; no data file is
            # rewritten, however large the table, and only the written rows are added.
            assert summary["removed_data_files"] == 0, (layer, inc)
            assert summary["added_position_deletes"] == newer, (layer, inc)
            assert summary["added_records"] == fresh + newer, (layer, inc)
            assert summary["added_delete_files"] > 0, (layer, inc)
    assert out["increments"][-1]["curated"]["total_delete_files"] > out["increments"][0]["curated"]["total_delete_files"]
    assert set(out["growth"]) >= {"curation_ratio", "semantic_ratio"} and out["growth"]["to_rows"] == 4 * ROWS
    assert out["rows_per_dpu_s"]["increment"] > 0

    # One row per key in both layers, the newer versions in place.
    t = TopicTables(catalog="lake", topic="telemetry", raw_db="bench_small_raw", curated_db="bench_small_cur",
                    semantic_db="bench_small_sem")
    expected = 4 * ROWS + fresh
    for table in (t.curated, t.semantic):
        counts = spark.sql(f"SELECT count(*) AS n, count(DISTINCT idempotency_key) AS k FROM {table}").first()
        assert (counts.n, counts.k) == (expected, expected), table
    # The last increment's newer versions (minute = its run number) replaced keys spread
    # over the whole key range, the oldest included.
    spread = spark.sql(
        f"SELECT min(CAST(substr(idempotency_key, 2) AS BIGINT)) AS lo, max(CAST(substr(idempotency_key, 2) AS BIGINT)) AS hi"
        f" FROM {t.curated} WHERE event_timestamp = (SELECT max(event_timestamp) FROM {t.curated})"
        f" AND CAST(substr(idempotency_key, 2) AS BIGINT) < {4 * ROWS}"
    ).first()
    assert spread.lo == 0 and spread.hi >= 3 * ROWS


def test_bench_config_names_the_bad_variable():
    bench = load_bench()
    with pytest.raises(bench.BenchConfigError, match="BENCH_ROWS='many'"):
        bench.config({"BENCH_ROWS": "many"})
    with pytest.raises(bench.BenchConfigError, match="BENCH_INCREMENT=0 must be positive"):
        bench.config({"BENCH_INCREMENT": "0"})
    with pytest.raises(bench.BenchConfigError, match="exceed BENCH_ROWS=1000"):
        bench.config({"BENCH_ROWS": "1000"})
    assert bench.config({"BENCH_ROWS": "1_000", "BENCH_INCREMENT": "100"})["rows"] == 1000

"""`npm run bench:spark`: the curation and semantic jobs on local Spark + Iceberg (the Glue
engine), through ``run_curation`` / ``run_semantic``, the functions the Glue entry points call.

Phases (sizes from the environment; defaults are the full size):

* load: ``BENCH_ROWS`` (1,000,000) RAW rows, one version per key, into an empty curated
  table, then the semantic job over them;
* increments of ``BENCH_INCREMENT`` (100,000) RAW rows into a curated table of 1×, 2× and
  4× ``BENCH_ROWS`` rows, each followed by the semantic job. An increment has the data shape
  of ``packages/lake/bench/lake-bench.ts``: 70 % new keys, 10 % newer versions of stored
  keys spread evenly over the whole key range, 20 % exact duplicates of the new rows; all in
  one period (``2024-03``) and one publish day. Between the sizes the table grows by a fill
  (new keys only, through the same jobs, timed but not the subject).

Per increment: seconds and rows/s of each job, and the curated and semantic MERGE
snapshots' summaries (data files and delete files added and removed, records), so the
work an increment does can be compared with the table it lands in. ``growth`` gives the
increment's time at 4× over its time at 1× (1.0 = the cost follows the increment only).

``rows_per_dpu_s``: RAW rows of the largest increment over (curation + semantic seconds) ×
DPUs, where DPUs = local cores / 4 (one Glue DPU (G.1X worker) = 4 vCPU, 16 GB); the local
Spark runs driver and executors on those cores. Input for the cost model.

Environment: BENCH_ROWS, BENCH_INCREMENT, BENCH_CORES (2), BENCH_DRIVER_MEMORY (4g),
BENCH_WAREHOUSE (a temporary folder, removed after the run), LEAN_OPS_ICEBERG_JAR.
Progress on stderr; stdout gets one JSON line.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Mapping

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE.parent))  # jobs/glue: lean_ops_jobs

from lean_ops_jobs import run_curation, run_semantic  # noqa: E402
from lean_ops_jobs.ddl import TopicTables, ensure_raw_table  # noqa: E402
from lean_ops_jobs.iceberg import current_snapshot, snapshot  # noqa: E402
from lean_ops_jobs.sql import spark_dialect  # noqa: E402

# Keep in sync with scripts/provision.sh and tests/spark/conftest.py.
ICEBERG_JAR = ROOT / ".cache" / "jars" / "iceberg-spark-runtime-3.5_2.12-1.10.0.jar"
CATALOG = "lake"
#: vCPUs of one Glue DPU (a G.1X worker: 4 vCPU, 16 GB).
VCPU_PER_DPU = 4
SCALES = (1, 2, 4)
FRESH_SHARE, NEWER_SHARE = 0.7, 0.1  # the rest of an increment: duplicates

SCHEMA = {
    "topic": "telemetry",
    "version": 1,
    "columns": [
        {"name": "temperature", "type": "double", "required": True},
        {"name": "humidity", "type": "long"},
        {"name": "status", "type": "string"},
    ],
}

#: Snapshot summary properties reported per MERGE (absent ones read as 0).
SUMMARY_KEYS = {
    "added-data-files": "added_data_files",
    "deleted-data-files": "removed_data_files",
    "added-delete-files": "added_delete_files",
    "removed-delete-files": "removed_delete_files",
    "added-records": "added_records",
    "deleted-records": "removed_records",
    "added-position-deletes": "added_position_deletes",
    "total-data-files": "total_data_files",
    "total-delete-files": "total_delete_files",
}


class BenchConfigError(ValueError):
    """A BENCH_* environment variable that is not usable; the message names it."""


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, str(default)).replace("_", "")
    try:
        value = int(text)
    except ValueError:
        raise BenchConfigError(f"{name}={env.get(name)!r} is not an integer") from None
    if value <= 0:
        raise BenchConfigError(f"{name}={value} must be positive")
    return value


def config(env: Mapping[str, str]) -> dict[str, Any]:
    rows = _positive_int(env, "BENCH_ROWS", 1_000_000)
    increment = _positive_int(env, "BENCH_INCREMENT", 100_000)
    cores = _positive_int(env, "BENCH_CORES", 2)
    newer = round(increment * NEWER_SHARE)
    if newer > rows:
        raise BenchConfigError(f"BENCH_INCREMENT={increment}: its newer versions ({newer}) exceed BENCH_ROWS={rows}")
    return {
        "rows": rows,
        "increment": increment,
        "cores": cores,
        "driver_memory": env.get("BENCH_DRIVER_MEMORY", "4g"),
        "warehouse": env.get("BENCH_WAREHOUSE"),
    }


def log(line: str) -> None:
    sys.stderr.write(f"bench:spark: {line}\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------- data


def _raw_select(start: int, end: int, minute: int, second: int, key_of: str = "id") -> str:
    """RAW rows for ``range(start, end)``; the key number is ``key_of`` (an expression of
    ``id``). Versions are ordered by ``minute`` (event time), then ``second`` (publish
    time); timestamps go through RAW's wire form (epoch µs) and the dialect's decoding."""
    d = spark_dialect()
    event_us = f"CAST(1709287200000000 + {minute} * 60000000 AS BIGINT)"  # 2024-03-01T10:00Z
    publish_us = f"CAST(1709294400000000 + {second} * 1000000 AS BIGINT)"  # 2024-03-01T12:00Z
    return f"""
      SELECT 'telemetry' AS topic, concat('k', i) AS idempotency_key, concat('dev-', i % 5000) AS device_id,
        {d.timestamp_of_micros(event_us)} AS event_timestamp,
        {d.timestamp_of_micros(publish_us)} AS publish_time,
        '2024-03' AS period_reference,
        to_json(named_struct('topic', 'telemetry', 'device_id', concat('dev-', i % 5000), 'event_timestamp', 0,
          'payload', named_struct('temperature', CAST(15 + (i % 200) / 10.0 AS DOUBLE), 'humidity', i % 100,
                                  'status', CASE WHEN i % 97 = 0 THEN 'warn' ELSE 'ok' END))) AS json_payload,
        {d.timestamp_of_micros(f'{publish_us} + 5000000')} AS ingested_at,
        concat('msg-', i, '-', {minute}) AS source_message_id
      FROM (SELECT {key_of} AS i FROM range({start}, {end})) AS keys"""


def _append_raw(spark, tables: TopicTables, select: str) -> int:
    """One RAW snapshot (a Firehose commit) of the rows of ``select``; returns its id."""
    spark.sql(select).writeTo(tables.raw).append()
    return current_snapshot(spark, tables.raw).snapshot_id


def _summary(spark, table: str, snapshot_id: str) -> dict[str, int]:
    s = snapshot(spark, table, int(snapshot_id)).summary
    return {name: int(s.get(key, "0")) for key, name in SUMMARY_KEYS.items()}


# --------------------------------------------------------------------------- run


class _Pipeline:
    """The scheduler's part: checkpoints carried from run to run, each job timed."""

    def __init__(self, spark, tables: TopicTables):
        self.spark, self.t = spark, tables
        self.raw_checkpoint: int | None = None
        self.curated_checkpoint: str | None = None
        self.next_key = 0
        self.run = 0

    def _timed(self, fn: Callable[[], dict]) -> tuple[dict, float]:
        started = time.perf_counter()
        result = fn()
        return result, time.perf_counter() - started

    def cycle(self, select: str) -> dict[str, Any]:
        spark, t = self.spark, self.t
        raw = _append_raw(spark, t, select)
        cur, cur_s = self._timed(
            lambda: run_curation(spark, t.catalog, t.raw_db, t.curated_db, t.topic, self.raw_checkpoint, raw)
        )
        sem, sem_s = self._timed(
            lambda: run_semantic(
                spark, t.catalog, t.curated_db, t.semantic_db, t.topic, self.curated_checkpoint, cur["curated_snapshot_id"], SCHEMA
            )
        )
        self.raw_checkpoint, self.curated_checkpoint = raw, cur["curated_snapshot_id"]
        return {"curation": cur, "curation_s": cur_s, "semantic": sem, "semantic_s": sem_s}

    def load(self, count: int) -> dict[str, Any]:
        """``count`` new keys, one version each."""
        self.run += 1
        start = self.next_key
        self.next_key += count
        return self.cycle(_raw_select(start, self.next_key, minute=0, second=self.run))

    def increment(self, size: int) -> tuple[dict[str, Any], int]:
        """New keys, newer versions of stored keys spread over the key range, duplicates."""
        self.run += 1
        fresh, newer = round(size * FRESH_SHARE), round(size * NEWER_SHARE)
        dups = size - fresh - newer
        stored, start = self.next_key, self.next_key
        self.next_key += fresh
        select = " UNION ALL ".join(
            [
                _raw_select(start, start + fresh, minute=self.run, second=self.run),
                _raw_select(0, newer, minute=self.run, second=self.run, key_of=f"id * {stored // newer}"),
                _raw_select(start, start + dups, minute=self.run, second=self.run),
            ]
        )
        return self.cycle(select), fresh + newer


def _rate(rows: int, seconds: float) -> int:
    return round(rows / seconds) if seconds > 0 else 0


def bench(spark, cfg: Mapping[str, Any], namespace: str = "bench") -> dict[str, Any]:
    """Runs every phase in ``CATALOG``'s namespaces ``<namespace>_{raw,cur,sem}``."""
    tables = TopicTables(
        catalog=CATALOG, topic="telemetry", raw_db=f"{namespace}_raw", curated_db=f"{namespace}_cur", semantic_db=f"{namespace}_sem"
    )
    for db in (tables.raw_db, tables.curated_db, tables.semantic_db):
        spark.sql(f"DROP NAMESPACE IF EXISTS {CATALOG}.{db} CASCADE")
    ensure_raw_table(spark, tables)
    rows, size = cfg["rows"], cfg["increment"]
    p = _Pipeline(spark, tables)
    started = time.perf_counter()

    load = p.load(rows)
    log(f"load: {rows} rows, curation {load['curation_s']:.1f} s, semantic {load['semantic_s']:.1f} s")
    phases: dict[str, Any] = {
        "load": {
            "rows": rows,
            "curation_s": round(load["curation_s"], 2),
            "curation_rows_per_s": _rate(rows, load["curation_s"]),
            "semantic_s": round(load["semantic_s"], 2),
            "semantic_rows_per_s": _rate(rows, load["semantic_s"]),
        }
    }
    increments, fills = [], []
    for scale in SCALES:
        target = rows * scale
        if p.next_key < target:
            fill = p.load(target - p.next_key)
            fills.append({"rows": fill["curation"]["records_written"], "curation_s": round(fill["curation_s"], 2),
                          "semantic_s": round(fill["semantic_s"], 2)})
            log(f"fill to {target}: curation {fill['curation_s']:.1f} s, semantic {fill['semantic_s']:.1f} s")
        curated_rows = p.next_key
        result, expected = p.increment(size)
        cur, sem = result["curation"], result["semantic"]
        if cur["records_written"] != expected:
            raise RuntimeError(f"increment at {curated_rows} curated rows wrote {cur['records_written']}, expected {expected}")
        entry = {
            "curated_rows": curated_rows,
            "raw_rows": size,
            "written": cur["records_written"],
            "curation_s": round(result["curation_s"], 2),
            "curation_rows_per_s": _rate(size, result["curation_s"]),
            "semantic_s": round(result["semantic_s"], 2),
            "semantic_rows_per_s": _rate(cur["records_written"], result["semantic_s"]),
            "curated": _summary(spark, tables.curated, cur["curated_snapshot_id"]),
            "semantic": _summary(spark, tables.semantic, sem["semantic_snapshot_id"]),
        }
        increments.append(entry)
        log(
            f"increment into {curated_rows} rows: curation {entry['curation_s']} s "
            f"(data files +{entry['curated']['added_data_files']}/-{entry['curated']['removed_data_files']}, "
            f"delete files +{entry['curated']['added_delete_files']}), semantic {entry['semantic_s']} s "
            f"(data files +{entry['semantic']['added_data_files']}/-{entry['semantic']['removed_data_files']})"
        )

    first, last = increments[0], increments[-1]
    dpu = cfg["cores"] / VCPU_PER_DPU
    millions = (last["curated_rows"] - first["curated_rows"]) / 1e6
    return {
        "bench": "spark",
        "rows": rows,
        "increment": size,
        "cores": cfg["cores"],
        "dpu": dpu,
        "dpu_rule": f"local cores / {VCPU_PER_DPU} (one Glue DPU = {VCPU_PER_DPU} vCPU, 16 GB)",
        **phases,
        "fills": fills,
        "increments": increments,
        "growth": {
            "from_rows": first["curated_rows"],
            "to_rows": last["curated_rows"],
            "curation_ratio": round(last["curation_s"] / first["curation_s"], 3),
            "semantic_ratio": round(last["semantic_s"] / first["semantic_s"], 3),
            "curation_s_per_million_rows": round((last["curation_s"] - first["curation_s"]) / millions, 2),
            "semantic_s_per_million_rows": round((last["semantic_s"] - first["semantic_s"]) / millions, 2),
        },
        "rows_per_dpu_s": {
            "increment": _rate(size, (last["curation_s"] + last["semantic_s"]) * dpu),
            "load": _rate(rows, (load["curation_s"] + load["semantic_s"]) * dpu),
        },
        "total_s": round(time.perf_counter() - started, 1),
    }


def spark_session(cfg: Mapping[str, Any], warehouse: Path):
    jar = Path(os.environ.get("LEAN_OPS_ICEBERG_JAR", ICEBERG_JAR))
    if not jar.is_file():
        raise SystemExit(f"bench:spark: the Iceberg Spark runtime jar is missing ({jar}): run `npm run provision` first")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise SystemExit("bench:spark: java (>= 17) is not on PATH: run `npm run provision` first")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    cores = cfg["cores"]
    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("lean-ops-bench-spark")
        .config("spark.jars", str(jar))
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
        .config(f"spark.sql.catalog.{CATALOG}", "org.apache.iceberg.spark.SparkCatalog")
        .config(f"spark.sql.catalog.{CATALOG}.type", "hadoop")
        .config(f"spark.sql.catalog.{CATALOG}.warehouse", str(warehouse / "iceberg"))
        .config("spark.driver.memory", cfg["driver_memory"])
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(cores * 2))
        .config("spark.default.parallelism", str(cores))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(warehouse / "spark-warehouse"))
        .config("spark.local.dir", str(warehouse / "local"))
        .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={warehouse}")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("WARN")
    return spark


def main(env: Mapping[str, str] | None = None, spark=None, namespace: str = "bench") -> dict[str, Any]:
    """Runs the bench and prints its JSON line; with ``spark`` given (tests), that session
    and its ``lake`` catalog are used and kept."""
    cfg = config(os.environ if env is None else env)
    log(f"{cfg['rows']} rows, increments of {cfg['increment']}, local[{cfg['cores']}]")
    if spark is not None:
        summary = bench(spark, cfg, namespace)
    else:
        own = cfg["warehouse"] is None
        warehouse = Path(tempfile.mkdtemp(prefix="bench-spark-")) if own else Path(cfg["warehouse"])
        session = spark_session(cfg, warehouse)
        try:
            summary = bench(session, cfg, namespace)
        finally:
            session.stop()
            if own:
                shutil.rmtree(warehouse, ignore_errors=True)
    sys.stdout.write(json.dumps(summary, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    return summary


if __name__ == "__main__":
    main()

"""Conformance between the lake engines: the same fixture through DuckDB (TypeScript,
tests/conformance/run-duckdb.ts) and through Spark + Iceberg (jobs/glue), outputs compared
row by row.

Fixtures (tests/conformance/fixtures/*.json) are written compactly; ``expand_fixture``
turns every row into a complete RAW record (json_payload as text) once, and both engines
read that expanded file, so they see the same bytes.

Comparison rules: rows sorted by idempotency_key (then by their whole normalised content);
ingested_at, rejected_at, _raw_seq and snapshot ids ignored; timestamps as UTC microseconds;
typed semantic values by their declared type; curated text that is a JSON number on both
sides compared as a number, JSON objects/arrays compared parsed (numbers as numbers).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import subprocess
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from glue_support import RAW_FIELDS, append_raw
from lean_ops_jobs import run_curation, run_semantic
from lean_ops_jobs.ddl import TopicTables

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "conformance" / "fixtures"
RUNNER = ROOT / "tests" / "conformance" / "run-duckdb.ts"
IGNORED = {"ingested_at", "rejected_at", "_raw_seq"}
TIMESTAMP_COLUMNS = {"event_timestamp", "publish_time", "ingested_at", "rejected_at"}
DUCKDB_TIMEOUT_S = 180

_JSON_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\Z")


# --------------------------------------------------------------------------- fixtures


def fixture_paths() -> list[Path]:
    return sorted(FIXTURES.glob("*.json"))


def load_fixture(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def expand_row(topic: str, batch: int, index: int, row: dict[str, Any]) -> dict[str, str]:
    """A complete RAW record from a fixture row (defaults: device dev-1, publish_time =
    event_timestamp, period_reference = its month, ingested_at = publish_time, json_payload
    = the message body built from the row)."""
    et = row["event_timestamp"]
    out = {
        "topic": row.get("topic", topic),
        "idempotency_key": row["idempotency_key"],
        "device_id": row.get("device_id", "dev-1"),
        "event_timestamp": et,
        "publish_time": row.get("publish_time", et),
        "period_reference": row.get("period_reference", et[:7]),
        "source_message_id": row.get("source_message_id", f"m{batch:02d}{index:04d}"),
    }
    out["ingested_at"] = row.get("ingested_at", out["publish_time"])
    if "json_payload" in row:
        out["json_payload"] = row["json_payload"]
    else:
        body = {
            "topic": out["topic"],
            "device_id": out["device_id"],
            "event_timestamp": et,
            "idempotency_key": out["idempotency_key"],
            **({"period_reference": row["period_reference"]} if "period_reference" in row else {}),
            "payload": row["payload"],
        }
        out["json_payload"] = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return {f: out[f] for f in RAW_FIELDS}


def expand_fixture(fixture: dict[str, Any]) -> dict[str, Any]:
    topic = fixture["topic"]
    return {
        "name": fixture["name"],
        "topic": topic,
        "schema": fixture.get("schema"),
        "batches": [[expand_row(topic, b, i, row) for i, row in enumerate(batch)] for b, batch in enumerate(fixture["batches"])],
    }


# --------------------------------------------------------------------------- DuckDB side


class DuckDbRuns:
    """Runs every fixture through run-duckdb.ts in the background (one at a time, started
    when the session collects the conformance tests), so the Node + DuckDB work overlaps
    the Spark tests instead of adding to them. ``rebuild`` runs it with ``--rebuild`` (the
    lake after a full rebuild of its layers)."""

    _instance: "DuckDbRuns | None" = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="conformance-"))
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="duckdb-conformance")
        self._futures: dict[tuple[str, bool], Future] = {}

    @classmethod
    def get(cls) -> "DuckDbRuns":
        with cls._lock:
            if cls._instance is None:
                cls._instance = DuckDbRuns()
            return cls._instance

    def start(self, path: Path, rebuild: bool = False) -> None:
        if (path.name, rebuild) not in self._futures:
            self._futures[(path.name, rebuild)] = self._pool.submit(self._run, path, rebuild)

    def result(self, path: Path, rebuild: bool = False) -> dict[str, Any]:
        self.start(path, rebuild)
        return self._futures[(path.name, rebuild)].result(timeout=DUCKDB_TIMEOUT_S + 30)

    def _run(self, path: Path, rebuild: bool) -> dict[str, Any]:
        expanded = self._dir / path.name
        if not expanded.exists():
            expanded.write_text(json.dumps(expand_fixture(load_fixture(path)), ensure_ascii=False), encoding="utf-8")
        proc = subprocess.run(
            ["node", "--import", "tsx", str(RUNNER.relative_to(ROOT)), str(expanded), *(["--rebuild"] if rebuild else [])],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=DUCKDB_TIMEOUT_S,
            env={**os.environ, "NODE_NO_WARNINGS": "1"},
        )
        if proc.returncode != 0:
            flag = " --rebuild" if rebuild else ""
            raise RuntimeError(f"run-duckdb.ts{flag} failed on {path.name} (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
        return json.loads(proc.stdout)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for f in self._dir.glob("*"):
            f.unlink()
        self._dir.rmdir()


# --------------------------------------------------------------------------- Spark side

_SPARK_TS_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'"


def _dump(spark, table: str) -> dict[str, Any] | None:
    if not spark.catalog.tableExists(table.replace("`", "")):
        return None
    df = spark.table(table)
    select = [
        f"date_format(`{f.name}`, \"{_SPARK_TS_FORMAT}\") AS `{f.name}`" if f.dataType.typeName() == "timestamp" else f"`{f.name}`"
        for f in df.schema.fields
    ]
    rows = [r.asDict() for r in df.selectExpr(*select).collect()]
    return {"columns": df.columns, "rows": rows}


def run_spark(spark, fixture: dict[str, Any], prefix: str, rebuild: bool = False) -> dict[str, Any]:
    """The fixture through the Spark engine; with ``rebuild``, then a full rebuild of its
    layers (as run-duckdb.ts --rebuild)."""
    expanded = expand_fixture(fixture)
    topic, schema = expanded["topic"], expanded["schema"]
    for suffix in ("raw", "cur", "sem"):
        spark.sql(f"DROP NAMESPACE IF EXISTS lake.{prefix}_{suffix} CASCADE")
    tables = TopicTables("lake", topic, raw_db=f"{prefix}_raw", curated_db=f"{prefix}_cur", semantic_db=f"{prefix}_sem")
    steps, raw, curated, undeclared = [], None, None, None
    for b, batch in enumerate(expanded["batches"]):
        snap = append_raw(spark, tables, batch)
        curation = run_curation(spark, "lake", tables.raw_db, tables.curated_db, topic, raw, snap)
        raw = snap
        semantic = None
        if schema:
            semantic = run_semantic(spark, "lake", tables.curated_db, tables.semantic_db, topic, curated, curation["curated_snapshot_id"], schema)
            undeclared = semantic["undeclared_columns"]
        curated = curation["curated_snapshot_id"]
        steps.append({"batch": b, "curation": curation, "semantic": semantic})
    out = _spark_output(spark, fixture, tables, steps, undeclared)
    out["raw_snapshot"] = raw
    return rebuild_spark(spark, fixture, out) if rebuild else out


def rebuild_spark(spark, fixture: dict[str, Any], built: dict[str, Any]) -> dict[str, Any]:
    """A full rebuild of the lake ``run_spark`` left (``built``): curated from RAW up to its
    head, then, with a schema, semantic up to the curated snapshot that rebuild committed.
    The output has ``built``'s steps (as run-duckdb.ts --rebuild)."""
    tables, schema, topic = built["tables"], fixture.get("schema"), fixture["topic"]
    curation = run_curation(spark, "lake", tables.raw_db, tables.curated_db, topic, None, built["raw_snapshot"], rebuild=True)
    undeclared = built["undeclared_columns"]
    if schema:
        semantic = run_semantic(
            spark, "lake", tables.curated_db, tables.semantic_db, topic, None, curation["curated_snapshot_id"], schema, rebuild=True
        )
        undeclared = semantic["undeclared_columns"]
    out = _spark_output(spark, fixture, tables, built["steps"], undeclared)
    out["raw_snapshot"] = built["raw_snapshot"]
    return out


def _spark_output(spark, fixture: dict[str, Any], tables: TopicTables, steps: list, undeclared) -> dict[str, Any]:
    schema = fixture.get("schema")
    return {
        "engine": "spark",
        "fixture": fixture["name"],
        "steps": steps,
        "curated": _dump(spark, tables.curated),
        "curated_rejects": _dump(spark, tables.curated_rejects),
        "semantic": _dump(spark, tables.semantic) if schema else None,
        "semantic_rejects": _dump(spark, tables.semantic_rejects) if schema else None,
        "undeclared_columns": undeclared,
        "tables": tables,
    }


# --------------------------------------------------------------------------- normalising


def ts_micros(value: Any) -> int | None:
    """UTC microseconds of a timestamp written as text by either engine."""
    if value is None:
        return None
    text = str(value).strip().replace(" ", "T", 1)
    m = re.match(r"^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?\Z", text)
    if not m:
        raise ValueError(f"not a timestamp: {value!r}")
    y, mo, d, h, mi, s, frac, off = m.groups()
    base = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=dt.timezone.utc)
    micros = int((frac or "").ljust(6, "0")[:6] or 0)
    offset = 0
    if off and off != "Z":
        sign = -1 if off[0] == "-" else 1
        digits = off[1:].replace(":", "")
        offset = sign * (int(digits[:2]) * 3600 + int(digits[2:4] or 0) * 60)
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    return ((base - epoch) // dt.timedelta(seconds=1) - offset) * 1_000_000 + micros


def _as_float(value: Any) -> float:
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("inf", "infinity", "+infinity"):
            return math.inf
        if low in ("-inf", "-infinity"):
            return -math.inf
        if low == "nan":
            return math.nan
    return float(value)


def _canon_text(value: Any) -> Any:
    """A curated STRING value, with number and JSON spellings normalised."""
    if value is None:
        return None
    if not isinstance(value, str):
        return ("other", repr(value))
    if _JSON_NUMBER.match(value):
        return ("number", float(value))
    if value[:1] in ("{", "["):
        try:
            return ("json", json.loads(value, parse_int=float))
        except ValueError:
            pass
    return ("text", value)


def _canon_typed(value: Any, semantic_type: str) -> Any:
    if value is None:
        return None
    if semantic_type == "long":
        return ("long", int(value))
    if semantic_type == "double":
        f = _as_float(value)
        return ("double", "nan" if math.isnan(f) else f)
    if semantic_type == "boolean":
        if isinstance(value, str):
            return ("boolean", value.lower() == "true")
        return ("boolean", bool(value))
    if semantic_type == "timestamp":
        return ("timestamp", ts_micros(value))
    return ("text", value)


_PLAIN_COLUMNS = {"topic", "idempotency_key", "device_id", "period_reference", "source_message_id", "json_payload", "reason"}


def canon_cell(column: str, value: Any, types: dict[str, str] | None = None) -> Any:
    """One cell, normalised for comparison (also applied to a fixture's expected values)."""
    if column in TIMESTAMP_COLUMNS:
        return ts_micros(value)
    if types and column in types:
        return _canon_typed(value, types[column])
    if column in _PLAIN_COLUMNS:
        return value
    return _canon_text(value)


def normalise_table(dump: dict[str, Any] | None, types: dict[str, str] | None = None) -> dict[str, Any] | None:
    """Columns (ignored ones dropped) and rows, sorted, values normalised."""
    if dump is None:
        return None
    columns = [c for c in dump["columns"] if c not in IGNORED]
    rows = [{c: canon_cell(c, row.get(c), types) for c in columns} for row in dump["rows"]]
    rows.sort(key=lambda r: (str(r.get("idempotency_key")), json.dumps(r, sort_keys=True, default=str)))
    return {"columns": columns, "rows": rows}


def normalise(output: dict[str, Any], schema: dict[str, Any] | None) -> dict[str, Any]:
    types = {c["name"]: c["type"] for c in (schema or {}).get("columns", [])}
    steps = []
    for s in output["steps"]:
        sem = s.get("semantic")
        steps.append(
            {
                "batch": s["batch"],
                "curation.records_written": s["curation"]["records_written"],
                "semantic": None
                if sem is None
                else {k: sem[k] for k in ("records_written", "records_rejected", "undeclared_columns")},
            }
        )
    return {
        "steps": steps,
        "curated": normalise_table(output["curated"]),
        "curated_rejects": normalise_table(output["curated_rejects"]),
        "semantic": normalise_table(output["semantic"], types),
        "semantic_rejects": normalise_table(output["semantic_rejects"]),
        "undeclared_columns": output["undeclared_columns"],
    }


def differences(duck: dict[str, Any], spark: dict[str, Any]) -> list[str]:
    """Human-readable differences between two normalised outputs (empty: they agree)."""
    out: list[str] = []
    for part in ("steps", "undeclared_columns"):
        if duck[part] != spark[part]:
            out.append(f"{part}:\n  duckdb: {duck[part]}\n  spark:  {spark[part]}")
    for part in ("curated", "curated_rejects", "semantic", "semantic_rejects"):
        a, b = duck[part], spark[part]
        if a is None or b is None:
            if (a is None) != (b is None):
                out.append(f"{part}: present in only one engine (duckdb {a is not None}, spark {b is not None})")
            continue
        if a["columns"] != b["columns"]:
            out.append(f"{part} columns:\n  duckdb: {a['columns']}\n  spark:  {b['columns']}")
        if len(a["rows"]) != len(b["rows"]):
            out.append(
                f"{part}: {len(a['rows'])} rows in duckdb, {len(b['rows'])} in spark; keys:\n"
                f"  duckdb: {[r.get('idempotency_key') for r in a['rows']]}\n"
                f"  spark:  {[r.get('idempotency_key') for r in b['rows']]}"
            )
            continue
        for ra, rb in zip(a["rows"], b["rows"]):
            diff = {c: (ra.get(c), rb.get(c)) for c in sorted(set(ra) | set(rb)) if ra.get(c) != rb.get(c)}
            if diff:
                cells = "\n".join(f"    {c}: duckdb {x!r} | spark {y!r}" for c, (x, y) in diff.items())
                out.append(f"{part} row {ra.get('idempotency_key')!r}:\n{cells}")
    return out

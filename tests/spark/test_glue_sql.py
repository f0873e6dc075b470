"""jobs/glue/lean_ops_jobs/sql.py against the TypeScript renderer (packages/lake/src/sql,
packages/core/src/column-name.ts): the same inputs must give the same SQL text. Also the
template loading of the shipped zip. No Spark needed."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lean_ops_jobs import sql
from lean_ops_jobs.sql import (
    columns_of_keys,
    curated_column_name,
    payload_column_select,
    render,
    render_job,
    semantic_select,
    semantic_table_columns,
    spark_dialect,
)

ROOT = Path(__file__).resolve().parents[2]

NAMES = [
    "temperature",
    "Battery Level%",
    "device_id",
    "DEVICE_ID",
    "Topic",
    "ingested_at",
    "source_message_id",
    "payload_topic",
    "",
    "123",
    "a-b.c",
    "Ünïcode",
    "温度",
    "\U0001f321",  # astral: one code point, two UTF-16 units, one "_"
    "\u212a",  # Kelvin sign: not ASCII, so not lower-cased to "k"
    "\u0130",  # dotted capital I: lower() would give two code points
    "ß",
    "tab\there",
    "back`tick",
]
KEYS = ["temp", "Temp", "TEMP", "device_id", "\uff71", "\U0001f321", "it's", "back\\slash", "q`uote", "Ünïcode"]
SCHEMA = {
    "topic": "telemetry",
    "version": 3,
    "columns": [
        {"name": "temperature", "type": "double", "required": True},
        {"name": "count", "type": "long"},
        {"name": "ok", "type": "boolean", "required": True},
        {"name": "seen_at", "type": "timestamp"},
        {"name": "status", "type": "string", "required": True},
        {"name": "absent", "type": "long", "required": True},
    ],
}
TEMPLATES = [
    {"name": "curation_parse", "values": {}},
    {"name": "curation_keys", "values": {}},
    {
        "name": "curation_batch",
        "values": {"raw_seq": "42", "payload_columns": ",\n  x AS `x`", "newest_versions": "SELECT * FROM v"},
    },
    {"name": "curation_rejects", "values": {}},
    {"name": "curation_merge", "values": {"curated_table": "lake.`cur`.`t`"}},
    {"name": "semantic_check", "values": {"typed_columns": "", "reject_reason": "NULL"}},
    {"name": "semantic_merge", "values": {"semantic_table": "lake.`sem`.`t`", "semantic_columns": "`a`, `b`"}},
    {"name": "semantic_rejects", "values": {}},
    {"name": "scientist_view", "values": {"view_name": "v", "newest_per_key": "SELECT 1"}},
    *(
        {"name": f"iceberg_ddl_{table}", "values": {"table": "lake.`db`.`t`"}}
        for table in ("raw", "curated", "curated_rejects", "semantic", "semantic_rejects")
    ),
]


@pytest.fixture(scope="module")
def typescript(tmp_path_factory) -> dict:
    request = {
        "names": NAMES,
        "keys": KEYS,
        "all_columns": ["temp", "other", "payload_device_id", "_", "it_s", "back_slash", "q_uote", "_n_code"],
        "schema": SCHEMA,
        "curated_columns": ["temperature", "count", "ok", "seen_at", "status", "extra"],
        "templates": TEMPLATES,
        "newest": {"table": "lake.cur.t", "columns": ["idempotency_key", "we`ird"]},
        "full_match": [{"expr": "c.`n`", "regex": "a|b"}, {"expr": "x", "regex": "it's \\d"}],
        "literals": ["plain", "it's", "back\\slash", "both \\' mixed", "ü\n"],
        "identifiers": ["plain", "we`ird", "ü"],
    }
    path = tmp_path_factory.mktemp("render") / "request.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    proc = subprocess.run(
        ["node", "--import", "tsx", "tests/conformance/render-sql.ts", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return {"request": request, "out": json.loads(proc.stdout)}


def test_curated_column_names_match_typescript(typescript):
    ts_names = dict(zip(NAMES, typescript["out"]["column_names"]))
    assert {n: curated_column_name(n) for n in NAMES} == ts_names
    assert curated_column_name("\U0001f321") == "_"
    assert curated_column_name("\u212a") == "_"
    assert curated_column_name("") == "payload_"
    assert curated_column_name("DEVICE_ID") == "payload_device_id"


def test_raw_seq_is_prefixed_like_a_metadata_column():
    # The curated table's own _raw_seq column must never be shadowed by a payload key.
    assert curated_column_name("_raw_seq") == "payload__raw_seq"
    assert curated_column_name("_RAW_SEQ") == "payload__raw_seq"


def test_typescript_prefixes_raw_seq_too():
    source = "import { curatedColumnName } from '@lean-ops/core'; process.stdout.write(curatedColumnName('_raw_seq'));"
    proc = subprocess.run(
        ["node", "--import", "tsx", "--input-type=module", "-e", source], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.stdout == "payload__raw_seq", proc.stderr


def test_select_lists_match_typescript(typescript):
    out, req = typescript["out"], typescript["request"]
    d = spark_dialect()
    columns = columns_of_keys(KEYS)
    assert [[c, keys] for c, keys in columns.items()] == out["columns_of_keys"]
    # UTF-16 order: the astral emoji (D83C…) sorts before U+FF71, unlike code point order.
    assert columns["_"] == ["\U0001f321", "\uff71"]
    assert payload_column_select(d, req["all_columns"], columns) == out["payload_column_select"]
    typed, reason = semantic_select(d, SCHEMA, req["curated_columns"])
    assert {"typed": typed, "reason": reason} == out["semantic_select"]
    assert semantic_table_columns(SCHEMA) == out["semantic_table_columns"]


def test_templates_and_dialect_pieces_match_typescript(typescript):
    out, req = typescript["out"], typescript["request"]
    d = spark_dialect()
    assert {t["name"]: render_job(t["name"], d, t["values"]) for t in TEMPLATES} == out["templates"]
    assert d.newest_per_key(req["newest"]["table"], req["newest"]["columns"]) == out["newest_per_key"]
    assert [d.full_match(f["expr"], f["regex"]) for f in req["full_match"]] == out["full_match"]
    assert [d.literal(x) for x in req["literals"]] == out["literals"]
    assert [d.quote(x) for x in req["identifiers"]] == out["identifiers"]


def test_render_fails_on_a_placeholder_without_value():
    with pytest.raises(KeyError, match=r"\{\{raw_seq\}\} has no value for spark"):
        render_job("curation_batch")
    assert render("{{ q:_raw_seq }} {{update_all}}", spark_dialect()) == "`_raw_seq` UPDATE SET *"
    with pytest.raises(KeyError, match=r"\{\{columns:_comment\}\} has no value for spark"):
        render("{{columns:_comment}}", spark_dialect())


def test_the_glue_zip_carries_its_sql_and_imports_from_the_zip(tmp_path):
    out = tmp_path / "glue"
    subprocess.run([sys.executable, str(ROOT / "jobs" / "glue" / "package.py"), "--out", str(out)], check=True, capture_output=True)
    archive = out / "lean_ops_jobs.zip"
    names = zipfile.ZipFile(archive).namelist()
    assert "lean_ops_jobs/sql/dialects.json" in names and "lean_ops_jobs/sql/iceberg_ddl_curated.sql" in names
    assert {p.name for p in out.glob("*_job.py")} == {"bootstrap_job.py", "curation_job.py", "semantic_job.py", "maintenance_job.py"}
    # Reproducible: building again gives the same bytes.
    first = archive.read_bytes()
    subprocess.run([sys.executable, str(ROOT / "jobs" / "glue" / "package.py"), "--out", str(out)], check=True, capture_output=True)
    assert archive.read_bytes() == first
    # Imported from the zip alone (as Glue's --extra-py-files does), in a folder with no jobs/sql.
    probe = (
        "import lean_ops_jobs.sql as s; "
        "assert '.zip' in s.__file__, s.__file__; "
        "print(s.render_job('curation_merge', s.spark_dialect(), {'curated_table': 't'}).splitlines()[-1])"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(archive), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "WHEN NOT MATCHED THEN INSERT *"


def test_sql_dir_override(tmp_path):
    (tmp_path / "dialects.json").write_text((ROOT / "jobs/sql/dialects.json").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "curation_keys.sql").write_text("SELECT {{explode_keys}} -- override", encoding="utf-8")
    try:
        sql.set_sql_dir(tmp_path)
        assert render_job("curation_keys") == "SELECT explode(map_keys(payload_map)) -- override"
    finally:
        sql.set_sql_dir(None)
    assert "DISTINCT" in render_job("curation_keys")

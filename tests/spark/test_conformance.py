"""Conformance: every fixture in tests/conformance/fixtures runs through the DuckDB engine
(tests/conformance/run-duckdb.ts, Node) and the Spark + Iceberg engine (jobs/glue), and
the lakes they leave must agree row by row (rules in conformance_support.py).

Every fixture is compared a second time after a full rebuild of its layers (reprocessing,
docs/reprocess.md) on both engines: the Spark side rebuilds the lake the first comparison
left, the DuckDB side is run-duckdb.ts --rebuild. The rebuilt curated layer and its rejects
must also equal the incrementally built ones (a from-scratch build of the same RAW).

A fixture with a "known_difference" documents a difference that is not fixed yet: it is a
strict xfail, so the day both engines agree it fails and the marker has to go.
The DuckDB runs start in the background when these tests are collected (conftest.py).
"""

from __future__ import annotations

import pytest
from conformance_support import (
    DuckDbRuns,
    canon_cell,
    differences,
    fixture_paths,
    load_fixture,
    normalise,
    rebuild_spark,
    run_spark,
)

FIXTURES = fixture_paths()
#: The Spark lake each fixture's first test left, by file name: its rebuild test reuses it.
_BUILT: dict[str, dict] = {}


def _expectations(fixture, out) -> list[str]:
    """The fixture's own "expect" block, checked on the (already compared) Spark output, so
    two engines that are wrong the same way still fail."""
    problems = []
    exp = fixture.get("expect", {})
    types = {c["name"]: c["type"] for c in (fixture.get("schema") or {}).get("columns", [])}
    for part in ("curated", "semantic"):
        table = {r["idempotency_key"]: r for r in (out[part] or {"rows": []})["rows"]}
        for key, cells in exp.get(part, {}).items():
            row = table.get(key)
            if row is None:
                problems.append(f"{part}: no row {key!r}")
                continue
            for column, want in cells.items():
                expected = canon_cell(column, want, types if part == "semantic" else None)
                if row.get(column) != expected:
                    problems.append(f"{part} {key!r}.{column}: expected {expected!r}, got {row.get(column)!r}")
    for part in ("curated_rejects", "semantic_rejects"):
        if isinstance(exp.get(part), int) and len(out[part]["rows"]) != exp[part]:
            problems.append(f"{part}: expected {exp[part]} rows, got {len(out[part]['rows'])}")
    reasons: dict[str, set[str]] = {}
    for r in (out["semantic_rejects"] or {"rows": []})["rows"]:
        reasons.setdefault(r["idempotency_key"], set()).add(r["reason"])
    for key, reason in exp.get("semantic_reasons", {}).items():
        if reason not in reasons.get(key, set()):
            problems.append(f"semantic_rejects {key!r}: expected {reason}, got {sorted(reasons.get(key, []))}")
    if "semantic_reasons" in exp:
        unexpected = set(reasons) - set(exp["semantic_reasons"]) - set(exp.get("semantic_rejected_later", []))
        if unexpected:
            problems.append(f"semantic_rejects: unexpected keys {sorted(unexpected)}")
    if "undeclared_columns" in exp and out["undeclared_columns"] != exp["undeclared_columns"]:
        problems.append(f"undeclared_columns: expected {exp['undeclared_columns']}, got {out['undeclared_columns']}")
    return problems


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_duckdb_and_spark_agree(spark, path, request):
    fixture = load_fixture(path)
    if fixture.get("known_difference"):
        request.applymarker(pytest.mark.xfail(reason=fixture["known_difference"], strict=True))
    prefix = "cf_" + path.stem.replace("-", "_")
    built = run_spark(spark, fixture, prefix)
    _BUILT[path.name] = built
    spark_out = normalise(built, fixture.get("schema"))
    duck_out = normalise(DuckDbRuns.get().result(path), fixture.get("schema"))

    diffs = differences(duck_out, spark_out)
    assert not diffs, f"engines differ on {path.name}:\n" + "\n".join(diffs)
    problems = _expectations(fixture, spark_out)
    assert not problems, f"both engines agree on {path.name}, but not with its expectations:\n" + "\n".join(problems)



@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_duckdb_and_spark_agree_after_a_full_rebuild(spark, path, request):
    fixture = load_fixture(path)
    if fixture.get("known_difference"):
        request.applymarker(pytest.mark.xfail(reason=fixture["known_difference"], strict=True))
    schema = fixture.get("schema")
    built = _BUILT.get(path.name) or run_spark(spark, fixture, "cf_" + path.stem.replace("-", "_"))
    incremental = normalise(built, schema)
    spark_out = normalise(rebuild_spark(spark, fixture, built), schema)
    duck_out = normalise(DuckDbRuns.get().result(path, rebuild=True), schema)

    for part in ("curated", "curated_rejects"):
        assert spark_out[part] == incremental[part], f"rebuilt {part} of {path.name} differs from the one built run by run"
    diffs = differences(duck_out, spark_out)
    assert not diffs, f"engines differ on {path.name} after a full rebuild:\n" + "\n".join(diffs)

"""The semantic job on Spark + Iceberg: curated increment → typed, governed → MERGE.

Mirrors ``DuckDbLake.runSemantic`` (packages/lake/src/duckdb-lake.ts):

* the increment is the curated table as of snapshot ``to`` restricted to
  ``_raw_seq`` in (raw_seq(``from``), raw_seq(``to``)], where raw_seq(snapshot) is the
  ``lean-ops.raw-seq`` summary property the curation job put on its MERGE (the nearest
  ancestor that has it, so compaction snapshots in between do not matter). A curated MERGE
  that replaces rows is an ``overwrite`` snapshot, which Iceberg's incremental read skips;
  the sequence stamp is what makes an increment of a MERGE-maintained table readable. The
  tables are merge-on-read, so only the data files written since ``from`` hold rows in the
  range, and Iceberg skips the others by their ``_raw_seq`` min/max.
* ``semantic_check`` casts the declared columns with the guarded casts of dialects.json and
  names the first governance failure per row; failures are appended to
  ``{semantic_db}.{topic}_semantic_rejects`` (after the MERGE, so a retried run writes them
  once) and never reach the table (the last valid version stays; the semantic layer never
  deletes).
* the passing rows are MERGEd (``semantic_merge``: only newer versions replace stored
  rows), with summary properties ``lean-ops.curated-snapshot-id`` and ``lean-ops.raw-seq``.
* curated columns the schema does not declare are reported (``undeclared_columns``), never
  added: the scheduler logs them as drift.

With ``rebuild`` (reprocessing, docs/reprocess.md) the increment is the same, but the passing
rows replace the stored ones whatever their versions (``semantic_rebuild_merge``), and the
stored rows of keys in scope that no longer pass, or that curated as of ``to`` no longer
holds, are deleted, in one commit carrying ``lean-ops.rebuild`` = ``true``. The keys in scope
are those of the increment and those curated no longer holds (every key for a full rebuild,
``from`` None); their rejects are replaced by the rebuilt ones. ``ensure_semantic_tables``
adds newly declared columns first, so a rebuild fills them for the rows it rewrites.
"""

from __future__ import annotations

import uuid
from typing import Any, Mapping

from .curation import JobFailedError, _parse_snapshot_id, persist_as_view, winners_against
from .ddl import TopicTables, ensure_semantic_tables
from .iceberg import (
    PROP_COMMIT_ID,
    PROP_CURATED_SNAPSHOT_ID,
    PROP_JOB,
    PROP_JOB_RUN_ID,
    PROP_RAW_SEQ,
    PROP_REBUILD,
    find_commit,
    find_in_ancestry,
    with_commit_properties,
)
from .rebuild import in_scope, merge_rebuilt, replace_rejects, with_tombstones
from .sql import (
    parse_semantic_schema,
    payload_columns_of,
    render_job,
    semantic_select,
    semantic_table_columns,
    spark_dialect,
)


def raw_seq_of_curated_snapshot(spark, curated_table: str, snapshot_id: int) -> int:
    """The RAW sequence number a curated snapshot covers (from the curation MERGE's summary)."""
    _, value = find_in_ancestry(spark, curated_table, snapshot_id, PROP_RAW_SEQ)
    return int(value)


def run_semantic(
    spark,
    catalog: str,
    curated_db: str,
    semantic_db: str,
    topic: str,
    from_curated_snapshot_id: int | str | None,
    to_curated_snapshot_id: int | str,
    schema: Mapping[str, Any] | str,
    *,
    job_run_id: str | None = None,
    rebuild: bool = False,
) -> dict[str, Any]:
    """Applies curated snapshots (``from``, ``to``] of ``topic`` to the semantic table; with
    ``rebuild``, rebuilds the keys they changed (and drops those curated no longer holds).

    Returns ``{"records_written": int, "records_rejected": int,
    "undeclared_columns": [str, ...]}`` (sorted), plus ``semantic_snapshot_id``."""
    tables = TopicTables(catalog=catalog, topic=topic, curated_db=curated_db, semantic_db=semantic_db)
    start = _parse_snapshot_id(from_curated_snapshot_id, "from_snapshot")
    end = _parse_snapshot_id(to_curated_snapshot_id, "to_snapshot")
    if end is None:
        raise ValueError("to_snapshot is required")
    parsed_schema = parse_semantic_schema(schema, topic)
    try:
        return _apply(spark, tables, start, end, parsed_schema, job_run_id, rebuild)
    except Exception as exc:
        what = "semantic rebuild" if rebuild else "semantic job"
        raise JobFailedError(
            f"{what} of {topic} ({start if start is not None else 'start'} → {end}) failed: {exc}"
        ) from exc


def _apply(
    spark, tables: TopicTables, start: int | None, end: int, schema: Mapping[str, Any], job_run_id: str | None, rebuild: bool
):
    d = spark_dialect()
    from_raw = raw_seq_of_curated_snapshot(spark, tables.curated, start) if start is not None else 0
    to_raw = raw_seq_of_curated_snapshot(spark, tables.curated, end)
    ensure_semantic_tables(spark, tables, schema)

    curated_at_end = spark.read.format("iceberg").option("snapshot-id", str(end)).load(tables.curated)
    increment = curated_at_end.where(f"_raw_seq > {from_raw} AND _raw_seq <= {to_raw}")
    increment.createOrReplaceTempView("curated_increment")
    curated_columns = payload_columns_of(increment.columns)
    typed, reason = semantic_select(d, schema, curated_columns)
    spark.sql(render_job("semantic_check", d, {"typed_columns": typed, "reject_reason": reason}))
    checked = persist_as_view(spark, spark.table("semantic_checked"), "semantic_checked")
    cached = [checked]
    try:
        rejects = spark.sql(
            f"""SELECT idempotency_key, device_id, event_timestamp, publish_time, source_message_id, reason,
                       current_timestamp() AS rejected_at, CAST({to_raw} AS BIGINT) AS {d.quote('_raw_seq')}
                FROM ({render_job('semantic_rejects', d)}) AS r"""
        ).persist()
        cached.append(rejects)
        rejected = rejects.count()

        if rebuild:
            return _rebuild(spark, tables, schema, start is None, curated_at_end, checked, rejects, rejected, end, to_raw, job_run_id, curated_columns)

        # records_written counts the passing rows that win against the stored ones (DuckDB's
        # MERGE row count). Unlike curation, the MERGE source is not narrowed to them: a
        # curated increment holds only changed rows, and re-pointing the view
        # semantic_checked would also change the rejects written after the MERGE.
        written = winners_against(
            spark, "semantic_checked", tables.semantic, "reject_reason IS NULL", source_rows=checked.count()
        ).count()

        select = _semantic_columns(spark, tables, schema)
        properties = {PROP_JOB: "semantic", PROP_CURATED_SNAPSHOT_ID: str(end), PROP_RAW_SEQ: str(to_raw)}
        if job_run_id:
            properties[PROP_JOB_RUN_ID] = job_run_id
        properties[PROP_COMMIT_ID] = uuid.uuid4().hex
        with_commit_properties(
            spark,
            properties,
            lambda: spark.sql(
                render_job(
                    "semantic_merge", d, {"semantic_table": tables.semantic, "semantic_columns": ", ".join(select)}
                )
            ),
        )
        merged = find_commit(spark, tables.semantic, properties[PROP_COMMIT_ID])
        # Rejects after the MERGE, as in the curation job: a retried run writes them once.
        if rejected:
            rejects.writeTo(tables.semantic_rejects).option(f"snapshot-property.{PROP_CURATED_SNAPSHOT_ID}", str(end)).append()
        return _result(merged, written, rejected, schema, curated_columns)
    finally:
        for df in cached:
            df.unpersist()


def _semantic_columns(spark, tables: TopicTables, schema: Mapping[str, Any]) -> list[str]:
    """The MERGE source's select list: the declared columns, and NULL for the columns of the
    table that this schema version no longer declares (UPDATE SET * needs every target
    column in the source)."""
    d = spark_dialect()
    declared = semantic_table_columns(schema)
    select = [d.quote(c) for c in declared]
    declared_set = set(declared)
    for f in spark.table(tables.semantic).schema.fields:
        if f.name not in declared_set:
            select.append(f"CAST(NULL AS {f.dataType.simpleString()}) AS {d.quote(f.name)}")
    return select


def _result(merged, written: int, rejected: int, schema: Mapping[str, Any], curated_columns) -> dict[str, Any]:
    declared_names = {c["name"] for c in schema["columns"]}
    return {
        "semantic_snapshot_id": str(merged.snapshot_id),
        "records_written": int(written),
        "records_rejected": int(rejected),
        "undeclared_columns": sorted(c for c in curated_columns if c not in declared_names),
    }


def _rebuild(spark, tables: TopicTables, schema, full: bool, curated_at_end, checked, rejects, rejected: int, end: int, to_raw: int, job_run_id, curated_columns):
    """Step 2 and 3 of a rebuild: the passing rows replace the rows of the keys in scope
    (those of the increment, and stored keys curated as of ``end`` no longer holds), and
    the rest of the keys in scope leave the table; one commit. Then their rejects."""
    d = spark_dialect()
    passing = checked.where("reject_reason IS NULL").selectExpr(*_semantic_columns(spark, tables, schema))
    written = passing.count()
    gone = scope = None
    if not full:
        curated_keys = curated_at_end.select("idempotency_key")
        increment_keys = checked.select("idempotency_key")

        def left_curated(table: str):
            return spark.table(table).select("idempotency_key").distinct().join(curated_keys, "idempotency_key", "left_anti")

        failing = checked.where("reject_reason IS NOT NULL").select("idempotency_key")
        gone = failing.unionByName(left_curated(tables.semantic)).distinct()
        scope = increment_keys.unionByName(left_curated(tables.semantic_rejects)).distinct()
    with_tombstones(passing, gone).createOrReplaceTempView("semantic_rebuild_source")
    statement = render_job(
        "semantic_rebuild_merge",
        d,
        {"semantic_table": tables.semantic, "source": "semantic_rebuild_source", "in_scope": in_scope(full)},
    )
    properties = {PROP_JOB: "semantic", PROP_CURATED_SNAPSHOT_ID: str(end), PROP_RAW_SEQ: str(to_raw)}
    merged = merge_rebuilt(spark, tables.semantic, statement, properties, job_run_id)
    replace_rejects(
        spark, d, tables.semantic_rejects, rejects, scope, {PROP_CURATED_SNAPSHOT_ID: str(end), PROP_REBUILD: "true"}
    )
    return _result(merged, written, rejected, schema, curated_columns)

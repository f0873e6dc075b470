"""The curation job on Spark + Iceberg: RAW increment → newest version per key → MERGE.

Mirrors ``DuckDbLake.runCuration`` (packages/lake/src/duckdb-lake.ts) step by step, with the
same ``jobs/sql`` templates rendered for Spark:

1. read RAW ``{raw_db}.{topic}_staging`` incrementally: ``from`` None → the table as of
   snapshot ``to`` (every append up to it); otherwise the rows appended after ``from``
   (exclusive) up to ``to`` (inclusive); ``from == to`` → no rows (Iceberg raises on that
   range instead of returning nothing). View ``raw_increment``.
2. ``curation_parse`` (cached: keys, rejects and the batch all read it), ``curation_keys``;
   new payload keys become nullable STRING columns (``ALTER TABLE … ADD COLUMNS``).
3. ``curation_batch``: the newest version per key of the increment (deduplicated, as an
   Iceberg MERGE fails on several source rows for one key; ranked by the dialect's
   ``newest_per_key``, a window over the parsed rows), stamped ``_raw_seq`` = the RAW
   ``to`` snapshot's sequence number.
4. the batch is narrowed to the rows that win against the stored ones (so their count is
   ``records_written``, as DuckDB's MERGE row count, and a replay rewrites no data file),
   then ``curation_merge`` runs with commit properties ``lean-ops.raw-seq`` and
   ``lean-ops.raw-snapshot-id`` on its snapshot: the semantic job maps a curated snapshot
   to the RAW sequence it covers through them. The MERGE always commits a snapshot (an
   empty source commits an empty ``overwrite``), so every run returns a fresh snapshot id.
5. rejects (``curation_rejects``) are appended to ``{curated_db}.{topic}_rejects`` after the
   MERGE: unlike DuckDB, the two are separate Iceberg commits, and in this order a run
   retried after a crash in between writes them once and loses none.

With ``rebuild`` (reprocessing, docs/reprocess.md) steps 1 and 4 differ: the keys in scope
are those RAW (``from``, ``to``] holds (every key when ``from`` is None), ``raw_increment``
is every RAW row of those keys as of ``to``; nothing narrows the batch (equal versions are
rewritten too) and ``curation_rebuild_merge`` replaces the stored rows of the keys in scope
whatever their versions and deletes those of keys whose every version is now rejected
(see rebuild.py), in one commit that also carries ``lean-ops.rebuild`` = ``true``. Then the rejects of the keys in
scope are replaced by the rebuilt ones (``rejects_rebuild_merge``).

Why the RAW snapshot's sequence number for ``_raw_seq``: Iceberg assigns every commit of a
format-v2 table the table's next sequence number, so along RAW's history it strictly
increases, survives snapshot expiry and compaction (``replace`` commits only add larger
numbers), and is what Iceberg itself orders commits by. The DuckDB engine uses its snapshot
log's sequence the same way.
"""

from __future__ import annotations

import uuid
from typing import Any

from .ddl import TopicTables, ensure_curated_tables
from .iceberg import (
    PROP_COMMIT_ID,
    PROP_JOB,
    PROP_JOB_RUN_ID,
    PROP_RAW_SEQ,
    PROP_RAW_SNAPSHOT_ID,
    PROP_REBUILD,
    current_snapshot,
    find_commit,
    snapshot,
    with_commit_properties,
)
from .rebuild import in_scope, merge_rebuilt, replace_rejects, with_tombstones
from .sql import (
    CURATED_METADATA_COLUMNS,
    columns_of_keys,
    payload_column_select,
    payload_columns_of,
    render_job,
    spark_dialect,
)


class JobFailedError(RuntimeError):
    """A lake job failed; the message names the topic and the snapshot range."""


def _parse_snapshot_id(value: Any, what: str) -> int | None:
    if value is None:
        return None
    text = str(value).strip()
    if text.lower() in ("", "none", "null"):
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{what}: {value!r} is not an Iceberg snapshot id") from None


def read_raw_increment(spark, raw_table: str, from_snapshot_id: int | None, to_snapshot_id: int):
    """RAW rows appended after ``from`` (exclusive) up to ``to`` (inclusive)."""
    reader = spark.read.format("iceberg")
    if from_snapshot_id is None:
        return reader.option("snapshot-id", str(to_snapshot_id)).load(raw_table)
    if from_snapshot_id == to_snapshot_id:
        return reader.option("snapshot-id", str(to_snapshot_id)).load(raw_table).where("false")
    return (
        reader.option("start-snapshot-id", str(from_snapshot_id))
        .option("end-snapshot-id", str(to_snapshot_id))
        .load(raw_table)
    )


# The columns of view curation_parsed (jobs/sql/curation_parse.sql).
PARSED_COLUMNS = (*CURATED_METADATA_COLUMNS, "json_payload", "payload_map")


def persist_as_view(spark, df, name: str):
    """Persists ``df`` and makes it temp view ``name``, also when ``df`` reads the view of
    that name. Replacing a temp view uncaches every cached plan that reads the replaced one
    (Spark cascades the uncache), which would throw ``df`` out of the cache again and make
    every later reader recompute it; dropping the view first (nothing cached reads it yet)
    keeps ``df`` cached. ``df`` was analysed when it was made, so it no longer needs the view."""
    spark.catalog.dropTempView(name)
    df = df.persist()
    df.createOrReplaceTempView(name)
    return df


#: Most source rows whose keys ``winners_against`` broadcasts (a few tens of MB of keys).
BROADCAST_KEYS_MAX = 2_000_000


def winners_against(spark, source_view: str, target_table: str, where: str | None = None, source_rows: int | None = None):
    """Rows of ``source_view`` (one per key) that a MERGE under the contract's order would
    write into ``target_table``: keys not stored yet, or newer than the stored version.

    With ``source_rows`` (an upper bound of the source's rows) up to ``BROADCAST_KEYS_MAX``,
    the stored rows are first narrowed to the source's keys by a semi join that broadcasts
    those keys, so the table is scanned once (its key and order columns) and never shuffled:
    the join's cost follows the increment, not the table."""
    source = f"(SELECT * FROM {source_view} WHERE {where})" if where else source_view
    target = target_table
    if source_rows is not None and source_rows <= BROADCAST_KEYS_MAX:
        target = (
            f"(SELECT /*+ BROADCAST(increment_keys) */ stored.* FROM {target_table} AS stored"
            f" LEFT SEMI JOIN (SELECT idempotency_key FROM {source} AS increment_source) AS increment_keys"
            " ON stored.idempotency_key = increment_keys.idempotency_key) AS stored_versions"
        )
    return spark.sql(render_job("winners", values={"source": source, "target": target}))


def run_curation(
    spark,
    catalog: str,
    raw_db: str,
    curated_db: str,
    topic: str,
    from_snapshot_id: int | str | None,
    to_snapshot_id: int | str,
    *,
    job_run_id: str | None = None,
    rebuild: bool = False,
) -> dict[str, Any]:
    """Curates RAW snapshots (``from``, ``to``] of ``topic`` into the curated table; with
    ``rebuild``, recomputes the keys they hold from all of RAW up to ``to`` instead.

    Returns ``{"curated_snapshot_id": str, "curated_snapshot_sequence": int,
    "records_written": int, "records_rejected": int, "raw_seq": int,
    "raw_snapshot_id": str}`` (snapshot ids as text: they are 64-bit)."""
    tables = TopicTables(catalog=catalog, topic=topic, raw_db=raw_db, curated_db=curated_db)
    start = _parse_snapshot_id(from_snapshot_id, "from_snapshot")
    end = _parse_snapshot_id(to_snapshot_id, "to_snapshot")
    if end is None:
        raise ValueError("to_snapshot is required")
    try:
        return _curate(spark, tables, start, end, job_run_id, rebuild)
    except Exception as exc:
        what = "rebuild" if rebuild else "curation"
        raise JobFailedError(f"{what} of {topic} ({start if start is not None else 'start'} → {end}) failed: {exc}") from exc


def _curate(spark, tables: TopicTables, start: int | None, end: int, job_run_id: str | None, rebuild: bool) -> dict[str, Any]:
    from pyspark.sql.functions import expr  # imported here: the SQL helpers work without pyspark

    d = spark_dialect()
    ensure_curated_tables(spark, tables)
    to = snapshot(spark, tables.raw, end)
    raw_seq = to.sequence_number
    if raw_seq <= 0:
        raise ValueError(f"{tables.raw} has no snapshot sequence numbers (format-version 1?): it must be format-version 2")
    if start is not None:
        snapshot(spark, tables.raw, start)  # fail clearly on an unknown or expired checkpoint

    cached = []
    scope = None
    if not rebuild:
        read_raw_increment(spark, tables.raw, start, end).createOrReplaceTempView("raw_increment")
    elif start is None:
        read_raw_increment(spark, tables.raw, None, end).createOrReplaceTempView("raw_increment")
    else:
        # The keys in scope, then every RAW version of them up to `to` (a rebuild recomputes
        # a key from all its versions, not only the new ones).
        keys = read_raw_increment(spark, tables.raw, start, end).select("idempotency_key").distinct()
        scope = persist_as_view(spark, keys, "rebuild_scope")
        cached.append(scope)
        raw = read_raw_increment(spark, tables.raw, None, end)
        raw.join(scope, "idempotency_key", "left_semi").createOrReplaceTempView("raw_increment")
    spark.sql(render_job("curation_parse", d))
    # Materialise the parsed increment once: keys, rejects and the batch all read it.
    # json_payload is kept only for the rows bound for rejects (payload_map holds the rest).
    parsed = persist_as_view(
        spark,
        spark.table("curation_parsed").withColumn("json_payload", expr("CASE WHEN payload_map IS NULL THEN json_payload END")),
        "curation_parsed",
    )
    cached.append(parsed)
    try:
        keys = [r.payload_key for r in spark.sql(render_job("curation_keys", d)).collect()]
        batch_columns = columns_of_keys(keys)
        existing = payload_columns_of(spark.table(tables.curated).columns)
        added = sorted(c for c in batch_columns if c not in existing)
        if added:
            columns = ", ".join(f"{d.quote(c)} STRING" for c in added)
            spark.sql(f"ALTER TABLE {tables.curated} ADD COLUMNS ({columns})")
        spark.sql(
            render_job(
                "curation_batch",
                d,
                {
                    "raw_seq": str(raw_seq),
                    "payload_columns": payload_column_select(d, [*existing, *added], batch_columns),
                    "newest_versions": d.newest_per_key(
                        "(SELECT * FROM curation_parsed WHERE payload_map IS NOT NULL) AS valid", PARSED_COLUMNS
                    ),
                },
            )
        )

        rejects = spark.sql(
            f"""SELECT idempotency_key, device_id, source_message_id, json_payload, reason,
                       current_timestamp() AS rejected_at, CAST({raw_seq} AS BIGINT) AS {d.quote('_raw_seq')}
                FROM ({render_job('curation_rejects', d)}) AS r"""
        ).persist()
        cached.append(rejects)
        rejected = rejects.count()
        if rebuild:
            return _rebuild(spark, tables, scope, rejects, rejected, raw_seq, end, job_run_id, cached)

        # Only the rows that win against the stored ones reach the MERGE: their count is
        # records_written, and a duplicate or replayed version (at-least-once delivery makes
        # them common) rewrites no data file. Nothing read after the MERGE depends on the
        # view curation_batch, so it can be re-pointed (the rejects read curation_parsed).
        winners = winners_against(spark, "curation_batch", tables.curated, source_rows=parsed.count())
        winners = persist_as_view(spark, winners, "curation_batch")
        cached.append(winners)
        written = winners.count()
        current = current_snapshot(spark, tables.curated) if written == 0 else None
        if current is not None:
            # Nothing wins (only duplicates, replays or rejects): no MERGE, no new snapshot,
            # as the DuckDB engine does; the scheduler then ends NoNewCuratedData.
            if rejected:
                rejects.writeTo(tables.curated_rejects).option(f"snapshot-property.{PROP_RAW_SNAPSHOT_ID}", str(end)).append()
            return _result(current, 0, rejected, raw_seq, end)
        properties = {
            PROP_JOB: "curation",
            PROP_RAW_SEQ: str(raw_seq),
            PROP_RAW_SNAPSHOT_ID: str(end),
        }
        if job_run_id:
            properties[PROP_JOB_RUN_ID] = job_run_id
        properties[PROP_COMMIT_ID] = uuid.uuid4().hex
        with_commit_properties(
            spark, properties, lambda: spark.sql(render_job("curation_merge", d, {"curated_table": tables.curated}))
        )
        merged = find_commit(spark, tables.curated, properties[PROP_COMMIT_ID])
        # Rejects after the MERGE: a run that dies in between is retried over the same RAW
        # range, its MERGE changes nothing, and the rejects are written once.
        if rejected:
            rejects.writeTo(tables.curated_rejects).option(f"snapshot-property.{PROP_RAW_SNAPSHOT_ID}", str(end)).append()
        return _result(merged, written, rejected, raw_seq, end)
    finally:
        for df in cached:
            df.unpersist()


def _rebuild(spark, tables: TopicTables, scope, rejects, rejected: int, raw_seq: int, end: int, job_run_id, cached) -> dict[str, Any]:
    """Steps 4 and 5 of a rebuild: the batch replaces the rows of the keys in scope, one commit."""
    d = spark_dialect()
    batch = persist_as_view(spark, spark.table("curation_batch"), "curation_batch")
    cached.append(batch)
    written = batch.count()
    # Keys in scope the rebuild no longer produces (every version rejected) leave the table.
    gone = None if scope is None else scope.join(batch.select("idempotency_key"), "idempotency_key", "left_anti")
    with_tombstones(batch, gone).createOrReplaceTempView("curation_rebuild_source")
    statement = render_job(
        "curation_rebuild_merge",
        d,
        {"curated_table": tables.curated, "source": "curation_rebuild_source", "in_scope": in_scope(scope is None)},
    )
    properties = {PROP_JOB: "curation", PROP_RAW_SEQ: str(raw_seq), PROP_RAW_SNAPSHOT_ID: str(end)}
    merged = merge_rebuilt(spark, tables.curated, statement, properties, job_run_id)
    # After the MERGE, as in an ordinary run: a rebuild retried after a crash in between
    # replaces them again and leaves the same rejects.
    reject_properties = {PROP_RAW_SNAPSHOT_ID: str(end), PROP_REBUILD: "true"}
    replace_rejects(spark, d, tables.curated_rejects, rejects, scope, reject_properties)
    return _result(merged, written, rejected, raw_seq, end)


def _result(curated, written: int, rejected: int, raw_seq: int, end: int) -> dict[str, Any]:
    """The job's token for the scheduler (snapshot ids as text: they are 64-bit)."""
    return {
        "curated_snapshot_id": str(curated.snapshot_id),
        "curated_snapshot_sequence": curated.sequence_number,
        "records_written": int(written),
        "records_rejected": int(rejected),
        "raw_seq": raw_seq,
        "raw_snapshot_id": str(end),
    }

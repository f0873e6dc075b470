"""Iceberg metadata the jobs need that Spark SQL does not expose, through py4j.

* a snapshot's sequence number (``<table>.snapshots`` has no such column);
* commit (snapshot summary) properties on a SQL ``MERGE``: Iceberg's
  ``org.apache.iceberg.spark.CommitMetadata.withCommitProperties`` sets a Java
  ThreadLocal that Iceberg's Spark writers read at commit time. It is called with a
  Python callable exposed to the JVM (py4j callback); PySpark's default pinned-thread
  mode (``PYSPARK_PIN_THREAD=true``, also on Glue) runs the callback and the Java calls it
  makes on one JVM thread. ``tests/spark/test_iceberg_runtime.py`` proves both on
  Spark 3.5.6 + Iceberg 1.10.0 (Glue 5.1). No Spark SQL conf does this (also proven there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, TypeVar

T = TypeVar("T")

#: Summary property: the RAW snapshot sequence number a curated MERGE consumed up to.
PROP_RAW_SEQ = "lean-ops.raw-seq"
#: Summary property: the RAW snapshot id a curated MERGE consumed up to.
PROP_RAW_SNAPSHOT_ID = "lean-ops.raw-snapshot-id"
#: Summary property: the curated snapshot id a semantic MERGE consumed up to.
PROP_CURATED_SNAPSHOT_ID = "lean-ops.curated-snapshot-id"
#: Summary property: the job run that made the commit (Glue JOB_RUN_ID), for lineage.
PROP_JOB_RUN_ID = "lean-ops.job-run-id"
#: Summary property: the job that made the commit (curation, semantic).
PROP_JOB = "lean-ops.job"
#: Summary property: a token unique to one MERGE, to find its snapshot afterwards.
PROP_COMMIT_ID = "lean-ops.commit-id"
#: Summary property: ``true`` on the commit of a rebuild (reprocessing), which replaces rows
#: whatever their versions; lineage tells it from an ordinary MERGE by it.
PROP_REBUILD = "lean-ops.rebuild"


@dataclass(frozen=True)
class SnapshotInfo:
    snapshot_id: int
    sequence_number: int
    parent_id: int | None
    operation: str | None
    summary: Mapping[str, str] = field(default_factory=dict)


def java_table(spark, table: str):
    """The ``org.apache.iceberg.Table`` behind a Spark table name, refreshed."""
    jt = spark._jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark._jsparkSession, table)
    jt.refresh()
    return jt


def _info(js) -> SnapshotInfo:
    parent = js.parentId()
    return SnapshotInfo(
        snapshot_id=int(js.snapshotId()),
        sequence_number=int(js.sequenceNumber()),
        parent_id=None if parent is None else int(parent),
        operation=js.operation(),
        summary=dict(js.summary()),
    )


def snapshot(spark, table: str, snapshot_id: int, jtable=None) -> SnapshotInfo:
    """One snapshot of ``table``; ``LookupError`` when it does not exist (or was expired)."""
    jt = jtable if jtable is not None else java_table(spark, table)
    js = jt.snapshot(spark._jvm.java.lang.Long.valueOf(str(int(snapshot_id))))
    if js is None:
        raise LookupError(f"snapshot {snapshot_id} of {table} does not exist (expired, or of another table?)")
    return _info(js)


def current_snapshot(spark, table: str) -> SnapshotInfo | None:
    js = java_table(spark, table).currentSnapshot()
    return None if js is None else _info(js)


def find_in_ancestry(spark, table: str, snapshot_id: int, key: str) -> tuple[SnapshotInfo, str]:
    """The nearest snapshot at or before ``snapshot_id`` (following parents) whose summary
    has ``key``, and the value. Snapshots made by other writers (compaction writes
    ``replace`` snapshots without our properties) are stepped over."""
    jt = java_table(spark, table)
    current: int | None = int(snapshot_id)
    while current is not None:
        info = snapshot(spark, table, current, jt)
        if key in info.summary:
            return info, info.summary[key]
        current = info.parent_id
    raise LookupError(f"no snapshot of {table} at or before {snapshot_id} carries the summary property {key!r}")


def find_commit(spark, table: str, commit_id: str, max_depth: int = 100) -> SnapshotInfo:
    """The snapshot whose summary has ``lean-ops.commit-id`` = ``commit_id``, searched from
    the current snapshot back (another writer, e.g. compaction, may have committed since)."""
    jt = java_table(spark, table)
    js = jt.currentSnapshot()
    for _ in range(max_depth):
        if js is None:
            break
        info = _info(js)
        if info.summary.get(PROP_COMMIT_ID) == commit_id:
            return info
        js = None if info.parent_id is None else jt.snapshot(spark._jvm.java.lang.Long.valueOf(str(info.parent_id)))
    raise LookupError(f"no snapshot of {table} carries {PROP_COMMIT_ID}={commit_id}: the commit did not happen")


class _PyCallable:
    """A Python function exposed to the JVM as a java.util.concurrent.Callable (py4j callback)."""

    def __init__(self, fn: Callable[[], object]):
        self._fn = fn
        self.result: object = None

    def call(self):  # invoked by the JVM
        self.result = self._fn()
        return None

    class Java:
        implements = ["java.util.concurrent.Callable"]


def with_commit_properties(spark, properties: Mapping[str, str], fn: Callable[[], T]) -> T:
    """Runs ``fn`` (e.g. ``lambda: spark.sql("MERGE INTO ...")``) so that every Iceberg
    commit it makes carries ``properties`` in its snapshot summary. An exception in ``fn``
    propagates (as a py4j error) and the properties are cleared either way."""
    from pyspark.java_gateway import ensure_callback_server_started

    sc = spark.sparkContext
    ensure_callback_server_started(sc._gateway)
    jvm = sc._jvm
    jprops = jvm.java.util.HashMap()
    for key, value in properties.items():
        jprops.put(str(key), str(value))
    callable_ = _PyCallable(fn)
    jvm.org.apache.iceberg.spark.CommitMetadata.withCommitProperties(
        jprops, callable_, jvm.java.lang.Class.forName("java.lang.RuntimeException")
    )
    return callable_.result  # type: ignore[return-value]

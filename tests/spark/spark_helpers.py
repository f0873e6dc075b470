"""Helpers for Spark/Iceberg tests (importable from any test under tests/spark)."""

from __future__ import annotations

from typing import Callable, Mapping, TypeVar

T = TypeVar("T")


def snapshots(spark, table: str) -> list:
    """Rows of ``<table>.snapshots`` oldest first, ordered by parent lineage (not by clock:
    two commits can share a millisecond)."""
    rows = spark.sql(f"SELECT snapshot_id, parent_id, operation, summary FROM {table}.snapshots").collect()
    by_parent = {row.parent_id: row for row in rows}
    ordered, parent = [], None
    while parent in by_parent:
        row = by_parent[parent]
        ordered.append(row)
        parent = row.snapshot_id
    assert len(ordered) == len(rows), f"snapshots of {table} do not form one lineage: {rows}"
    return ordered


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
    """Run ``fn`` (e.g. ``lambda: spark.sql("MERGE INTO ...")``) so that every Iceberg commit
    it makes carries ``properties`` in its snapshot summary.

    Uses Iceberg's ``org.apache.iceberg.spark.CommitMetadata.withCommitProperties``, which
    sets a Java ThreadLocal read by Iceberg's Spark writers at commit time. This works from
    Python because PySpark's default pinned-thread mode (PYSPARK_PIN_THREAD=true) runs the
    py4j callback, and the Java calls it makes, on the same JVM thread.
    """
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


def parquet_bloom_filter_hits(spark, file_path: str, column: str, values: list[str]) -> list[bool] | None:
    """For one Parquet data file: does the bloom filter of ``column`` (a string column) say
    "might contain" for each value? ``None`` when no row group has a bloom filter for it.
    Reads the file with the parquet-hadoop library bundled with Spark, through py4j."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    input_file = jvm.org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(jvm.org.apache.hadoop.fs.Path(file_path), conf)
    reader = jvm.org.apache.parquet.hadoop.ParquetFileReader.open(input_file)
    try:
        filters = []
        for block in reader.getRowGroups():
            for chunk in block.getColumns():
                if chunk.getPath().toDotString() == column:
                    bloom = reader.readBloomFilter(chunk)
                    if bloom is not None:
                        filters.append(bloom)
        if not filters:
            return None
        binary = jvm.org.apache.parquet.io.api.Binary
        return [any(f.findHash(f.hash(binary.fromString(v))) for f in filters) for v in values]
    finally:
        reader.close()

"""Helpers for Spark/Iceberg tests (importable from any test under tests/spark)."""

from __future__ import annotations


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


# The job library's own helper, so tests exercise exactly what the Glue jobs run.
from lean_ops_jobs.iceberg import with_commit_properties  # noqa: E402,F401


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

"""Table health from Iceberg's metadata tables, per table of a topic.

The figures (one dict per table; the same names as ``TableHealth`` in
packages/core/src/ports/table-maintenance.ts and the ``leanops_table_*`` gauges):

=============================  ==========================================================
``data_files``                 live data files (``<t>.data_files``)
``small_files``                live data files under ``small_file_bytes``
``avg_file_bytes``             their average size (0 without files)
``data_bytes``                 their total size
``delete_files``               live delete files, position and equality (``<t>.delete_files``);
                               merge-on-read MERGEs add one or more with every run
``snapshots``                  snapshots kept in the metadata (``<t>.snapshots``)
``oldest_snapshot_age_seconds`` age of the oldest of them (0 without snapshots)
``manifests``                  manifests of the current snapshot, data and delete (``<t>.manifests``)
``metadata_files``             metadata.json versions in the log (``<t>.metadata_log_entries``)
=============================  ==========================================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .ddl import TopicTables, table_name
from .sql import spark_dialect

#: The tables of a topic, by layer name (the ``layer`` label of the health gauges).
LAYERS = ("raw", "curated", "curated_rejects", "semantic", "semantic_rejects")

#: Default small-file threshold: a quarter of Iceberg's 128 MB default row-group target.
DEFAULT_SMALL_FILE_BYTES = 32 * 1024 * 1024

HEALTH_FIELDS = (
    "data_files",
    "small_files",
    "avg_file_bytes",
    "data_bytes",
    "delete_files",
    "snapshots",
    "oldest_snapshot_age_seconds",
    "manifests",
    "metadata_files",
)


@dataclass(frozen=True)
class TableRef:
    """One Iceberg table of a topic: its layer, Spark name (quoted, with catalog) and the
    ``db.table`` identifier the ``system.*`` procedures take."""

    layer: str
    catalog: str
    database: str
    name: str

    @property
    def sql(self) -> str:
        q = spark_dialect().quote
        return f"{q(self.catalog)}.{q(self.database)}.{q(self.name)}"

    @property
    def ident(self) -> str:
        q = spark_dialect().quote
        return f"{q(self.database)}.{q(self.name)}"


def topic_tables(tables: TopicTables) -> list[TableRef]:
    """Every table of the topic whose database is given, in layer order (names as ddl.py's)."""
    names = {
        "raw": (tables.raw_db, f"{tables.topic}_staging"),
        "curated": (tables.curated_db, tables.topic),
        "curated_rejects": (tables.curated_db, f"{tables.topic}_rejects"),
        "semantic": (tables.semantic_db, tables.topic),
        "semantic_rejects": (tables.semantic_db, f"{tables.topic}_semantic_rejects"),
    }
    refs = []
    for layer in LAYERS:
        db, name = names[layer]
        if db is not None:
            table_name(tables.catalog, db, name)  # validates the catalog and database names
            refs.append(TableRef(layer, tables.catalog, db, name))
    return refs


def table_exists(spark, ref: TableRef) -> bool:
    return bool(spark.catalog.tableExists(ref.sql))


def _one(spark, sql: str):
    return spark.sql(sql).collect()[0]


def table_health(spark, ref: TableRef, *, small_file_bytes: int = DEFAULT_SMALL_FILE_BYTES, now: dt.datetime | None = None) -> dict[str, Any]:
    """The health figures of one existing table."""
    t = ref.sql
    files = _one(
        spark,
        f"""SELECT count(*) AS n,
                   COALESCE(sum(CASE WHEN file_size_in_bytes < {int(small_file_bytes)} THEN 1 ELSE 0 END), 0) AS small,
                   COALESCE(sum(file_size_in_bytes), 0) AS bytes
            FROM {t}.data_files""",
    )
    deletes = _one(spark, f"SELECT count(*) AS n FROM {t}.delete_files")
    snaps = _one(spark, f"SELECT count(*) AS n, min(committed_at) AS oldest FROM {t}.snapshots")
    manifests = _one(spark, f"SELECT count(*) AS n FROM {t}.manifests")
    log = _one(spark, f"SELECT count(*) AS n FROM {t}.metadata_log_entries")
    now = now or dt.datetime.now(dt.timezone.utc)
    oldest = snaps.oldest
    if oldest is not None and oldest.tzinfo is None:  # Spark returns session-local naive datetimes
        oldest = oldest.astimezone(dt.timezone.utc)
    n = int(files.n)
    return {
        "data_files": n,
        "small_files": int(files.small),
        "avg_file_bytes": int(files.bytes) // n if n else 0,
        "data_bytes": int(files.bytes),
        "delete_files": int(deletes.n),
        "snapshots": int(snaps.n),
        "oldest_snapshot_age_seconds": max(0, int((now - oldest).total_seconds())) if oldest is not None else 0,
        "manifests": int(manifests.n),
        "metadata_files": int(log.n),
    }


def topic_health(spark, tables: TopicTables, *, small_file_bytes: int = DEFAULT_SMALL_FILE_BYTES) -> list[dict[str, Any]]:
    """One entry per table of the topic: ``{layer, table, exists, <figures>}`` (figures
    only for tables that exist)."""
    out = []
    for ref in topic_tables(tables):
        entry: dict[str, Any] = {"layer": ref.layer, "table": f"{ref.database}.{ref.name}"}
        if table_exists(spark, ref):
            entry.update(exists=True, **table_health(spark, ref, small_file_bytes=small_file_bytes))
        else:
            entry["exists"] = False
        out.append(entry)
    return out

"""What the curation and semantic jobs share when they rebuild rather than apply
(reprocessing, docs/reprocess.md; the request's ``rebuild`` flag).

A rebuild replaces the stored rows of the keys in scope whatever their versions and deletes
those the rebuild no longer produces, in one MERGE (one commit). Spark refuses subqueries
in MERGE conditions (``UNSUPPORTED_MERGE_CONDITION.SUBQUERY``, Spark 3.5.6 + Iceberg
1.10.0), so the keys to delete cannot be a ``WHEN NOT MATCHED BY SOURCE AND key IN (…)``
condition. Instead the MERGE source carries them as tombstone rows: column
``_rebuild_delete`` is false on the rebuilt rows and true on one row per key to delete
(its other columns NULL). A full rebuild needs no tombstones: ``WHEN NOT MATCHED BY SOURCE
AND TRUE THEN DELETE`` removes every stored row the source lacks (the templates'
``{{in_scope}}``, FALSE for a rebuild since a snapshot).
"""

from __future__ import annotations

import uuid

from .iceberg import PROP_COMMIT_ID, PROP_JOB_RUN_ID, PROP_REBUILD, find_commit, with_commit_properties
from .sql import render_job

#: Column of a rebuild MERGE's source: true on the tombstone rows (keys to delete).
REBUILD_DELETE = "_rebuild_delete"


def in_scope(full: bool) -> str:
    """The templates' ``{{in_scope}}``: every stored row the source lacks goes (full), or
    only those the tombstones name."""
    return "TRUE" if full else "FALSE"


def with_tombstones(rows, delete_keys=None):
    """``rows`` flagged as rebuilt, plus one tombstone row per key of ``delete_keys`` (a
    DataFrame with column ``idempotency_key``, distinct) when given."""
    from pyspark.sql.functions import lit

    source = rows.withColumn(REBUILD_DELETE, lit(False))
    if delete_keys is None:
        return source
    tombstones = delete_keys.select("idempotency_key").withColumn(REBUILD_DELETE, lit(True))
    return source.unionByName(tombstones, allowMissingColumns=True)


def replace_rejects(spark, d, rejects_table: str, rejects, scope_keys, properties: dict[str, str]) -> None:
    """Replaces the stored rejects of the keys in scope (``scope_keys``, distinct; None =
    every key) with ``rejects`` in one commit (jobs/sql/rejects_rebuild_merge.sql). Run after
    the layer's MERGE: a rebuild retried after a crash in between writes them again, the
    same."""
    with_tombstones(rejects, scope_keys).createOrReplaceTempView("rebuild_rejects_source")
    statement = render_job(
        "rejects_rebuild_merge",
        d,
        {"rejects_table": rejects_table, "source": "rebuild_rejects_source", "in_scope": in_scope(scope_keys is None)},
    )
    with_commit_properties(spark, properties, lambda: spark.sql(statement))


def merge_rebuilt(spark, table: str, statement: str, properties: dict[str, str], job_run_id: str | None):
    """Runs a layer's rebuild MERGE (``statement``) as one commit with ``properties`` plus the
    rebuild mark, the Glue run id and a commit id, and returns that snapshot."""
    stamped = {**properties, PROP_REBUILD: "true", PROP_COMMIT_ID: uuid.uuid4().hex}
    if job_run_id:
        stamped[PROP_JOB_RUN_ID] = job_run_id
    with_commit_properties(spark, stamped, lambda: spark.sql(statement))
    return find_commit(spark, table, stamped[PROP_COMMIT_ID])

"""lean-ops maintenance job: compaction, expiry and orphan removal of every table of each
topic of a batch, checkpoint-aware (docs/maintenance.md, lean_ops_jobs/maintenance.py).

Targets AWS Glue 5.1: Spark 3.5.6, Python 3.11, Java 17, Scala 2.12, Iceberg 1.10.0.

Glue job default arguments: as curation_job.py (--datalake-formats iceberg,
--extra-py-files lean_ops_jobs.zip, the Iceberg catalog --conf, optional --catalog), plus
  --raw_db / --curated_db / --semantic_db   Glue databases of the topic's tables
  --result_uri                 s3://<artifacts>/job-results/maintenance
  the stage's policy (optional; MaintenancePolicy's defaults otherwise):
  --retention_seconds --retain_last --orphan_older_than_seconds (≥ 86400)
  --small_file_bytes --min_input_files --delete_file_threshold --target_file_bytes
  --sort_orders                JSON object, layer → sort order, e.g. {"curated": "idempotency_key"}
Run arguments (StartJobRun): --batch_uri, the batch document::

    {"job": "maintenance", "topics": [{"topic": "a", "raw_checkpoint": "123" | null,
                                       "curated_checkpoint": "456" | null}, ...]}

(raw_checkpoint: the RAW snapshot id the curated checkpoint holds; curated_checkpoint: the
curated snapshot id the semantic checkpoint holds; neither, nor anything newer, is
expired), and optionally --dry_run true. The result, per topic {"tables": [{layer, table,
status, actions, health_before, health_after, error?}, ...]} or its error, is written to
<result_uri>/<JOB_RUN_ID>.json. A table whose compaction lost against a concurrent writer
has status "retry_later"; the run fails only when every topic failed or the result cannot
be written.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Mapping

from lean_ops_jobs.batch import finish_batch, read_batch, run_topics
from lean_ops_jobs.ddl import TopicTables
from lean_ops_jobs.jobargs import DEFAULT_CATALOG, job_run_id, resolve_args, spark_session
from lean_ops_jobs.maintenance import MaintenancePolicy, maintain_topic

REQUIRED = ["raw_db", "curated_db", "semantic_db", "batch_uri", "result_uri"]
_INT_POLICY = [
    "retention_seconds",
    "retain_last",
    "orphan_older_than_seconds",
    "small_file_bytes",
    "min_input_files",
    "delete_file_threshold",
    "target_file_bytes",
]
OPTIONAL = ["catalog", "JOB_RUN_ID", "dry_run", "sort_orders", *_INT_POLICY]


def policy_of(args: dict[str, Any]) -> MaintenancePolicy:
    values: dict[str, Any] = {}
    for name in _INT_POLICY:
        if args.get(name) not in (None, ""):
            try:
                values[name] = int(str(args[name]))
            except ValueError:
                raise ValueError(f"--{name}: {args[name]!r} is not an integer") from None
    if args.get("sort_orders"):
        orders = json.loads(str(args["sort_orders"]))
        if not isinstance(orders, dict) or not all(isinstance(v, str) for v in orders.values()):
            raise ValueError("--sort_orders: expected a JSON object of layer → sort order text")
        values["sort_orders"] = orders
    return MaintenancePolicy(**values)


def checkpoints_problem(item: Mapping[str, Any]) -> str | None:
    """A maintenance batch's topic: each checkpoint is a snapshot id as text, or null."""
    for key in ("raw_checkpoint", "curated_checkpoint"):
        if item.get(key) is not None and not isinstance(item[key], str):
            return f".{key} must be a snapshot id as text or null"
    return None


def main(argv: list[str] | None = None, spark=None) -> dict:
    args = resolve_args(sys.argv if argv is None else argv, REQUIRED, OPTIONAL)
    run_id = job_run_id(args)
    policy = policy_of(args)
    dry_run = str(args.get("dry_run") or "false").lower() == "true"
    batch = read_batch(args["batch_uri"], "maintenance", topic_problem=checkpoints_problem)
    spark = spark or spark_session()
    catalog = args["catalog"] or DEFAULT_CATALOG

    def maintain(item):
        tables = TopicTables(
            catalog=catalog,
            topic=item["topic"],
            raw_db=args["raw_db"],
            curated_db=args["curated_db"],
            semantic_db=args["semantic_db"],
        )
        return maintain_topic(
            spark,
            tables,
            policy,
            raw_checkpoint=item.get("raw_checkpoint"),
            curated_checkpoint=item.get("curated_checkpoint"),
            dry_run=dry_run,
        )

    return finish_batch(args["result_uri"], "maintenance", run_id, run_topics(batch, maintain))


if __name__ == "__main__":
    main()

"""lean-ops semantic job: curated snapshots (from, to] of each topic of a batch → semantic (contract §5, §6.7).

Targets AWS Glue 5.1: Spark 3.5.6, Python 3.11, Java 17, Scala 2.12, Iceberg 1.10.0.

Glue job default arguments: as curation_job.py (--datalake-formats iceberg,
--extra-py-files lean_ops_jobs.zip, the Iceberg catalog --conf, optional --catalog), plus
  --curated_db / --semantic_db   Glue databases of the curated and semantic tables
  --result_uri                   s3://<artifacts>/job-results/semantic
Run arguments: --batch_uri, the batch document the scheduler wrote: per topic
to_snapshot (the curated snapshot id the curation job returned), from_snapshot (the
semantic checkpoint, null for a first run) and schema (the topic's registered semantic
schema), and rebuild: true for a reprocessing run (rebuild the range's keys rather than
apply them); see lean_ops_jobs/batch.py. A topic whose schema does not parse fails before any
Spark work; the others are applied one after another in this Spark session, one topic's
failure not stopping the others. The result, per topic {records_written, records_rejected,
undeclared_columns, ...} or its error, is written to <result_uri>/<JOB_RUN_ID>.json; the
scheduler logs undeclared columns as drift. The run fails only when every topic failed or
the result cannot be written.
"""

from __future__ import annotations

import sys

from lean_ops_jobs.batch import finish_batch, read_batch, rebuild_of, run_topics
from lean_ops_jobs.jobargs import DEFAULT_CATALOG, job_run_id, resolve_args, spark_session
from lean_ops_jobs.semantic import run_semantic
from lean_ops_jobs.sql import parse_semantic_schema

REQUIRED = ["curated_db", "semantic_db", "batch_uri", "result_uri"]
OPTIONAL = ["catalog", "JOB_RUN_ID"]


def main(argv: list[str] | None = None, spark=None) -> dict:
    args = resolve_args(sys.argv if argv is None else argv, REQUIRED, OPTIONAL)
    run_id = job_run_id(args)
    batch = read_batch(args["batch_uri"], "semantic")
    # Every schema is checked before any Spark work: a bad one fails its topic only.
    schemas = run_topics(batch, lambda item: {"schema": parse_semantic_schema(item.get("schema"), item["topic"])})
    valid = {o["topic"]: o["schema"] for o in schemas if o["ok"]}
    if valid:
        spark = spark or spark_session()
    catalog = args["catalog"] or DEFAULT_CATALOG

    def apply(item):
        return run_semantic(
            spark,
            catalog,
            args["curated_db"],
            args["semantic_db"],
            item["topic"],
            item.get("from_snapshot"),
            item["to_snapshot"],
            valid[item["topic"]],
            job_run_id=run_id,
            rebuild=rebuild_of(item),
        )

    applied = run_topics([item for item in batch if item["topic"] in valid], apply)
    by_topic = {o["topic"]: o for o in [*applied, *(o for o in schemas if not o["ok"])]}
    return finish_batch(args["result_uri"], "semantic", run_id, [by_topic[item["topic"]] for item in batch])


if __name__ == "__main__":
    main()

"""lean-ops semantic job: curated snapshots (from, to] of one topic → semantic (contract §5, §6.7).

Targets AWS Glue 5.1: Spark 3.5.6, Python 3.11, Java 17, Scala 2.12, Iceberg 1.10.0.

Glue job default arguments: as curation_job.py (--datalake-formats iceberg,
--extra-py-files lean_ops_jobs.zip, the Iceberg catalog --conf, optional --catalog), plus
  --curated_db / --semantic_db   Glue databases of the curated and semantic tables
  --result_uri                   s3://<artifacts>/job-results/semantic
Run arguments: --topic, --to_snapshot (the curated snapshot id the curation job returned),
--from_snapshot (the semantic checkpoint; omit, or "none", for the first run),
--schema_json (the topic's registered semantic schema, as JSON).
The result {records_written, records_rejected, undeclared_columns, ...} is written to
<result_uri>/<JOB_RUN_ID>.json; the scheduler logs undeclared columns as drift.
"""

from __future__ import annotations

import sys

from lean_ops_jobs.jobargs import DEFAULT_CATALOG, job_run_id, resolve_args, spark_session
from lean_ops_jobs.results import publish_result, result_document
from lean_ops_jobs.semantic import run_semantic
from lean_ops_jobs.sql import parse_semantic_schema

REQUIRED = ["topic", "curated_db", "semantic_db", "to_snapshot", "schema_json", "result_uri"]
OPTIONAL = ["from_snapshot", "catalog", "JOB_RUN_ID"]


def main(argv: list[str] | None = None, spark=None) -> dict:
    args = resolve_args(sys.argv if argv is None else argv, REQUIRED, OPTIONAL)
    run_id = job_run_id(args)
    schema = parse_semantic_schema(args["schema_json"], args["topic"])  # fail before starting Spark work
    spark = spark or spark_session()
    result = run_semantic(
        spark,
        args["catalog"] or DEFAULT_CATALOG,
        args["curated_db"],
        args["semantic_db"],
        args["topic"],
        args["from_snapshot"],
        args["to_snapshot"],
        schema,
        job_run_id=run_id,
    )
    publish_result(args["result_uri"], run_id, result_document("semantic", run_id, args["topic"], result))
    return result


if __name__ == "__main__":
    main()

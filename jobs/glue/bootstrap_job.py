"""lean-ops bootstrap job: creates a topic's Iceberg tables (run once per topic, idempotent).

Targets AWS Glue 5.1: Spark 3.5.6, Python 3.11, Java 17, Scala 2.12, Iceberg 1.10.0.

Creates, if missing (CREATE TABLE IF NOT EXISTS, jobs/sql/iceberg_ddl_*.sql), with their
Glue databases: RAW {raw_db}.{topic}_staging (partitioned by day(publish_time); Firehose
needs it to exist before it can deliver), curated {curated_db}.{topic} and
{topic}_rejects, and, when --semantic_db is given, {semantic_db}.{topic} and
{topic}_semantic_rejects (with the declared columns of --schema_json, if given).

Glue job default arguments: as curation_job.py (--datalake-formats iceberg,
--extra-py-files lean_ops_jobs.zip, the Iceberg catalog --conf, optional --catalog).
Run arguments: --topic --raw_db --curated_db [--semantic_db] [--schema_json] --result_uri.
The result {tables: [...]} is written to <result_uri>/<JOB_RUN_ID>.json.
"""

from __future__ import annotations

import sys

from lean_ops_jobs.ddl import TopicTables, ensure_curated_tables, ensure_raw_table, ensure_semantic_tables
from lean_ops_jobs.jobargs import DEFAULT_CATALOG, job_run_id, resolve_args, spark_session
from lean_ops_jobs.results import publish_result, result_document
from lean_ops_jobs.sql import parse_semantic_schema

REQUIRED = ["topic", "raw_db", "curated_db", "result_uri"]
OPTIONAL = ["semantic_db", "schema_json", "catalog", "JOB_RUN_ID"]


def main(argv: list[str] | None = None, spark=None) -> dict:
    args = resolve_args(sys.argv if argv is None else argv, REQUIRED, OPTIONAL)
    run_id = job_run_id(args)
    schema = parse_semantic_schema(args["schema_json"], args["topic"]) if args["schema_json"] else None
    if schema is not None and not args["semantic_db"]:
        raise ValueError("--schema_json needs --semantic_db")
    spark = spark or spark_session()
    tables = TopicTables(
        catalog=args["catalog"] or DEFAULT_CATALOG,
        topic=args["topic"],
        raw_db=args["raw_db"],
        curated_db=args["curated_db"],
        semantic_db=args["semantic_db"],
    )
    created = ensure_raw_table(spark, tables) + ensure_curated_tables(spark, tables)
    if args["semantic_db"]:
        created += ensure_semantic_tables(spark, tables, schema)
    result = {"tables": created}
    publish_result(args["result_uri"], run_id, result_document("bootstrap", run_id, args["topic"], result))
    return result


if __name__ == "__main__":
    main()

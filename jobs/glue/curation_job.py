"""lean-ops curation job: RAW snapshots (from, to] of one topic → curated (contract §4, §6.3).

Targets AWS Glue 5.1: Spark 3.5.6, Python 3.11, Java 17, Scala 2.12, Iceberg 1.10.0 (the
versions the Spark test tier runs: pyspark 3.5.6 + iceberg-spark-runtime-3.5_2.12 1.10.0).

Glue job (Spark, glueVersion "5.1", script = this file) default arguments:
  --datalake-formats   iceberg
  --extra-py-files     s3://<artifacts>/lean_ops_jobs.zip   (built by jobs/glue/package.py)
  --conf               spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions
                       --conf spark.sql.catalog.glue_catalog=org.apache.iceberg.spark.SparkCatalog
                       --conf spark.sql.catalog.glue_catalog.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog
                       --conf spark.sql.catalog.glue_catalog.io-impl=org.apache.iceberg.aws.s3.S3FileIO
                       --conf spark.sql.catalog.glue_catalog.warehouse=s3://<lake-bucket>/warehouse/
                       (Glue takes one --conf key; the others ride in its value, as AWS documents)
  --catalog            glue_catalog   (optional; the Spark catalog name configured above)
  --raw_db / --curated_db   Glue databases of the RAW and curated tables
  --result_uri         s3://<artifacts>/job-results/curation
Run arguments (StartJobRun): --topic, --to_snapshot (RAW snapshot id), --from_snapshot
(the curated checkpoint's RAW snapshot id; omit, or "none", for the first run).
Glue adds --JOB_RUN_ID; the result {curated_snapshot_id, records_written, raw_seq, ...}
is written to <result_uri>/<JOB_RUN_ID>.json for the scheduler.
"""

from __future__ import annotations

import sys

from lean_ops_jobs.curation import run_curation
from lean_ops_jobs.jobargs import DEFAULT_CATALOG, job_run_id, resolve_args, spark_session
from lean_ops_jobs.results import publish_result, result_document

REQUIRED = ["topic", "raw_db", "curated_db", "to_snapshot", "result_uri"]
OPTIONAL = ["from_snapshot", "catalog", "JOB_RUN_ID"]


def main(argv: list[str] | None = None, spark=None) -> dict:
    args = resolve_args(sys.argv if argv is None else argv, REQUIRED, OPTIONAL)
    run_id = job_run_id(args)
    spark = spark or spark_session()
    result = run_curation(
        spark,
        args["catalog"] or DEFAULT_CATALOG,
        args["raw_db"],
        args["curated_db"],
        args["topic"],
        args["from_snapshot"],
        args["to_snapshot"],
        job_run_id=run_id,
    )
    publish_result(args["result_uri"], run_id, result_document("curation", run_id, args["topic"], result))
    return result


if __name__ == "__main__":
    main()

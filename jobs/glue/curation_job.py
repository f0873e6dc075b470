"""lean-ops curation job: RAW snapshots (from, to] of each topic of a batch → curated (contract §4, §6.3).

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
Run arguments (StartJobRun): --batch_uri, the batch document the scheduler wrote
(<result_uri>/requests/<id>.json): per topic its RAW snapshot range, from_snapshot (the
curated checkpoint's RAW snapshot id, null for a first run) and to_snapshot (see
lean_ops_jobs/batch.py), and rebuild: true for a reprocessing run, which recomputes the
range's keys from all of RAW up to to_snapshot instead of applying it. The topics are
curated one after another in this Spark session; one topic's failure is its outcome and does not stop the others. Glue adds --JOB_RUN_ID;
the result, per topic {curated_snapshot_id, records_written, raw_seq, ...} or its error, is
written to <result_uri>/<JOB_RUN_ID>.json for the scheduler. The run fails only when every
topic failed or the result cannot be written.
"""

from __future__ import annotations

import sys

from lean_ops_jobs.batch import finish_batch, read_batch, rebuild_of, run_topics
from lean_ops_jobs.curation import run_curation
from lean_ops_jobs.jobargs import DEFAULT_CATALOG, job_run_id, resolve_args, spark_session

REQUIRED = ["raw_db", "curated_db", "batch_uri", "result_uri"]
OPTIONAL = ["catalog", "JOB_RUN_ID"]


def main(argv: list[str] | None = None, spark=None) -> dict:
    args = resolve_args(sys.argv if argv is None else argv, REQUIRED, OPTIONAL)
    run_id = job_run_id(args)
    batch = read_batch(args["batch_uri"], "curation")
    spark = spark or spark_session()
    catalog = args["catalog"] or DEFAULT_CATALOG
    outcomes = run_topics(
        batch,
        lambda item: run_curation(
            spark,
            catalog,
            args["raw_db"],
            args["curated_db"],
            item["topic"],
            item.get("from_snapshot"),
            item["to_snapshot"],
            job_run_id=run_id,
            rebuild=rebuild_of(item),
        ),
    )
    return finish_batch(args["result_uri"], "curation", run_id, outcomes)


if __name__ == "__main__":
    main()

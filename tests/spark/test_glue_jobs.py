"""The Glue entry points (jobs/glue/*_job.py) end to end on the local Spark + Iceberg
session: the batch documents they read, the result files they publish for the scheduler
(one outcome per topic), and their argument parsing (awsglue's getResolvedOptions on Glue,
argparse elsewhere)."""

from __future__ import annotations

import json
import sys
import types

import bootstrap_job
import curation_job
import pytest
import semantic_job
from glue_support import T0_MS, append_raw, event, raw_of
from lean_ops_jobs.batch import BatchFailedError, read_batch
from lean_ops_jobs.ddl import TopicTables
from lean_ops_jobs.jobargs import resolve_args
from lean_ops_jobs.results import publish_result, read_result, result_document

SCHEMA = {"topic": "telemetry", "version": 1, "columns": [{"name": "temperature", "type": "double", "required": True}]}


_batches = iter(range(1, 1_000_000))


def batch_file(tmp_path, job: str, *topics: dict) -> str:
    """A batch document as GlueJobRunner writes it (there to S3, here to a local file)."""
    path = tmp_path / "requests" / f"{job}-{next(_batches)}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"job": job, "topics": list(topics)}), encoding="utf-8")
    return str(path)


def only(document: dict, topic: str = "telemetry") -> dict:
    """The outcome of ``topic`` in a batch result document."""
    [outcome] = [o for o in document["topics"] if o["topic"] == topic]
    return outcome


@pytest.fixture
def tables(spark) -> TopicTables:
    for suffix in ("raw", "cur", "sem"):
        spark.sql(f"DROP NAMESPACE IF EXISTS lake.jobs_{suffix} CASCADE")
    return TopicTables("lake", "telemetry", raw_db="jobs_raw", curated_db="jobs_cur", semantic_db="jobs_sem")


def test_bootstrap_curation_and_semantic_jobs_pass_tokens_through_result_files(spark, tables, tmp_path):
    results = tmp_path / "results"
    common = ["--catalog", "lake", "--result_uri", str(results)]

    # Prepare: bootstrap creates every table (Firehose needs RAW to exist), partitioned as specified.
    boot = bootstrap_job.main(
        ["bootstrap_job.py", *common, "--topic", "telemetry", "--raw_db", "jobs_raw", "--curated_db", "jobs_cur", "--semantic_db", "jobs_sem",
         "--schema_json", json.dumps(SCHEMA), "--JOB_RUN_ID", "jr_boot"],
        spark=spark,
    )
    assert len(boot["tables"]) == 5
    assert read_result(str(results), "jr_boot")["tables"] == boot["tables"]
    partitioning = {
        t: [r.data_type for r in spark.sql(f"DESCRIBE TABLE EXTENDED {t}").collect() if r.col_name.startswith("Part ")]
        for t in (tables.raw, tables.curated, tables.semantic)
    }
    assert partitioning[tables.raw] == ["days(publish_time)"]
    assert partitioning[tables.curated] == partitioning[tables.semantic] == [
        "period_reference",
        "days(publish_time)",
        "bucket(16, idempotency_key)",
    ]
    for t in (tables.curated, tables.semantic):
        props = {r.key: r.value for r in spark.sql(f"SHOW TBLPROPERTIES {t}").collect()}
        assert props["write.parquet.bloom-filter-enabled.column.idempotency_key"] == "true"
        assert props["format-version"] == "2"
    raw_props = {r.key: r.value for r in spark.sql(f"SHOW TBLPROPERTIES {tables.raw}").collect()}
    assert not any(k.startswith("write.parquet.bloom-filter") for k in raw_props)
    assert "temperature" in spark.table(tables.semantic).columns

    # Act: one pipeline run, as the Step Function passes tokens (no lookups in between).
    s1 = append_raw(
        spark,
        tables,
        [
            raw_of(event("a", "2024-03-01T10:00:00Z", {"temperature": 20}), T0_MS),
            raw_of(event("b", "2024-03-01T10:00:00Z", {"temperature": "hot"}), T0_MS),
        ],
    )
    curation_job.main(
        ["curation_job.py", *common, "--raw_db", "jobs_raw", "--curated_db", "jobs_cur",
         "--batch_uri", batch_file(tmp_path, "curation", {"topic": "telemetry", "from_snapshot": None, "to_snapshot": str(s1)}),
         "--JOB_RUN_ID", "jr_cur_1", "--JOB_NAME", "ignored-by-the-job"],
        spark=spark,
    )
    cur1 = only(read_result(str(results), "jr_cur_1"))
    semantic_job.main(
        ["semantic_job.py", *common, "--curated_db", "jobs_cur", "--semantic_db", "jobs_sem",
         "--batch_uri", batch_file(tmp_path, "semantic", {"topic": "telemetry", "from_snapshot": None,
                                                          "to_snapshot": cur1["curated_snapshot_id"], "schema": SCHEMA}),
         "--JOB_RUN_ID", "jr_sem_1"],
        spark=spark,
    )
    sem1 = only(read_result(str(results), "jr_sem_1"))

    # A second run from the checkpoints the first one left.
    s2 = append_raw(spark, tables, [raw_of(event("b", "2024-03-01T11:00:00Z", {"temperature": 25, "new": 1}), T0_MS + 1, "m-b2")])
    curation_job.main(
        ["curation_job.py", *common, "--raw_db", "jobs_raw", "--curated_db", "jobs_cur",
         "--batch_uri", batch_file(tmp_path, "curation", {"topic": "telemetry", "from_snapshot": str(s1), "to_snapshot": str(s2)}),
         "--JOB_RUN_ID", "jr_cur_2"],
        spark=spark,
    )
    cur2 = only(read_result(str(results), "jr_cur_2"))
    semantic_job.main(
        ["semantic_job.py", *common, "--curated_db", "jobs_cur", "--semantic_db", "jobs_sem",
         "--batch_uri", batch_file(tmp_path, "semantic", {"topic": "telemetry", "from_snapshot": cur1["curated_snapshot_id"],
                                                          "to_snapshot": cur2["curated_snapshot_id"], "schema": SCHEMA}),
         "--JOB_RUN_ID", "jr_sem_2"],
        spark=spark,
    )
    sem2 = only(read_result(str(results), "jr_sem_2"))

    # Assess: result documents carry the tokens and counts; the lake holds the outcome.
    document = read_result(str(results), "jr_cur_1")
    assert (document["job"], document["job_run_id"], len(document["topics"])) == ("curation", "jr_cur_1", 1)
    assert {k: cur1[k] for k in ("topic", "ok", "records_written", "records_rejected")} == {
        "topic": "telemetry",
        "ok": True,
        "records_written": 2,
        "records_rejected": 0,
    }
    assert isinstance(cur1["curated_snapshot_id"], str) and cur1["raw_snapshot_id"] == str(s1)
    assert cur2["raw_seq"] > cur1["raw_seq"]
    assert {k: sem1[k] for k in ("records_written", "records_rejected", "undeclared_columns")} == {
        "records_written": 1,
        "records_rejected": 1,
        "undeclared_columns": [],
    }
    assert {k: sem2[k] for k in ("records_written", "records_rejected", "undeclared_columns")} == {
        "records_written": 1,
        "records_rejected": 0,
        "undeclared_columns": ["new"],
    }
    rows = {r.idempotency_key: r.temperature for r in spark.table(tables.semantic).collect()}
    assert rows == {"a": 20.0, "b": 25.0}

    # Only a redelivered version arrives: nothing wins, so no MERGE and no new curated
    # snapshot; the token repeats the last one (the scheduler ends NoNewCuratedData).
    s3 = append_raw(spark, tables, [raw_of(event("b", "2024-03-01T11:00:00Z", {"temperature": 25, "new": 1}), T0_MS + 1, "m-b2")])
    curation_job.main(
        ["curation_job.py", *common, "--raw_db", "jobs_raw", "--curated_db", "jobs_cur",
         "--batch_uri", batch_file(tmp_path, "curation", {"topic": "telemetry", "from_snapshot": str(s2), "to_snapshot": str(s3)}),
         "--JOB_RUN_ID", "jr_cur_3"],
        spark=spark,
    )
    cur3 = only(read_result(str(results), "jr_cur_3"))
    assert cur3["records_written"] == 0
    assert cur3["curated_snapshot_id"] == cur2["curated_snapshot_id"]
    assert cur3["raw_snapshot_id"] == str(s3)
    assert sorted(p.name for p in results.iterdir()) == [
        f"{r}.json" for r in ("jr_boot", "jr_cur_1", "jr_cur_2", "jr_cur_3", "jr_sem_1", "jr_sem_2")
    ]


def test_a_batch_where_one_topic_fails_still_curates_the_other(spark, tmp_path):
    # Prepare: telemetry has RAW data; "ghost" has no RAW table at all.
    results = tmp_path / "results"
    tables = TopicTables("lake", "telemetry", raw_db="batch_raw", curated_db="batch_cur", semantic_db="batch_sem")
    s1 = append_raw(spark, tables, [raw_of(event("a", "2024-03-01T10:00:00Z", {"temperature": 20}), T0_MS)])
    batch = batch_file(
        tmp_path,
        "curation",
        {"topic": "ghost", "from_snapshot": None, "to_snapshot": "1"},
        {"topic": "telemetry", "from_snapshot": None, "to_snapshot": str(s1)},
    )

    # Act
    curation_job.main(
        ["curation_job.py", "--catalog", "lake", "--raw_db", "batch_raw", "--curated_db", "batch_cur",
         "--batch_uri", batch, "--result_uri", str(results), "--JOB_RUN_ID", "jr_two"],
        spark=spark,
    )

    # Assess: ghost failed with its error; telemetry was curated in the same run.
    document = read_result(str(results), "jr_two")
    assert [o["topic"] for o in document["topics"]] == ["ghost", "telemetry"]
    ghost, telemetry = document["topics"]
    assert ghost["ok"] is False and "curation of ghost" in ghost["error"]
    assert telemetry["ok"] is True and telemetry["records_written"] == 1
    assert [r.idempotency_key for r in spark.table(tables.curated).collect()] == ["a"]


def test_a_batch_where_every_topic_fails_writes_its_result_then_fails_the_run(spark, tmp_path):
    results = tmp_path / "results"
    batch = batch_file(tmp_path, "curation", {"topic": "ghost", "from_snapshot": None, "to_snapshot": "1"})

    with pytest.raises(BatchFailedError, match="every topic of the curation batch failed: ghost: JobFailedError"):
        curation_job.main(
            ["curation_job.py", "--catalog", "lake", "--raw_db", "nowhere_raw", "--curated_db", "nowhere_cur",
             "--batch_uri", batch, "--result_uri", str(results), "--JOB_RUN_ID", "jr_none"],
            spark=spark,
        )
    assert only(read_result(str(results), "jr_none"), "ghost")["ok"] is False


def test_semantic_job_fails_a_topic_with_a_bad_schema_before_any_spark_work(tmp_path):
    bad = {"topic": "other", "version": 1, "columns": [{"name": "x", "type": "long"}]}
    batch = batch_file(tmp_path, "semantic", {"topic": "telemetry", "from_snapshot": None, "to_snapshot": "1", "schema": bad})

    with pytest.raises(BatchFailedError, match="schema is for 'other'"):
        semantic_job.main(
            ["semantic_job.py", "--curated_db", "c", "--semantic_db", "s", "--batch_uri", batch,
             "--result_uri", str(tmp_path / "results"), "--JOB_RUN_ID", "jr_bad"],
            spark=object(),  # never touched
        )
    assert "schema is for 'other'" in only(read_result(str(tmp_path / "results"), "jr_bad"))["error"]


def test_batch_documents_are_read_from_s3_and_checked(tmp_path, monkeypatch):
    from moto import mock_aws

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with mock_aws():
        import boto3

        s3 = boto3.client("s3", region_name="eu-west-1")
        s3.create_bucket(Bucket="artifacts", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        topics = [{"topic": "a", "from_snapshot": None, "to_snapshot": "9223372036854775807"}]
        s3.put_object(Bucket="artifacts", Key="job-results/curation/requests/r1.json",
                      Body=json.dumps({"job": "curation", "topics": topics}))
        assert read_batch("s3://artifacts/job-results/curation/requests/r1.json", "curation") == topics
        with pytest.raises(ValueError, match="not a semantic batch"):
            read_batch("s3://artifacts/job-results/curation/requests/r1.json", "semantic")
    twice = batch_file(tmp_path, "curation", topics[0], topics[0])
    with pytest.raises(ValueError, match="topic 'a' appears twice"):
        read_batch(twice, "curation")
    with pytest.raises(ValueError, match="non-empty list"):
        read_batch(batch_file(tmp_path, "curation"), "curation")


def test_arguments_without_awsglue_use_argparse_and_ignore_glue_extras():
    args = resolve_args(
        ["job.py", "--topic", "t", "--JOB_ID", "j_1", "--to_snapshot", "5", "--enable-metrics", "true"],
        ["topic", "to_snapshot"],
        ["from_snapshot", "JOB_RUN_ID"],
    )
    assert args == {"topic": "t", "to_snapshot": "5", "from_snapshot": None, "JOB_RUN_ID": None}
    with pytest.raises(SystemExit):
        resolve_args(["job.py", "--topic", "t"], ["topic", "to_snapshot"])


def test_arguments_on_glue_go_through_get_resolved_options(monkeypatch):
    calls = []

    def get_resolved_options(argv, options):  # the shape of awsglue.utils.getResolvedOptions
        calls.append(list(options))
        out = {}
        for name in options:
            if f"--{name}" not in argv:
                raise RuntimeError(f"argument --{name} is required")
            out[name] = argv[argv.index(f"--{name}") + 1]
        return out

    awsglue = types.ModuleType("awsglue")
    utils = types.ModuleType("awsglue.utils")
    utils.getResolvedOptions = get_resolved_options
    awsglue.utils = utils
    monkeypatch.setitem(sys.modules, "awsglue", awsglue)
    monkeypatch.setitem(sys.modules, "awsglue.utils", utils)

    argv = ["job.py", "--JOB_RUN_ID", "jr_9", "--topic", "t", "--to_snapshot", "7"]
    args = resolve_args(argv, ["topic", "to_snapshot"], ["from_snapshot", "JOB_RUN_ID"])
    # Optional names are asked for only when present, as getResolvedOptions fails on missing ones.
    assert calls == [["topic", "to_snapshot", "JOB_RUN_ID"]]
    assert args == {"topic": "t", "to_snapshot": "7", "from_snapshot": None, "JOB_RUN_ID": "jr_9"}


def test_results_go_to_s3_keyed_by_job_run_id(monkeypatch):
    from moto import mock_aws

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with mock_aws():
        import boto3

        s3 = boto3.client("s3", region_name="eu-west-1")
        s3.create_bucket(Bucket="artifacts", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        doc = result_document("curation", "jr_abc", "telemetry", {"curated_snapshot_id": "9223372036854775807", "records_written": 3})
        uri = publish_result("s3://artifacts/job-results/curation/", "jr_abc", doc)
        assert uri == "s3://artifacts/job-results/curation/jr_abc.json"
        obj = s3.get_object(Bucket="artifacts", Key="job-results/curation/jr_abc.json")
        assert obj["ContentType"] == "application/json"
        body = json.loads(obj["Body"].read())
        assert body["curated_snapshot_id"] == "9223372036854775807"
        assert read_result("s3://artifacts/job-results/curation", "jr_abc") == body
    with pytest.raises(ValueError, match="job run id"):
        publish_result("s3://artifacts/x", "../escape", doc)

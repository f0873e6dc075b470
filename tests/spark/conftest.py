"""Shared fixtures for the Spark test tier (Glue 5.1 stand-in: Spark 3.5.6 + Iceberg 1.10.0).

One real local SparkSession serves the whole pytest session (JVM start-up costs ~5 s),
with Iceberg's runtime jar from .cache/jars (put there by scripts/provision.sh) and a
Hadoop catalog named ``lake`` whose warehouse is a temporary folder.

Reusable pieces for later tests (e.g. of the Glue jobs):
  * ``spark``       session-scoped SparkSession
  * ``warehouse``   the ``lake`` catalog's warehouse folder (pathlib.Path)
  * ``ns``          a fresh, empty namespace per test, e.g. ``lake.test_merge_by_name``
  * helpers in spark_helpers.py (``snapshots``, ``with_commit_properties``, ...)
  * glue_support.py: RAW records and a Firehose stand-in for the Glue job tests
    (jobs/glue is on pytest's pythonpath, so ``import lean_ops_jobs`` works)
  * test_conformance.py runs last; its DuckDB side starts in the background at collection

Missing prerequisites FAIL the tests (never skip): run `npm run provision` first.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Keep in sync with scripts/provision.sh (ICEBERG_ARTIFACT / ICEBERG_JAR).
ICEBERG_VERSION = "1.10.0"
ICEBERG_JAR = Path(
    os.environ.get(
        "LEAN_OPS_ICEBERG_JAR",
        ROOT / ".cache" / "jars" / f"iceberg-spark-runtime-3.5_2.12-{ICEBERG_VERSION}.jar",
    )
)
CATALOG = "lake"
PROVISION_HINT = "run `npm run provision` (or `bash scripts/provision.sh`) first"


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("iceberg-warehouse")


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory, warehouse: Path):
    if not ICEBERG_JAR.is_file():
        pytest.fail(f"Iceberg Spark runtime jar not found at {ICEBERG_JAR}: {PROVISION_HINT}", pytrace=False)
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - only without provisioning
        pytest.fail(f"pyspark is not importable ({exc}): {PROVISION_HINT}", pytrace=False)

    # Executors (Python UDFs) must use this interpreter (.venv), and Spark must not go
    # looking for the host's external address.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")

    scratch = tmp_path_factory.mktemp("spark")
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("lean-ops-spark-tests")
        .config("spark.jars", str(ICEBERG_JAR))
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
        .config(f"spark.sql.catalog.{CATALOG}", "org.apache.iceberg.spark.SparkCatalog")
        .config(f"spark.sql.catalog.{CATALOG}.type", "hadoop")
        .config(f"spark.sql.catalog.{CATALOG}.warehouse", str(warehouse))
        .config("spark.driver.memory", "1g")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(scratch / "spark-warehouse"))
        .config("spark.local.dir", str(scratch / "local"))
        .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={scratch}")
    )
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # e.g. "Java gateway process exited before sending its port number"
        pytest.fail(f"could not start a local SparkSession ({exc}); needs Java >= 17: {PROVISION_HINT}", pytrace=False)
    session.sparkContext.setLogLevel("WARN")
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture
def ns(spark, request: pytest.FixtureRequest) -> str:
    """A fresh namespace in the ``lake`` catalog, named after the test."""
    name = re.sub(r"[^0-9a-zA-Z_]", "_", request.node.name).lower()[:80]
    namespace = f"{CATALOG}.{name}"
    spark.sql(f"DROP NAMESPACE IF EXISTS {namespace} CASCADE")
    spark.sql(f"CREATE NAMESPACE {namespace}")
    return namespace


def pytest_collection_modifyitems(session, config, items):
    """Conformance tests run last, and their DuckDB runs (Node, in a background thread)
    start now, so they overlap the Spark tests instead of adding to the tier's time."""
    conformance = [item for item in items if item.path.name == "test_conformance.py"]
    if not conformance:
        return
    items.sort(key=lambda item: item.path.name == "test_conformance.py")  # stable: order kept otherwise
    from conformance_support import DuckDbRuns

    runs = DuckDbRuns.get()
    # The plain runs first: the first comparisons need them first. The rebuild tests' runs
    # (run-duckdb.ts --rebuild) go after them.
    for rebuild in (False, True):
        for item in conformance:
            path = getattr(item, "callspec", None) and item.callspec.params.get("path")
            if path is not None and ("rebuild" in item.originalname) == rebuild:
                runs.start(path, rebuild)


def pytest_sessionfinish(session, exitstatus):
    from conformance_support import DuckDbRuns

    if DuckDbRuns._instance is not None:
        DuckDbRuns._instance.close()

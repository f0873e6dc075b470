"""lean-ops lake jobs for AWS Glue 5.1 (Spark 3.5.6, Python 3.11, Iceberg 1.10.0).

Shipped to Glue with ``--extra-py-files`` (a zip built by ``jobs/glue/package.py``); the
entry points ``jobs/glue/{bootstrap,curation,semantic}_job.py`` only parse arguments and
call these functions. The SQL is ``jobs/sql``, shared with the DuckDB engine.
"""

from .curation import JobFailedError, run_curation
from .ddl import TopicTables, ensure_curated_tables, ensure_raw_table, ensure_semantic_tables
from .results import publish_result, read_result
from .semantic import run_semantic
from .sql import curated_column_name, parse_semantic_schema

__all__ = [
    "JobFailedError",
    "TopicTables",
    "curated_column_name",
    "ensure_curated_tables",
    "ensure_raw_table",
    "ensure_semantic_tables",
    "parse_semantic_schema",
    "publish_result",
    "read_result",
    "run_curation",
    "run_semantic",
]

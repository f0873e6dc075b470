"""Job arguments and the SparkSession of the Glue entry points.

On Glue, ``awsglue.utils.getResolvedOptions`` reads ``--name value`` pairs from
``sys.argv``; it knows only required names, so optional ones are resolved when present.
Elsewhere (tests, a local spark-submit) argparse reads the same names. Unknown
arguments (Glue adds ``--JOB_ID``, ``--JOB_NAME``, ``--TempDir``, …) are ignored.
"""

from __future__ import annotations

import argparse
import os
import uuid
from typing import Iterable, Sequence

#: Catalog name used when ``--catalog`` is absent: the Glue Data Catalog as an Iceberg catalog.
DEFAULT_CATALOG = "glue_catalog"


def resolve_args(argv: Sequence[str], required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, str | None]:
    required, optional = list(required), list(optional)
    present = [name for name in optional if f"--{name}" in argv]
    try:
        from awsglue.utils import getResolvedOptions  # type: ignore[import-not-found]
    except ImportError:
        getResolvedOptions = None
    if getResolvedOptions is not None:
        resolved = getResolvedOptions(list(argv), required + present)
        return {name: resolved.get(name) for name in required + optional}
    parser = argparse.ArgumentParser(allow_abbrev=False)
    for name in required:
        parser.add_argument(f"--{name}", required=True)
    for name in optional:
        parser.add_argument(f"--{name}", default=None)
    known, _ = parser.parse_known_args(list(argv)[1:])
    return vars(known)


def job_run_id(args: dict[str, str | None]) -> str:
    """Glue passes ``--JOB_RUN_ID``; a local run without one gets a fresh id."""
    return args.get("JOB_RUN_ID") or os.environ.get("JOB_RUN_ID") or f"local_{uuid.uuid4().hex}"


def spark_session():
    """The session Glue created (with the job's ``--conf`` and ``--datalake-formats iceberg``),
    or a new local one outside Glue."""
    from pyspark.sql import SparkSession

    return SparkSession.builder.getOrCreate()

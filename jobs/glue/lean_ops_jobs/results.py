"""Publishing a job's result for the scheduler (contract §6: token passing).

A Glue job run cannot return a value, so each job writes its result as one JSON object to
``<result_uri>/<job_run_id>.json``: an S3 prefix in AWS (``s3://bucket/prefix``, written
with boto3, which Glue provides) or a local folder in tests (a path or ``file://`` URI,
written atomically). The scheduler, which knows the run id from ``StartJobRun``, reads it
after ``GetJobRun`` reports SUCCEEDED; nothing is looked up again in the lake.

The object holds the job's result fields at the top level (e.g. ``curated_snapshot_id``,
``records_written``) plus ``job``, ``job_run_id``, ``topic`` and ``finished_at``.
Snapshot ids are strings (64-bit integers do not survive JSON numbers in JavaScript).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlparse

_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,254}\Z")


def result_location(result_uri: str, job_run_id: str) -> str:
    """Where the result of ``job_run_id`` goes under ``result_uri``."""
    if not _RUN_ID.match(job_run_id or ""):
        raise ValueError(f"{job_run_id!r} is not a job run id")
    if not result_uri:
        raise ValueError("result_uri is empty")
    return f"{result_uri.rstrip('/')}/{job_run_id}.json"


def result_document(job: str, job_run_id: str, topic: str, result: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **result,
        "job": job,
        "job_run_id": job_run_id,
        "topic": topic,
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z"),
    }


def publish_result(
    result_uri: str,
    job_run_id: str,
    document: Mapping[str, Any],
    *,
    s3_client: Any = None,
) -> str:
    """Writes ``document`` as JSON to ``<result_uri>/<job_run_id>.json``; returns that URI."""
    location = result_location(result_uri, job_run_id)
    body = json.dumps(document, sort_keys=True, ensure_ascii=False).encode("utf-8")
    parsed = urlparse(location)
    if parsed.scheme == "s3":
        if s3_client is None:
            import boto3  # provided by Glue; only needed for S3 results

            s3_client = boto3.client("s3")
        s3_client.put_object(
            Bucket=parsed.netloc, Key=parsed.path.lstrip("/"), Body=body, ContentType="application/json"
        )
        return location
    if parsed.scheme not in ("", "file"):
        raise ValueError(f"result_uri {result_uri!r}: only s3:// URIs and local paths are supported")
    path = Path(parsed.path if parsed.scheme == "file" else location)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return str(path)


def read_result(result_uri: str, job_run_id: str, *, s3_client: Any = None) -> dict[str, Any]:
    """Reads a published result back (tests, operators)."""
    location = result_location(result_uri, job_run_id)
    parsed = urlparse(location)
    if parsed.scheme == "s3":
        if s3_client is None:
            import boto3

            s3_client = boto3.client("s3")
        obj = s3_client.get_object(Bucket=parsed.netloc, Key=parsed.path.lstrip("/"))
        return json.loads(obj["Body"].read())
    path = Path(parsed.path if parsed.scheme == "file" else location)
    return json.loads(path.read_text(encoding="utf-8"))

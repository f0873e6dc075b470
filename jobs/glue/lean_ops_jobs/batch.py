"""One Glue run for many topics: the batch the scheduler sends, and the outcome per topic.

The scheduler (``GlueJobRunner``) writes the batch as a JSON document and starts the job
with ``--batch_uri`` pointing at it (an S3 URI in AWS, a local path in tests): Glue caps a
run's arguments at 260 KB, which 20 topics with wide semantic schemas can pass::

    {"job": "curation", "topics": [{"topic": "a", "from_snapshot": "12" | null, "to_snapshot": "34"}, ...]}

(semantic entries also carry ``"schema"``, the topic's registered semantic schema). An entry
may carry ``"rebuild": true`` (a JSON boolean; reprocessing, docs/reprocess.md): the topic's
range is rebuilt rather than applied (``run_curation``/``run_semantic`` with ``rebuild``).

The job processes the topics one after another in its one Spark session, each with the
per-topic function (``run_curation``, ``run_semantic``), and catches each topic's failure
into its outcome: one failing topic neither fails nor rolls back the others (each topic's
MERGE is its own Iceberg commit). The result document, at ``<result_uri>/<JOB_RUN_ID>.json``::

    {"job": ..., "job_run_id": ..., "finished_at": ...,
     "topics": [{"topic": "a", "ok": true, <the function's result fields>},
                {"topic": "b", "ok": false, "error": "JobFailedError: ..."}]}

The run ends FAILED only when the document cannot be written or every topic failed (then
there is nothing to hand on, and Glue's own state and alarms show it); a partial failure is a
SUCCEEDED run whose failed topics the scheduler retries alone.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import traceback
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import urlparse

from .results import publish_result


class BatchFailedError(RuntimeError):
    """Every topic of the batch failed (the result document was written first)."""


def ranged_topic_problem(item: Mapping[str, Any]) -> str | None:
    """The check of a curation or semantic batch's topic: it needs its range's ``to_snapshot``,
    and ``rebuild``, when present, is a JSON boolean."""
    if not isinstance(item.get("to_snapshot"), str):
        return " needs a string to_snapshot"
    if "rebuild" in item and not isinstance(item["rebuild"], bool):
        return f" has rebuild {item['rebuild']!r}: rebuild must be true or false"
    return None


def rebuild_of(item: Mapping[str, Any]) -> bool:
    """Whether a checked batch entry asks for a rebuild (absent: no)."""
    return item.get("rebuild") is True


def read_batch(
    batch_uri: str,
    job: str,
    *,
    s3_client: Any = None,
    topic_problem: Callable[[Mapping[str, Any]], str | None] = ranged_topic_problem,
) -> list[dict[str, Any]]:
    """The topics of the batch document at ``batch_uri`` (``s3://…`` or a local path), checked:
    written for ``job``, a non-empty list of distinct topics, each passing ``topic_problem``
    (which returns what is wrong with an entry, or None; by default it needs ``to_snapshot``)."""
    parsed = urlparse(batch_uri)
    if parsed.scheme == "s3":
        if s3_client is None:
            import boto3  # provided by Glue

            s3_client = boto3.client("s3")
        body = s3_client.get_object(Bucket=parsed.netloc, Key=parsed.path.lstrip("/"))["Body"].read()
        text = body.decode("utf-8")
    elif parsed.scheme in ("", "file"):
        text = Path(parsed.path if parsed.scheme == "file" else batch_uri).read_text(encoding="utf-8")
    else:
        raise ValueError(f"batch_uri {batch_uri!r}: only s3:// URIs and local paths are supported")
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("job") != job:
        raise ValueError(f"batch {batch_uri}: not a {job} batch (job is {document.get('job') if isinstance(document, dict) else None!r})")
    topics = document.get("topics")
    if not isinstance(topics, list) or not topics:
        raise ValueError(f"batch {batch_uri}: topics must be a non-empty list")
    seen: set[str] = set()
    for i, item in enumerate(topics):
        if not isinstance(item, dict) or not isinstance(item.get("topic"), str):
            raise ValueError(f"batch {batch_uri}: topics[{i}] needs a string topic")
        problem = topic_problem(item)
        if problem is not None:
            raise ValueError(f"batch {batch_uri}: topics[{i}]{problem}")
        if item["topic"] in seen:
            raise ValueError(f"batch {batch_uri}: topic {item['topic']!r} appears twice")
        seen.add(item["topic"])
    return topics


def run_topics(
    items: Sequence[Mapping[str, Any]], run_one: Callable[[Mapping[str, Any]], Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Runs ``run_one`` for each topic in order; a topic's exception becomes its failed outcome."""
    outcomes: list[dict[str, Any]] = []
    for item in items:
        topic = item["topic"]
        try:
            outcomes.append({**run_one(item), "topic": topic, "ok": True})
        except Exception as exc:  # noqa: BLE001 - one topic's failure must not end the others
            print(f"lean-ops: topic {topic} failed:", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            outcomes.append({"topic": topic, "ok": False, "error": f"{type(exc).__name__}: {exc}"})
    return outcomes


def batch_document(job: str, job_run_id: str, outcomes: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "job": job,
        "job_run_id": job_run_id,
        "topics": list(outcomes),
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z"),
    }


def finish_batch(result_uri: str, job: str, job_run_id: str, outcomes: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Publishes the result document; raises ``BatchFailedError`` afterwards when every topic failed."""
    document = batch_document(job, job_run_id, outcomes)
    publish_result(result_uri, job_run_id, document)
    failed = [o for o in outcomes if not o["ok"]]
    if outcomes and len(failed) == len(outcomes):
        detail = "; ".join(f"{o['topic']}: {o['error']}" for o in failed)
        raise BatchFailedError(f"every topic of the {job} batch failed: {detail}"[:2000])
    return document

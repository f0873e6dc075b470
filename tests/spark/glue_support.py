"""Helpers for the Glue job tests: RAW rows as the ingest worker writes them, and a RAW
append that stands in for Firehose (one DataFrameWriterV2 append = one RAW snapshot)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any, Iterable, Mapping

from lean_ops_jobs.ddl import TopicTables, ensure_raw_table
from lean_ops_jobs.iceberg import current_snapshot

RAW_FIELDS = (
    "topic",
    "idempotency_key",
    "device_id",
    "event_timestamp",
    "publish_time",
    "period_reference",
    "json_payload",
    "ingested_at",
    "source_message_id",
)
_TIMESTAMPS = ("event_timestamp", "publish_time", "ingested_at")
_counter = itertools.count(1)

T0_MS = int(dt.datetime(2024, 3, 1, 12, tzinfo=dt.timezone.utc).timestamp() * 1000)


def micros_text(value: dt.datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (the RAW text form of a timestamp)."""
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ms_text(ms: int) -> str:
    return micros_text(dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc))


def event(key: str, ts: str, payload: Any, **extra: Any) -> dict[str, Any]:
    """A message body, like ``event`` in packages/lake/tests/helpers/raw-fixtures.ts."""
    return {
        "topic": "telemetry",
        "device_id": "dev-1",
        "event_timestamp": ts,
        "idempotency_key": key,
        "payload": payload,
        **extra,
    }


def raw_of(body: Mapping[str, Any], publish_time_ms: int, source_message_id: str | None = None) -> dict[str, str]:
    """A RAW record of a message body with RFC 3339 UTC ``event_timestamp`` and an explicit
    ``idempotency_key`` (the cases these tests need of the ingest transform)."""
    ts = dt.datetime.fromisoformat(str(body["event_timestamp"]).replace("Z", "+00:00"))
    return {
        "topic": body["topic"],
        "idempotency_key": body["idempotency_key"],
        "device_id": body["device_id"],
        "event_timestamp": micros_text(ts),
        "publish_time": ms_text(publish_time_ms),
        "period_reference": body.get("period_reference") or ts.astimezone(dt.timezone.utc).strftime("%Y-%m"),
        "json_payload": json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        "ingested_at": ms_text(publish_time_ms + 5),
        "source_message_id": source_message_id or f"m{next(_counter):06d}",
    }


def append_raw(spark, tables: TopicTables, rows: Iterable[Mapping[str, str]]) -> int:
    """Appends RAW records (timestamps as RAW text) as one snapshot; returns its id."""
    ensure_raw_table(spark, tables)
    data = [tuple(r[f] for f in RAW_FIELDS) for r in rows]
    df = spark.createDataFrame(data, ", ".join(f"{f} string" for f in RAW_FIELDS))
    df = df.selectExpr(*(f"CAST({f} AS TIMESTAMP) AS {f}" if f in _TIMESTAMPS else f for f in RAW_FIELDS))
    df.writeTo(tables.raw).append()
    return current_snapshot(spark, tables.raw).snapshot_id

"""Helpers for the Glue job tests: RAW rows as the ingest worker writes them, and a RAW
append that stands in for Firehose (one DataFrameWriterV2 append = one RAW snapshot). The
append takes the rows through the wire form Firehose receives (``encodeRawRecord`` in
packages/core: timestamps as epoch microseconds) and decodes them with the dialect's
``timestamp_of_micros``, as the DuckDB engine's RAW commit does."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any, Iterable, Mapping

from lean_ops_jobs.ddl import TopicTables, ensure_raw_table
from lean_ops_jobs.iceberg import current_snapshot
from lean_ops_jobs.sql import spark_dialect

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
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
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


def text_micros(text: str) -> int:
    """Epoch microseconds of a RAW timestamp text ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (years
    0001-9999), by integer arithmetic: the wire value ``encodeRawRecord`` writes."""
    value = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    return (value - _EPOCH) // dt.timedelta(microseconds=1)


def wire_of(row: Mapping[str, str]) -> dict[str, Any]:
    """A RAW record in its wire form: the same columns, timestamps as epoch microseconds."""
    return {f: text_micros(row[f]) if f in _TIMESTAMPS else row[f] for f in RAW_FIELDS}


def append_raw(spark, tables: TopicTables, rows: Iterable[Mapping[str, str]]) -> int:
    """Appends RAW records (timestamps as RAW text) as one snapshot, through their wire
    form (epoch microseconds, decoded by the dialect); returns the snapshot id."""
    ensure_raw_table(spark, tables)
    wire = [wire_of(r) for r in rows]
    data = [tuple(w[f] for f in RAW_FIELDS) for w in wire]
    df = spark.createDataFrame(data, ", ".join(f"{f} {'bigint' if f in _TIMESTAMPS else 'string'}" for f in RAW_FIELDS))
    d = spark_dialect()
    df = df.selectExpr(*(f"{d.timestamp_of_micros(f)} AS {f}" if f in _TIMESTAMPS else f for f in RAW_FIELDS))
    df.writeTo(tables.raw).append()
    return current_snapshot(spark, tables.raw).snapshot_id

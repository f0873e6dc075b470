"""Iceberg maintenance of every table of a topic, checkpoint-aware (docs/maintenance.md).

Per table, in this order (Iceberg 1.10.0 ``system.*`` procedures):

1. ``rewrite_data_files`` (binpack, or the layer's sort order): small files are bin-packed,
   and a data file with at least ``delete-file-threshold`` delete files is rewritten with
   its merge-on-read deletes applied (``remove-dangling-deletes`` drops the delete files
   left pointing at nothing). ``partial-progress.enabled``: file groups commit on their own,
   so a conflict loses one group, not the run.
2. ``rewrite_position_delete_files`` (``rewrite-all``): compacts the position deletes left
   on files step 1 did not rewrite, and drops the dangling ones (they point at data files
   compaction replaced; ``remove-dangling-deletes`` does not catch them all).
3. ``rewrite_manifests``.
4. ``expire_snapshots`` with ``older_than`` = min(now − retention, commit time of the
   oldest snapshot a checkpoint still needs) and ``retain_last`` ≥ 1. Iceberg expires only
   snapshots strictly older than ``older_than``, so a protected snapshot and every newer
   one stay: the curated checkpoint's RAW snapshot on RAW, the semantic checkpoint's
   curated snapshot on curated (an incremental read from an expired start snapshot fails:
   "Starting snapshot … is not a parent ancestor"). A protected id the table does not hold
   stops the expiry of that table (nothing is expired, the outcome says why).
5. ``remove_orphan_files`` with ``older_than`` ≥ 24 h (Iceberg 1.10 refuses less): files
   of a write in progress are younger than that.

A conflict with a concurrent writer (``ValidationException``, ``CommitFailedException``,
or file groups that partial progress could not commit) makes the table's outcome
``retry_later``: the next maintenance run tries again; it is not a failure of the job.
Compaction commits ``replace`` snapshots, which incremental append scans skip, so an
incremental curation never re-reads compacted rows.

``dry_run``: nothing is written; the outcome lists the health and what expiry and orphan
removal would delete.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any, Mapping

from .ddl import TopicTables
from .health import DEFAULT_SMALL_FILE_BYTES, TableRef, table_exists, table_health, topic_tables

#: Iceberg 1.10's ``remove_orphan_files`` refuses ``older_than`` younger than this.
MIN_ORPHAN_AGE_SECONDS = 24 * 3600

_CONFLICT = re.compile(
    r"org\.apache\.iceberg\.exceptions\.(ValidationException|CommitFailedException)"
    r"|\b(ValidationException|CommitFailedException)\b"
    # rewrite_data_files with partial progress: some file groups' commits failed.
    r"|partial-progress\.enabled is true but \d+ rewrite commits failed"
)


class MaintenanceConfigError(ValueError):
    """A maintenance policy value is out of range; the message names it."""


@dataclass(frozen=True)
class MaintenancePolicy:
    """What maintenance keeps and rewrites; one per stage (the Glue job's arguments)."""

    #: Snapshots younger than this are kept (Iceberg's default: 5 days).
    retention_seconds: int = 5 * 86400
    #: Snapshots kept whatever their age (≥ 1).
    retain_last: int = 1
    #: Unreferenced files younger than this are never removed (≥ 24 h).
    orphan_older_than_seconds: int = 3 * 86400
    #: Files under this count in health as small.
    small_file_bytes: int = DEFAULT_SMALL_FILE_BYTES
    #: A file group is rewritten when it holds at least this many files.
    min_input_files: int = 5
    #: A data file with at least this many delete files is rewritten (its deletes folded).
    delete_file_threshold: int = 1
    #: Target size of rewritten files; None = the table's ``write.target-file-size-bytes``.
    target_file_bytes: int | None = None
    #: Most commits of one rewrite with partial progress.
    max_commits: int = 10
    #: Per layer, a sort order for ``rewrite_data_files`` (e.g. ``{"curated": "idempotency_key"}``); binpack otherwise.
    sort_orders: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = []
        if self.retention_seconds < 0:
            problems.append(f"retention_seconds: must be ≥ 0 (got {self.retention_seconds})")
        if self.retain_last < 1:
            problems.append(f"retain_last: must be ≥ 1 (got {self.retain_last})")
        if self.orphan_older_than_seconds < MIN_ORPHAN_AGE_SECONDS:
            problems.append(
                f"orphan_older_than_seconds: must be ≥ {MIN_ORPHAN_AGE_SECONDS} (24 h; Iceberg 1.10 refuses less), got {self.orphan_older_than_seconds}"
            )
        for name in ("small_file_bytes", "min_input_files", "delete_file_threshold", "max_commits"):
            if getattr(self, name) < 1:
                problems.append(f"{name}: must be ≥ 1 (got {getattr(self, name)})")
        if self.target_file_bytes is not None and self.target_file_bytes < 1:
            problems.append(f"target_file_bytes: must be ≥ 1 (got {self.target_file_bytes})")
        if problems:
            raise MaintenanceConfigError("maintenance policy: " + "; ".join(problems))


def is_conflict(exc: BaseException) -> bool:
    """A commit lost against a concurrent writer (to retry later), through py4j's wrapping."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _CONFLICT.search(f"{type(current).__name__}: {current}"):
            return True
        java = getattr(current, "java_exception", None)
        if java is not None and _CONFLICT.search(str(java)):
            return True
        current = current.__cause__ or current.__context__
    return False


def _ts(moment: dt.datetime) -> str:
    """A Spark TIMESTAMP literal of an aware datetime, in UTC (independent of the session zone)."""
    utc = moment.astimezone(dt.timezone.utc)
    return f"TIMESTAMP '{utc.strftime('%Y-%m-%d %H:%M:%S.%f')}+00:00'"


def _lit(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _options(options: Mapping[str, str]) -> str:
    return "map(" + ", ".join(f"{_lit(k)}, {_lit(v)}" for k, v in options.items()) + ")"


def _row(df) -> dict[str, int]:
    rows = df.collect()
    return {k: int(v) for k, v in rows[0].asDict().items() if isinstance(v, int)} if rows else {}


def snapshot_times(spark, ref: TableRef) -> dict[int, dt.datetime]:
    """Commit time (UTC) of every snapshot the table holds."""
    out = {}
    for r in spark.sql(f"SELECT snapshot_id, committed_at FROM {ref.sql}.snapshots").collect():
        at = r.committed_at
        out[int(r.snapshot_id)] = (at if at.tzinfo else at.astimezone()).astimezone(dt.timezone.utc)
    return out


def expiry_cutoff(
    spark, ref: TableRef, policy: MaintenancePolicy, protected: list[int], now: dt.datetime
) -> tuple[dt.datetime, list[int]]:
    """``older_than`` for the table, and the protected ids it does not hold (then nothing may be expired)."""
    cutoff = now - dt.timedelta(seconds=policy.retention_seconds)
    if not protected:
        return cutoff, []
    times = snapshot_times(spark, ref)
    missing = [sid for sid in protected if sid not in times]
    for sid in protected:
        if sid in times:
            cutoff = min(cutoff, times[sid])
    return cutoff, missing


def _would_expire(spark, ref: TableRef, cutoff: dt.datetime, retain_last: int) -> int:
    """How many snapshots expiry would remove (dry run): older than the cutoff, outside the
    newest ``retain_last`` of the current lineage and not referenced by a branch or tag."""
    times = snapshot_times(spark, ref)
    refs = {int(r.snapshot_id) for r in spark.sql(f"SELECT snapshot_id FROM {ref.sql}.refs").collect()}
    parents = {int(r.snapshot_id): r.parent_id for r in spark.sql(f"SELECT snapshot_id, parent_id FROM {ref.sql}.snapshots").collect()}
    current = _current_id(spark, ref)
    kept, sid = set(), current
    while sid is not None and len(kept) < retain_last and sid in parents:
        kept.add(sid)
        sid = None if parents[sid] is None else int(parents[sid])
    return sum(1 for s, at in times.items() if at < cutoff and s not in kept and s not in refs)


def _current_id(spark, ref: TableRef) -> int | None:
    rows = spark.sql(f"SELECT snapshot_id FROM {ref.sql}.refs WHERE name = 'main'").collect()
    return int(rows[0].snapshot_id) if rows else None


def compact(spark, ref: TableRef, policy: MaintenancePolicy) -> dict[str, int]:
    """``rewrite_data_files`` with partial progress, folding merge-on-read deletes."""
    options = {
        "partial-progress.enabled": "true",
        "partial-progress.max-commits": str(policy.max_commits),
        # Groups that lost against a concurrent commit are otherwise only logged: with 0
        # the action raises after committing the others, and the table is retried later.
        "partial-progress.max-failed-commits": "0",
        "min-input-files": str(policy.min_input_files),
        "delete-file-threshold": str(policy.delete_file_threshold),
        "remove-dangling-deletes": "true",
    }
    if policy.target_file_bytes is not None:
        options["target-file-size-bytes"] = str(policy.target_file_bytes)
    sort = policy.sort_orders.get(ref.layer)
    strategy = f"strategy => 'sort', sort_order => {_lit(sort)}" if sort else "strategy => 'binpack'"
    catalog = ref.catalog
    return _row(
        spark.sql(
            f"CALL {catalog}.system.rewrite_data_files(table => {_lit(ref.ident)}, {strategy}, options => {_options(options)})"
        )
    )


def rewrite_position_deletes(spark, ref: TableRef, policy: MaintenancePolicy) -> dict[str, int]:
    # Every delete file, however few: the ones compaction left pointing at replaced data
    # files (dangling) are dropped only when their group is rewritten. They are small.
    options = {"partial-progress.enabled": "true", "rewrite-all": "true"}
    return _row(
        spark.sql(
            f"CALL {ref.catalog}.system.rewrite_position_delete_files(table => {_lit(ref.ident)}, options => {_options(options)})"
        )
    )


def rewrite_manifests(spark, ref: TableRef) -> dict[str, int]:
    return _row(spark.sql(f"CALL {ref.catalog}.system.rewrite_manifests(table => {_lit(ref.ident)})"))


def expire_snapshots(spark, ref: TableRef, cutoff: dt.datetime, retain_last: int) -> dict[str, int]:
    return _row(
        spark.sql(
            f"CALL {ref.catalog}.system.expire_snapshots(table => {_lit(ref.ident)}, older_than => {_ts(cutoff)}, retain_last => {int(retain_last)})"
        )
    )


def remove_orphans(spark, ref: TableRef, older_than_seconds: int, now: dt.datetime, *, dry_run: bool = False) -> int:
    """Unreferenced files older than ``older_than_seconds`` removed (or, dry, found); their number."""
    if older_than_seconds < MIN_ORPHAN_AGE_SECONDS:
        raise MaintenanceConfigError(
            f"orphan_older_than_seconds: must be ≥ {MIN_ORPHAN_AGE_SECONDS} (24 h; Iceberg 1.10 refuses less), got {older_than_seconds}"
        )
    cutoff = now - dt.timedelta(seconds=older_than_seconds)
    rows = spark.sql(
        f"CALL {ref.catalog}.system.remove_orphan_files(table => {_lit(ref.ident)}, older_than => {_ts(cutoff)}, dry_run => {'true' if dry_run else 'false'})"
    ).collect()
    return len(rows)


def maintain_table(
    spark,
    ref: TableRef,
    policy: MaintenancePolicy,
    *,
    protected: list[int] | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Maintains one table; returns its outcome ``{layer, table, status, actions, health_before,
    health_after, error?}``; ``status`` is ``done``, ``dry_run``, ``retry_later`` (a concurrent
    writer won: the rest of this table's steps wait for the next run), ``skipped`` (no such
    table yet) or ``failed``."""
    now = now or dt.datetime.now(dt.timezone.utc)
    outcome: dict[str, Any] = {"layer": ref.layer, "table": f"{ref.database}.{ref.name}", "actions": {}}
    if not table_exists(spark, ref):
        return {**outcome, "status": "skipped", "reason": "the table does not exist yet"}
    actions = outcome["actions"]
    outcome["health_before"] = table_health(spark, ref, small_file_bytes=policy.small_file_bytes, now=now)
    protected = [int(p) for p in (protected or [])]
    try:
        cutoff, missing = expiry_cutoff(spark, ref, policy, protected, now)
        outcome["expire_older_than"] = cutoff.isoformat().replace("+00:00", "Z")
        if dry_run:
            actions["would_expire_snapshots"] = 0 if missing else _would_expire(spark, ref, cutoff, policy.retain_last)
            actions["would_remove_orphan_files"] = remove_orphans(spark, ref, policy.orphan_older_than_seconds, now, dry_run=True)
            outcome["status"] = "dry_run"
            if missing:
                outcome["error"] = _missing_text(missing)
            return outcome
        rewritten = compact(spark, ref, policy)
        actions["rewrite_data_files"] = rewritten
        if rewritten.get("failed_data_files_count", 0) > 0:
            # Partial progress: the groups that lost against a concurrent commit are counted, not thrown.
            outcome.update(status="retry_later", error=f"{rewritten['failed_data_files_count']} data files were not rewritten: a concurrent commit won")
            return _after(spark, ref, policy, now, outcome)
        actions["rewrite_position_delete_files"] = rewrite_position_deletes(spark, ref, policy)
        actions["rewrite_manifests"] = rewrite_manifests(spark, ref)
        if missing:
            outcome.update(status="failed", error=_missing_text(missing))
            return _after(spark, ref, policy, now, outcome)
        actions["expire_snapshots"] = expire_snapshots(spark, ref, cutoff, policy.retain_last)
        actions["remove_orphan_files"] = {"orphan_files_count": remove_orphans(spark, ref, policy.orphan_older_than_seconds, now)}
        outcome["status"] = "done"
    except Exception as exc:  # noqa: BLE001 - one table's failure must not end the others
        if is_conflict(exc):
            outcome.update(status="retry_later", error=_short(exc))
        else:
            print(f"lean-ops: maintenance of {ref.sql} failed:", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            outcome.update(status="failed", error=_short(exc))
    return _after(spark, ref, policy, now, outcome)


def _after(spark, ref: TableRef, policy: MaintenancePolicy, now: dt.datetime, outcome: dict[str, Any]) -> dict[str, Any]:
    try:
        outcome["health_after"] = table_health(spark, ref, small_file_bytes=policy.small_file_bytes, now=now)
    except Exception as exc:  # noqa: BLE001 - the outcome stands without it
        outcome["health_after_error"] = _short(exc)
    return outcome


def _missing_text(missing: list[int]) -> str:
    ids = ", ".join(str(m) for m in missing)
    return f"checkpoint snapshot(s) {ids} not in the table (expired or of another table): no snapshot expired"


def _short(exc: BaseException) -> str:
    """One line: the Java exception's own text for py4j errors (whose first line is generic)."""
    java = getattr(exc, "java_exception", None)
    text = str(java) if java is not None else f"{type(exc).__name__}: {exc}"
    return (text.splitlines() or [""])[0][:1000]


def _snapshot_ids(value: Any, what: str) -> list[int]:
    if value is None:
        return []
    text = str(value).strip()
    if text.lower() in ("", "none", "null"):
        return []
    try:
        return [int(text)]
    except ValueError:
        raise ValueError(f"{what}: {value!r} is not an Iceberg snapshot id") from None


def maintain_topic(
    spark,
    tables: TopicTables,
    policy: MaintenancePolicy,
    *,
    raw_checkpoint: int | str | None = None,
    curated_checkpoint: int | str | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Maintains every table of the topic. ``raw_checkpoint``: the RAW snapshot the curated
    checkpoint holds; ``curated_checkpoint``: the curated snapshot the semantic checkpoint
    holds. Returns ``{"tables": [outcome, ...]}``; raises only when every existing table failed."""
    protect = {
        "raw": _snapshot_ids(raw_checkpoint, "raw_checkpoint"),
        "curated": _snapshot_ids(curated_checkpoint, "curated_checkpoint"),
    }
    now = now or dt.datetime.now(dt.timezone.utc)
    outcomes = [
        maintain_table(spark, ref, policy, protected=protect.get(ref.layer), dry_run=dry_run, now=now)
        for ref in topic_tables(tables)
    ]
    attempted = [o for o in outcomes if o["status"] != "skipped"]
    if attempted and all(o["status"] == "failed" for o in attempted):
        detail = "; ".join(f"{o['table']}: {o.get('error')}" for o in attempted)
        raise RuntimeError(f"maintenance of {tables.topic} failed on every table: {detail}"[:2000])
    return {"tables": outcomes}

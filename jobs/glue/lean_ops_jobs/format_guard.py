"""Keeps the lake's Iceberg tables at format version 2.

Every ``jobs/sql/iceberg_ddl_*.sql`` template creates its table at ``'format-version' = '2'``:
Firehose writes the RAW table in version 2 only, and Snowflake's refresh of an external
Iceberg table fails once the table is upgraded to version 3 (docs/snowflake.md). An upgrade
cannot be undone, so the jobs refuse to make one and refuse to run on a table that has one:

* ``refuse_format_upgrade`` before any ``ALTER TABLE … SET TBLPROPERTIES`` a job issues
  (``ddl._create``): a ``format-version`` above 2 raises ``FormatVersionError``;
* ``check_format_version`` at the start of a semantic run: a semantic table an operator
  upgraded fails the run with a message naming the table, before anything is written.

The DuckDB engine writes no Iceberg metadata (its tables are DuckDB tables), so it has no
format version to guard.
"""

from __future__ import annotations

from typing import Mapping

#: The highest Iceberg format version a lean-ops table may have.
MAX_FORMAT_VERSION = 2
#: The table property (and Spark's reserved ``SHOW TBLPROPERTIES`` key) holding it.
FORMAT_VERSION_PROPERTY = "format-version"

_WHY = (
    "lean-ops keeps its Iceberg tables at format version 2: Snowflake's refresh fails on a version 3 table "
    "and Firehose writes version 2 only; an upgrade cannot be undone (docs/snowflake.md)"
)


class FormatVersionError(RuntimeError):
    """A table is, or would be made, newer than ``MAX_FORMAT_VERSION``."""

    def __init__(self, table: str, version: str, action: str) -> None:
        self.table = table
        self.version = version
        super().__init__(f"{table}: {action} format-version {version}; {_WHY}")


def _version(value: str) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def refuse_format_upgrade(table: str, properties: Mapping[str, str]) -> None:
    """Raises ``FormatVersionError`` when ``properties`` (about to be set on ``table``) upgrade it."""
    for key, value in properties.items():
        if key.strip().lower() != FORMAT_VERSION_PROPERTY:
            continue
        version = _version(value)
        if version is None or version > MAX_FORMAT_VERSION:
            raise FormatVersionError(table, str(value), "refusing to set")


def format_version(spark, table: str) -> int:
    """The format version of ``table`` from its metadata (Iceberg reports it as a reserved property)."""
    rows = spark.sql(f"SHOW TBLPROPERTIES {table} ('{FORMAT_VERSION_PROPERTY}')").collect()
    value = rows[0].value if rows else ""
    version = _version(value)
    if version is None:
        raise FormatVersionError(table, repr(value), "cannot read")
    return version


def check_format_version(spark, table: str) -> int:
    """Raises ``FormatVersionError`` naming ``table`` when it is above ``MAX_FORMAT_VERSION``; else its version."""
    version = format_version(spark, table)
    if version > MAX_FORMAT_VERSION:
        raise FormatVersionError(table, str(version), "the table is at")
    return version

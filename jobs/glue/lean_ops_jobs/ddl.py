"""Iceberg tables of a topic: CREATE TABLE IF NOT EXISTS from ``jobs/sql/iceberg_ddl_*.sql``.

Table names (contract §3–5), in catalog ``catalog`` (``glue_catalog`` on Glue):

==========================  ==========================================
RAW                         ``{raw_db}.{topic}_staging``
curated                     ``{curated_db}.{topic}``
curation rejects            ``{curated_db}.{topic}_rejects``
semantic                    ``{semantic_db}.{topic}``
semantic rejects            ``{semantic_db}.{topic}_semantic_rejects``
==========================  ==========================================

The ``write.*`` table properties of a template (merge-on-read row-level writes, the bloom
filter) are also set on a table that already exists without them, so tables created by an
earlier version get them at the next bootstrap or job run (``ALTER TABLE … SET
TBLPROPERTIES``, only when one differs: each ALTER is a metadata commit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from .format_guard import check_format_version, refuse_format_upgrade
from .sql import TOPIC_NAME_PATTERN, load_template, render_job, spark_dialect

# Glue database names: letters, digits, underscore, hyphen. Catalog names: Spark conf keys.
_NAMESPACE_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}\Z")
_CATALOG_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}\Z")
_TBLPROPERTIES = re.compile(r"^TBLPROPERTIES \((.*?)^\)", re.MULTILINE | re.DOTALL)
_PROPERTY = re.compile(r"'([^']+)'\s*=\s*'([^']*)'")


def check_topic(topic: str) -> str:
    if not isinstance(topic, str) or not TOPIC_NAME_PATTERN.match(topic):
        raise ValueError(f"{topic!r} is not a topic name (^[a-z][a-z0-9_]{{0,62}}$)")
    return topic


def table_name(catalog: str, database: str, table: str) -> str:
    """``catalog.`database`.`table``` with identifiers checked and quoted for Spark SQL."""
    if not _CATALOG_PATTERN.match(catalog or ""):
        raise ValueError(f"{catalog!r} is not a catalog name")
    if not _NAMESPACE_PATTERN.match(database or ""):
        raise ValueError(f"{database!r} is not a database name")
    q = spark_dialect().quote
    return f"{q(catalog)}.{q(database)}.{q(table)}"


@dataclass(frozen=True)
class TopicTables:
    """The Iceberg tables of one topic."""

    catalog: str
    topic: str
    raw_db: str | None = None
    curated_db: str | None = None
    semantic_db: str | None = None

    def __post_init__(self) -> None:
        check_topic(self.topic)

    def _in(self, db: str | None, suffix: str, role: str) -> str:
        if db is None:
            raise ValueError(f"the {role} database was not given")
        return table_name(self.catalog, db, f"{self.topic}{suffix}")

    @property
    def raw(self) -> str:
        return self._in(self.raw_db, "_staging", "RAW")

    @property
    def curated(self) -> str:
        return self._in(self.curated_db, "", "curated")

    @property
    def curated_rejects(self) -> str:
        return self._in(self.curated_db, "_rejects", "curated")

    @property
    def semantic(self) -> str:
        return self._in(self.semantic_db, "", "semantic")

    @property
    def semantic_rejects(self) -> str:
        return self._in(self.semantic_db, "_semantic_rejects", "semantic")


def ensure_namespace(spark, catalog: str, database: str) -> None:
    q = spark_dialect().quote
    table_name(catalog, database, "x")  # validates both names
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {q(catalog)}.{q(database)}")


def template_properties(template: str) -> dict[str, str]:
    """The ``TBLPROPERTIES`` of a ``jobs/sql/iceberg_ddl_*.sql`` template."""
    found = _TBLPROPERTIES.search(load_template(template))
    return dict(_PROPERTY.findall(found.group(1))) if found else {}


def _create(spark, template: str, table: str) -> None:
    spark.sql(render_job(template, spark_dialect(), {"table": table}))
    wanted = {k: v for k, v in template_properties(template).items() if k.startswith("write.")}
    if not wanted:
        return
    have = {r.key: r.value for r in spark.sql(f"SHOW TBLPROPERTIES {table}").collect()}
    stale = {k: v for k, v in wanted.items() if have.get(k) != v}
    if stale:
        refuse_format_upgrade(table, stale)
        d = spark_dialect()
        pairs = ", ".join(f"{d.literal(k)} = {d.literal(v)}" for k, v in sorted(stale.items()))
        spark.sql(f"ALTER TABLE {table} SET TBLPROPERTIES ({pairs})")


def ensure_raw_table(spark, tables: TopicTables) -> list[str]:
    ensure_namespace(spark, tables.catalog, tables.raw_db)  # type: ignore[arg-type]
    _create(spark, "iceberg_ddl_raw", tables.raw)
    return [tables.raw]


def ensure_curated_tables(spark, tables: TopicTables) -> list[str]:
    ensure_namespace(spark, tables.catalog, tables.curated_db)  # type: ignore[arg-type]
    _create(spark, "iceberg_ddl_curated", tables.curated)
    _create(spark, "iceberg_ddl_curated_rejects", tables.curated_rejects)
    return [tables.curated, tables.curated_rejects]


def ensure_semantic_tables(spark, tables: TopicTables, schema: Mapping[str, Any] | None = None) -> list[str]:
    """Creates the semantic tables, and adds the columns a (newer) schema version declares
    that the table lacks. A declared column never changes type: schema versions add columns."""
    ensure_namespace(spark, tables.catalog, tables.semantic_db)  # type: ignore[arg-type]
    _create(spark, "iceberg_ddl_semantic", tables.semantic)
    # Snowflake reads this table: a run on one upgraded past version 2 fails before it writes.
    check_format_version(spark, tables.semantic)
    _create(spark, "iceberg_ddl_semantic_rejects", tables.semantic_rejects)
    if schema is not None:
        d = spark_dialect()
        have = {c.lower() for c in spark.table(tables.semantic).columns}
        missing = [c for c in schema["columns"] if c["name"] not in have]
        if missing:
            columns = ", ".join(f"{d.quote(c['name'])} {d.sql_type(c['type'])}" for c in missing)
            spark.sql(f"ALTER TABLE {tables.semantic} ADD COLUMNS ({columns})")
    return [tables.semantic, tables.semantic_rejects]

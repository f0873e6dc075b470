"""The job SQL shared with the DuckDB engine: templates, dialect and column naming.

A Python twin of ``packages/lake/src/sql/{render,dialect,payload-columns,semantic-columns}.ts``
and ``packages/core/src/column-name.ts``. Both engines render the same ``jobs/sql/*.sql``
templates; every dialect difference is read from ``jobs/sql/dialects.json``, so the two
implementations only have to agree on the small rules written here (placeholder syntax,
quoting, literal escaping, column naming and the shape of the generated select lists).
``tests/spark/test_glue_sql.py`` checks them against the TypeScript output.

Where the SQL files are found (first match wins):

1. ``set_sql_dir(path)`` or the environment variable ``LEAN_OPS_SQL_DIR``;
2. ``lean_ops_jobs/sql/`` inside the package, also when it is imported from a zip
   (``jobs/glue/package.py`` builds that zip for ``--extra-py-files``);
3. ``jobs/sql`` of this repository (the package lives in ``jobs/glue/lean_ops_jobs``);
4. the working directory (Glue copies ``--extra-files`` there).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

#: RAW metadata columns carried into the curated layer (all RAW columns but ``json_payload``).
CURATED_METADATA_COLUMNS: tuple[str, ...] = (
    "topic",
    "idempotency_key",
    "device_id",
    "event_timestamp",
    "publish_time",
    "period_reference",
    "ingested_at",
    "source_message_id",
)
#: Engine bookkeeping column of the curated table: the RAW sequence a row was written from.
RAW_SEQ_COLUMN = "_raw_seq"
#: Columns of the curated table that are not payload columns.
CURATED_FIXED_COLUMNS: frozenset[str] = frozenset((*CURATED_METADATA_COLUMNS, RAW_SEQ_COLUMN))
#: Payload keys whose column name would collide with these get the prefix ``payload_``.
_PREFIXED_NAMES: frozenset[str] = CURATED_FIXED_COLUMNS

SEMANTIC_TYPES: tuple[str, ...] = ("string", "long", "double", "boolean", "timestamp")
TOPIC_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}\Z")

_SQL_DIR_OVERRIDE: Path | None = None


# --------------------------------------------------------------------------- files


def set_sql_dir(path: str | os.PathLike[str] | None) -> None:
    """Read templates and dialects.json from ``path`` (None: back to the default search)."""
    global _SQL_DIR_OVERRIDE
    _SQL_DIR_OVERRIDE = Path(path) if path is not None else None
    _read_sql_file.cache_clear()
    dialects_file.cache_clear()
    table_columns.cache_clear()
    spark_dialect.cache_clear()


def _candidates() -> list[Path | None]:
    """Folders to look in, in order; None stands for the package's own ``sql/`` resources."""
    out: list[Path | None] = []
    if _SQL_DIR_OVERRIDE is not None:
        return [_SQL_DIR_OVERRIDE]
    env = os.environ.get("LEAN_OPS_SQL_DIR")
    if env:
        return [Path(env)]
    out.append(None)
    out.append(Path(__file__).resolve().parent.parent.parent / "sql")  # jobs/glue/lean_ops_jobs -> jobs/sql
    out.append(Path.cwd())
    return out


@lru_cache(maxsize=None)
def _read_sql_file(name: str) -> str:
    tried: list[str] = []
    for folder in _candidates():
        if folder is None:
            try:
                return resources.files(__package__).joinpath("sql", name).read_text(encoding="utf-8")
            except (FileNotFoundError, NotADirectoryError, OSError):
                tried.append(f"package resource {__package__}/sql/{name}")
                continue
        path = folder / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
        tried.append(str(path))
    raise FileNotFoundError(f"job SQL file {name!r} not found; looked in: {', '.join(tried)}")


def load_template(name: str) -> str:
    """The text of ``jobs/sql/<name>.sql``."""
    return _read_sql_file(f"{name}.sql")


@lru_cache(maxsize=None)
def dialects_file() -> Mapping[str, Any]:
    """``jobs/sql/dialects.json``, parsed."""
    return json.loads(_read_sql_file("dialects.json"))


@lru_cache(maxsize=None)
def table_columns() -> Mapping[str, Any]:
    """``jobs/sql/table_columns.json``: the columns of each lake table, in table order."""
    return json.loads(_read_sql_file("table_columns.json"))


# --------------------------------------------------------------------------- dialect

_FILL = re.compile(r"\{([a-z_]+)\}")


def _fill(template: str, values: Mapping[str, str]) -> str:
    """Fills ``{name}`` placeholders of a dialect template; unknown names stay as they are."""
    return _FILL.sub(lambda m: values.get(m.group(1), m.group(0)), template)


@dataclass(frozen=True)
class Dialect:
    """One engine's SQL differences (``dialects.json``), as ``Dialect`` in dialect.ts."""

    name: str
    spec: Mapping[str, Any]
    castable: Mapping[str, str]
    newest_order: str

    def quote(self, identifier: str) -> str:
        q = self.spec["quote"]
        return f"{q['open']}{identifier.replace(q['close'], q['close'] + q['close'])}{q['close']}"

    def literal(self, text: str) -> str:
        if self.spec["literal_escape"] == "double_quote":
            return "'" + text.replace("'", "''") + "'"
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"

    @property
    def payload_map(self) -> str:
        return self.spec["payload_map"]

    def payload_value(self, value: str) -> str:
        """One ``payload_map`` value as the contract's curated text (identity when not declared)."""
        return _fill(self.spec.get("payload_value", "{value}"), {"value": value})

    @property
    def update_all(self) -> str:
        return self.spec["update_all"]

    @property
    def insert_all(self) -> str:
        return self.spec["insert_all"]

    @property
    def explode_keys(self) -> str:
        return self.spec["explode_keys"]

    def full_match(self, expr: str, regex: str) -> str:
        pattern = f"^(?:{regex})$" if self.spec["anchor_pattern"] else regex
        return _fill(self.spec["full_match"], {"expr": expr, "pattern": self.literal(pattern)})

    def sql_type(self, semantic_type: str) -> str:
        return self.spec["types"][semantic_type]

    def timestamp_of_micros(self, value: str) -> str:
        """A timestamp from a BIGINT of UTC epoch microseconds (RAW's wire form), exact."""
        return _fill(self.spec["timestamp_of_micros"], {"value": value})

    def newest_per_key(self, table: str, columns: Sequence[str]) -> str:
        return _fill(
            self.spec["newest_per_key"],
            {"table": table, "columns": ", ".join(self.quote(c) for c in columns), "order": self.newest_order},
        )


def dialect(name: str) -> Dialect:
    spec = dialects_file()
    return Dialect(name=name, spec=spec["dialects"][name], castable=spec["castable"], newest_order=spec["newest_order"])


@lru_cache(maxsize=None)
def spark_dialect() -> Dialect:
    return dialect("spark")


# --------------------------------------------------------------------------- render

_PLACEHOLDER = re.compile(r"\{\{\s*(q:|columns:)?([a-z_][a-z0-9_]*)\s*\}\}", re.IGNORECASE)


def column_definitions(d: Dialect, table: str) -> str | None:
    """``{{columns:<table>}}``: one indented line per column of a lake table, the quoted name
    and the dialect's type, comma-separated (columnDefinitions in table-columns.ts)."""
    columns = table_columns().get(table)
    if not isinstance(columns, list):  # not a table (or the file's _comment)
        return None
    return ",\n".join(f"  {d.quote(c['name'])} {d.sql_type(c['type'])}" for c in columns)


def render(template: str, d: Dialect, values: Mapping[str, str] | None = None) -> str:
    """Fills a template like render.ts: ``{{q:ident}}`` quotes an identifier,
    ``{{columns:table}}`` lists a lake table's columns with the dialect's types, ``{{name}}``
    takes ``values[name]`` or a dialect placeholder; an unknown placeholder is an error."""
    values = values or {}
    built_in = {
        "payload_map": d.payload_map,
        "update_all": d.update_all,
        "insert_all": d.insert_all,
        "explode_keys": d.explode_keys,
        "incoming_wins": dialects_file()["incoming_wins"],
    }

    def replace(m: re.Match[str]) -> str:
        prefix, name = (m.group(1) or "").lower(), m.group(2)
        if prefix == "q:":
            return d.quote(name)
        value = column_definitions(d, name) if prefix == "columns:" else values.get(name, built_in.get(name))
        if value is None:
            raise KeyError(f"SQL template placeholder {{{{{prefix}{name}}}}} has no value for {d.name}")
        return value

    return _PLACEHOLDER.sub(replace, template)


def render_job(name: str, d: Dialect | None = None, values: Mapping[str, str] | None = None) -> str:
    """Renders ``jobs/sql/<name>.sql`` (Spark dialect unless told otherwise)."""
    return render(load_template(name), d or spark_dialect(), values)


# --------------------------------------------------------------------------- curated columns


def curated_column_name(key: str) -> str:
    """Curated column name of a top-level payload key (contract §4), as column-name.ts:
    ASCII-only lower-casing, every code point outside ``[a-z0-9_]`` becomes ``_``, a name
    that collides with a curated metadata column (or ``_raw_seq``) gets the prefix
    ``payload_``, an empty key becomes ``payload_``."""
    chars = []
    for ch in key:  # Python iterates code points, like `for (const ch of key)`
        c = ord(ch)
        if 0x41 <= c <= 0x5A:
            chars.append(chr(c + 0x20))
        elif 0x61 <= c <= 0x7A or 0x30 <= c <= 0x39 or c == 0x5F:
            chars.append(ch)
        else:
            chars.append("_")
    name = "".join(chars)
    return f"payload_{name}" if name == "" or name in _PREFIXED_NAMES else name


def _utf16_order(key: str) -> bytes:
    # JavaScript's default sort compares UTF-16 code units; big-endian UTF-16 bytes compare alike.
    return key.encode("utf-16-be", "surrogatepass")


def columns_of_keys(keys: Iterable[str]) -> dict[str, list[str]]:
    """Curated columns of a set of payload keys. Keys that map to the same column (``Temp``,
    ``temp``) are listed in UTF-16 order; the first that is present and not null wins."""
    columns: dict[str, list[str]] = {}
    for key in sorted(set(keys), key=_utf16_order):
        columns.setdefault(curated_column_name(key), []).append(key)
    return columns


def payload_columns_of(table_columns: Iterable[str]) -> list[str]:
    """The payload columns among a curated table's columns, in table order."""
    return [c for c in table_columns if c not in CURATED_FIXED_COLUMNS]


def payload_column_select(d: Dialect, all_columns: Sequence[str], batch_columns: Mapping[str, Sequence[str]]) -> str:
    """The select list of every curated payload column: the value from ``payload_map`` for
    columns whose keys occur in this increment, NULL for the others (a winning version
    without the key must blank the stored value). Each column starts with its own comma."""
    cast = "VARCHAR" if d.name == "duckdb" else "STRING"
    parts = []
    for column in all_columns:
        keys = batch_columns.get(column, [])
        values = [d.payload_value(f"payload_map[{d.literal(k)}]") for k in keys]
        if not values:
            value = f"CAST(NULL AS {cast})"
        elif len(values) == 1:
            value = values[0]
        else:
            value = f"COALESCE({', '.join(values)})"
        parts.append(f",\n  {value} AS {d.quote(column)}")
    return "".join(parts)


# --------------------------------------------------------------------------- semantic schema


class SchemaError(ValueError):
    """A semantic schema that does not follow contract §5."""


def parse_semantic_schema(schema: Any, topic: str | None = None) -> dict[str, Any]:
    """Validates a semantic schema (as semantic-schema.ts does) and applies defaults
    (``required: false``). Raises ``SchemaError`` naming every problem."""
    if isinstance(schema, (str, bytes)):
        try:
            schema = json.loads(schema)
        except json.JSONDecodeError as exc:
            raise SchemaError(f"semantic schema is not JSON: {exc}") from exc
    problems: list[str] = []
    if not isinstance(schema, dict):
        raise SchemaError("semantic schema must be a JSON object")
    extra = set(schema) - {"topic", "version", "columns"}
    if extra:
        problems.append(f"unknown keys: {sorted(extra)}")
    t = schema.get("topic")
    if not isinstance(t, str) or not TOPIC_NAME_PATTERN.match(t):
        problems.append(f"topic: {t!r} is not a topic name")
    elif topic is not None and t != topic:
        problems.append(f"topic: schema is for {t!r}, the job runs {topic!r}")
    v = schema.get("version")
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        problems.append(f"version: {v!r} is not a positive integer")
    columns = schema.get("columns")
    out_columns: list[dict[str, Any]] = []
    if not isinstance(columns, list) or not columns:
        problems.append("columns: expected a non-empty array")
    else:
        seen: set[str] = set()
        for i, c in enumerate(columns):
            if not isinstance(c, dict):
                problems.append(f"columns[{i}]: expected an object")
                continue
            bad = set(c) - {"name", "type", "required"}
            if bad:
                problems.append(f"columns[{i}]: unknown keys {sorted(bad)}")
            name, typ, req = c.get("name"), c.get("type"), c.get("required", False)
            if not isinstance(name, str) or not 1 <= len(name) <= 128 or curated_column_name(name) != name:
                problems.append(f"columns[{i}].name: {name!r} must be a curated column name ([a-z0-9_], not a metadata column)")
            elif name in seen:
                problems.append(f"columns[{i}].name: duplicate column {name!r}")
            else:
                seen.add(name)
            if typ not in SEMANTIC_TYPES:
                problems.append(f"columns[{i}].type: {typ!r} is not one of {list(SEMANTIC_TYPES)}")
            if not isinstance(req, bool):
                problems.append(f"columns[{i}].required: expected a boolean")
            out_columns.append({"name": name, "type": typ, "required": bool(req)})
    if problems:
        raise SchemaError("Invalid semantic schema:\n  - " + "\n  - ".join(problems))
    return {"topic": t, "version": v, "columns": out_columns}


def _castable(d: Dialect, value: str, column: Mapping[str, Any]) -> str:
    """SQL of "this value casts": the shared pattern, then the engine's try-cast."""
    if column["type"] == "string":
        return "TRUE"
    target = d.sql_type(column["type"])
    try_cast = "TRUE" if column["type"] == "boolean" else f"TRY_CAST({value} AS {target}) IS NOT NULL"
    return f"({d.full_match(value, d.castable[column['type']])} AND {try_cast})"


def _typed_value(d: Dialect, value: str, column: Mapping[str, Any]) -> str:
    if column["type"] == "string":
        return value
    if column["type"] == "boolean":
        return f"({value} = 'true')"
    return f"TRY_CAST({value} AS {d.sql_type(column['type'])})"


def semantic_select(d: Dialect, schema: Mapping[str, Any], curated_columns: Iterable[str]) -> tuple[str, str]:
    """The typed column list and the reject-reason expression of ``semantic_check.sql``
    (semanticSelect in semantic-columns.ts). Declared columns missing from the curated
    table read as NULL."""
    have = set(curated_columns)

    def source(c: Mapping[str, Any]) -> str:
        return f"c.{d.quote(c['name'])}" if c["name"] in have else "NULL"

    typed_parts = []
    for c in schema["columns"]:
        value = source(c)
        if value == "NULL":
            expr = f"CAST(NULL AS {d.sql_type(c['type'])})"
        else:
            expr = f"CASE WHEN {_castable(d, value, c)} THEN {_typed_value(d, value, c)} END"
        typed_parts.append(f",\n  {expr} AS {d.quote(c['name'])}")
    checks = []
    for c in schema["columns"]:
        value = source(c)
        if c.get("required"):
            checks.append(f"WHEN {value} IS NULL THEN {d.literal('missing_required:' + c['name'])}")
        if c["type"] != "string" and value != "NULL":
            checks.append(
                f"WHEN {value} IS NOT NULL AND NOT {_castable(d, value, c)} THEN {d.literal('cast_failed:' + c['name'])}"
            )
    if not checks:
        reason = f"CAST(NULL AS {d.sql_type('string')})"
    else:
        reason = "CASE\n    " + "\n    ".join(checks) + "\n  END"
    return "".join(typed_parts), reason


def semantic_table_columns(schema: Mapping[str, Any]) -> list[str]:
    """Columns of a topic's semantic table, in order: metadata, then the declared columns."""
    return [
        "idempotency_key",
        "device_id",
        "event_timestamp",
        "publish_time",
        "period_reference",
        "source_message_id",
        *(c["name"] for c in schema["columns"]),
    ]

"""Runs SQL on fakesnow (a Snowflake stand-in over DuckDB: there is no Snowflake here).

Reads a JSON object from stdin: ``statements`` (run in order) and ``query`` (its rows are
printed). Prints ``{"columns": [...], "rows": [[...], ...]}`` with every value as text
(timestamps ISO 8601), so the caller compares row sets with another engine's.
Run by tests/integration/snowflake-ddl.test.ts with .venv/bin/python.
"""

from __future__ import annotations

import json
import sys

import fakesnow
import snowflake.connector


def as_text(value: object) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return, union-attr]
    return str(value)


def main() -> None:
    request = json.load(sys.stdin)
    with fakesnow.patch(), snowflake.connector.connect() as conn, conn.cursor() as cur:
        for statement in request["statements"]:
            cur.execute(statement)
        cur.execute(request["query"])
        columns = [d[0] for d in cur.description]
        rows = [[as_text(v) for v in row] for row in cur.fetchall()]
    json.dump({"columns": columns, "rows": rows}, sys.stdout)


if __name__ == "__main__":
    main()

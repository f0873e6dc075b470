#!/usr/bin/env bash
# Spark test tier: real local Spark 3.5.6 + Iceberg 1.10.0 (Glue 5.1), via pytest in .venv.
# Usage: bash scripts/test-spark.sh [extra pytest args...]   (or: npm run test:spark -- ...)
# Never skips: a missing .venv or Iceberg jar is an error. "No tests collected" is an error too.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Keep in sync with scripts/provision.sh and tests/spark/conftest.py.
ICEBERG_JAR=".cache/jars/iceberg-spark-runtime-3.5_2.12-1.10.0.jar"
PY=".venv/bin/python"

fail() {
  printf 'test-spark: ERROR: %s\n' "$1" >&2
  # shellcheck disable=SC2016 # the backquotes are literal text
  printf 'test-spark: run `npm run provision` first (or: bash scripts/provision.sh)\n' >&2
  exit 1
}

[ -x "$PY" ] || fail "the Python virtualenv .venv is missing"
"$PY" -c 'import pyspark, pytest' 2>/dev/null || fail ".venv lacks pyspark or pytest"
[ -s "$ICEBERG_JAR" ] || fail "the Iceberg Spark runtime jar is missing ($ICEBERG_JAR)"
command -v java >/dev/null 2>&1 || fail "java (>= 17) is not on PATH"

status=0
"$PY" -m pytest tests/spark "$@" || status=$?
if [ "$status" -eq 5 ]; then
  printf 'test-spark: ERROR: pytest collected no tests (exit code 5)\n' >&2
  exit 1
fi
exit "$status"

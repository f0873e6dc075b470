#!/usr/bin/env bash
# Provision everything lean-ops needs to build and test on this machine:
#   1. Node.js >= 20.12 + npm, and the npm workspace dependencies (`npm ci`)
#   2. The SST platform in .sst/platform (`sst install`: offline, deploys nothing)
#   3. Python virtualenv .venv with the pinned requirements.txt (pyspark, moto, pytest, ...)
#   4. Java >= 17 (Spark and DynamoDB Local run on it)
#   5. The Iceberg Spark runtime jar (Glue 5.1's Iceberg) in .cache/jars
#   6. redis-server (tests spawn their own instances on free ports)
#   7. Chromium (Debian's chromium package; the status page tests drive it headless)
#   8. promtool in .cache/bin (only that binary, from Debian's pinned prometheus package;
#      the alert rule tests run it)
#   9. The CI checks' tools (scripts/lib/ci-tools.sh: actionlint, gitleaks, zizmor, checkov,
#      bandit, lockfile-lint, SBOM generators; `npm run lint:ci` runs them, docs/ci.md)
#  10. A summary of versions
#
# Idempotent: every step checks first and says "already up to date" when there is
# nothing to do, so a second run takes seconds. Used by newcomers (`npm run provision`)
# and by CI (.ci/run, with CI=true).
#
#   --runtime    only what `lean-ops dev` needs at run time (steps 1, 4 and 6: Node.js,
#                Java, redis-server); `npm start` runs this first. About a second when
#                everything is there.
#   --no-ci-tools  skip step 9 (GitHub jobs that do not run `lint:ci` install it apart)
#
# Missing Debian packages are installed when run as root with apt-get; otherwise the
# script stops with one message saying what to install on Debian/Ubuntu and macOS.
#
# Environment:
#   SKIP_NPM=1             skip the npm step (e.g. while someone else is editing package.json)
#   CI=true                CI mode: never prompt; `npm ci` whenever the install stamp is absent
#   REDIS_URL=redis://…    a running Redis: redis-server is not needed (runtime step)
#   LEAN_OPS_NO_INSTALL=1  never install packages, only say what is missing
#   LEAN_OPS_PROMTOOL=…    a promtool of your own (e.g. macOS: brew install prometheus)
#
# Keep ICEBERG_* in sync with tests/spark/conftest.py and scripts/test-spark.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUNTIME_ONLY=0
CI_TOOLS=1
for arg in "$@"; do
  case "$arg" in
    --runtime) RUNTIME_ONLY=1 ;;
    --no-ci-tools) CI_TOOLS=0 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      printf 'provision.sh: unknown option "%s" (expected --runtime, --no-ci-tools or --help)\n' "$arg" >&2
      exit 2
      ;;
  esac
done

MIN_NODE="20.12.0"
MIN_PYTHON="3.9"          # Glue 5.1 runs Python 3.11; other versions only get a warning
GLUE_PYTHON="3.11"
MIN_JAVA=17
VENV="$ROOT/.venv"
REQUIREMENTS="$ROOT/requirements.txt"
VENV_STAMP="$VENV/.lean-ops-requirements.sha256"
NPM_STAMP="$ROOT/node_modules/.lean-ops-lock.sha256"
# Inside .sst/platform, so deleting the platform deletes its stamp too.
SST_STAMP="$ROOT/.sst/platform/.lean-ops-sst.sha256"
JAR_DIR="$ROOT/.cache/jars"
ICEBERG_ARTIFACT="org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.10.0"
ICEBERG_JAR="$JAR_DIR/iceberg-spark-runtime-3.5_2.12-1.10.0.jar"
# Pinned so that `dependency:copy -Dartifact=...` works without a pom.xml
# (Maven 3.8's default dependency plugin is too old for that).
MVN_DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
# Debian 12's prometheus package; only its promtool is extracted (no service, no install).
# Keep in sync with tests/integration/observability-rules.test.ts (.cache/bin/promtool).
PROMETHEUS_DEB_VERSION="2.42.0+ds-5+deb12u1"
TOOL_BIN="$ROOT/.cache/bin"

START_SECONDS=$SECONDS

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() {
  printf '\nERROR: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '       %s\n' "$line" >&2; done
  exit 1
}

# version_ge A B: true when dotted version A >= B
version_ge() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    die "neither sha256sum nor shasum found" "install coreutils (Debian: apt-get install coreutils)"
  fi
}

is_ci() { [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; }

# shellcheck source=lib/runtime-prerequisites.sh
. "$ROOT/scripts/lib/runtime-prerequisites.sh"

# ---------------------------------------------------------------------------
step "Node.js >= $MIN_NODE and npm"
command -v node >/dev/null 2>&1 ||
  die "Node.js not found on PATH" "install Node.js 20 LTS (>= $MIN_NODE), e.g. 'nvm install 20' or your OS package manager"
NODE_VERSION="$(node -p 'process.versions.node')"
version_ge "$NODE_VERSION" "$MIN_NODE" ||
  die "Node.js $NODE_VERSION is too old: lean-ops needs >= $MIN_NODE" "upgrade Node.js, e.g. 'nvm install 20 && nvm use 20'"
command -v npm >/dev/null 2>&1 ||
  die "npm not found on PATH (Node.js $NODE_VERSION is)" "install npm together with Node.js (it ships with the official Node.js builds)"
info "node $NODE_VERSION, npm $(npm --version)"

if [ "$RUNTIME_ONLY" = "1" ]; then
  runtime_prerequisites
  printf '\nprovision --runtime: done in %ss\n' "$((SECONDS - START_SECONDS))"
  exit 0
fi

step "npm dependencies (npm ci)"
if [ "${SKIP_NPM:-}" = "1" ]; then
  info "skipped (SKIP_NPM=1)"
else
  [ -f package-lock.json ] ||
    die "package-lock.json not found in $ROOT" "run 'npm install' once to create it, and commit it"
  # The stamp covers the lock file and the patches applied at install (patch-package).
  LOCK_SHA="$(sha256_of package-lock.json)"
  for patch in patches/*.patch; do
    [ -f "$patch" ] && LOCK_SHA="$LOCK_SHA $(sha256_of "$patch")"
  done
  if [ -f "$NPM_STAMP" ] && [ -d node_modules ] && [ "$(cat "$NPM_STAMP")" = "$LOCK_SHA" ]; then
    info "already up to date (package-lock.json and patches/ unchanged since the last npm ci)"
  else
    if [ ! -f "$NPM_STAMP" ]; then
      if is_ci; then info "CI: no install stamp, running npm ci"; else info "no install stamp, running npm ci"; fi
    else
      info "package-lock.json or patches/ changed, running npm ci"
    fi
    npm ci --no-audit --no-fund ||
      die "npm ci failed" "check the output above; if package.json and package-lock.json disagree, run 'npm install' and commit the lock file"
    # npm ci wipes node_modules, so the stamp is written only after it succeeded.
    printf '%s\n' "$LOCK_SHA" >"$NPM_STAMP"
    info "installed; stamp written to ${NPM_STAMP#"$ROOT"/}"
  fi
fi

# ---------------------------------------------------------------------------
step "SST platform .sst/platform (sst install, offline)"
# `sst install` writes the SST platform and the Pulumi providers named in sst.config.ts into
# .sst/platform; tsconfig.infra.json and the infra tests need it. It deploys nothing and needs
# no AWS credentials. The platform depends on the sst CLI version and on sst.config.ts, so the
# stamp covers both.
[ -f node_modules/sst/package.json ] ||
  die "the sst CLI is not installed (node_modules/sst is missing)" "run this script without SKIP_NPM=1, or 'npm ci'"
[ -x node_modules/.bin/sst ] ||
  die "node_modules/.bin/sst is missing although node_modules/sst exists" "reinstall: 'npm ci'"
[ -f sst.config.ts ] || die "sst.config.ts not found in $ROOT" "restore it from git: git checkout -- sst.config.ts"
SST_VERSION="$(node -p 'require("./node_modules/sst/package.json").version')"
SST_SHA="sst-$SST_VERSION $(sha256_of sst.config.ts)"
if [ -f "$SST_STAMP" ] && [ -f .sst/platform/config.d.ts ] && [ -d .sst/platform/node_modules/@pulumi/pulumi ] &&
  [ "$(cat "$SST_STAMP")" = "$SST_SHA" ]; then
  info "already up to date (sst $SST_VERSION, sst.config.ts unchanged)"
else
  if [ ! -d .sst/platform/node_modules ]; then
    info "no platform yet: installing sst $SST_VERSION's platform and providers (~1 min, ~320 MB the first time)"
  else
    info "sst or sst.config.ts changed, re-running sst install"
  fi
  rm -f "$SST_STAMP"
  # The local CLI (npx would fetch one from the registry if it were missing); no Bun, no
  # telemetry, no dependency check of the app, and a fixed stage so that no AWS profile or
  # user name is consulted.
  SST_SKIP_DEPENDENCY_CHECK=1 SST_NO_BUN=1 SST_TELEMETRY_DISABLED=1 SST_STAGE=ci node_modules/.bin/sst install ||
    die "sst install failed" "rerun with '--print-logs' for details:" \
      "  SST_SKIP_DEPENDENCY_CHECK=1 SST_NO_BUN=1 SST_TELEMETRY_DISABLED=1 SST_STAGE=ci npx sst install --print-logs"
  [ -f .sst/platform/config.d.ts ] || die "sst install finished but .sst/platform/config.d.ts is missing" "delete .sst and rerun"
  printf '%s\n' "$SST_SHA" >"$SST_STAMP"
  info "installed ($(du -sh .sst/platform | cut -f1)); stamp written to ${SST_STAMP#"$ROOT"/}"
fi

# ---------------------------------------------------------------------------
step "Python virtualenv .venv (requirements.txt)"
command -v python3 >/dev/null 2>&1 ||
  die "python3 not found on PATH" "install Python $GLUE_PYTHON (Glue 5.1's version), e.g. 'apt-get install python3 python3-venv' or pyenv"
PY_VERSION="$(python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
version_ge "$PY_VERSION" "$MIN_PYTHON" ||
  die "python3 is $PY_VERSION: lean-ops needs >= $MIN_PYTHON (Glue 5.1 uses $GLUE_PYTHON)" "install Python $GLUE_PYTHON"
case "$PY_VERSION" in
  "$GLUE_PYTHON".*) ;;
  *) info "warning: python3 is $PY_VERSION; Glue 5.1 runs Python $GLUE_PYTHON, results may differ" ;;
esac
[ -f "$REQUIREMENTS" ] || die "requirements.txt not found in $ROOT" "restore it from git: git checkout -- requirements.txt"

# The stamp covers requirements.txt and the interpreter, so a Python upgrade reinstalls too.
REQ_SHA="$(sha256_of "$REQUIREMENTS") python-$PY_VERSION"
if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  info ".venv is broken (its python does not start), recreating it"
  rm -rf "$VENV"
fi
if [ -x "$VENV/bin/python" ] && [ -f "$VENV_STAMP" ] && [ "$(cat "$VENV_STAMP")" = "$REQ_SHA" ]; then
  info "already up to date (requirements.txt unchanged)"
else
  if [ ! -x "$VENV/bin/python" ]; then
    info "creating .venv with python3 $PY_VERSION"
    python3 -m venv "$VENV" ||
      die "python3 -m venv failed" "install the venv module (Debian/Ubuntu: apt-get install python3-venv), then rerun"
  else
    info "requirements.txt changed, updating .venv"
  fi
  rm -f "$VENV_STAMP"
  # pyspark is a ~300 MB source distribution: the first install takes a minute or more
  # (pip caches the built wheel, so later installs are quick).
  # (sed drops pip's long "already satisfied" list on updates; pipefail keeps pip's status)
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off \
    -r "$REQUIREMENTS" 2>&1 | sed '/^Requirement already satisfied/d' ||
    die "pip install -r requirements.txt failed" "check the output above (network access to the Python package index is needed)"
  "$VENV/bin/python" -m pip check --disable-pip-version-check ||
    die "the installed Python packages have conflicting requirements" "adjust the pins in requirements.txt"
  printf '%s\n' "$REQ_SHA" >"$VENV_STAMP"
  info "installed; stamp written to ${VENV_STAMP#"$ROOT"/}"
fi

# ---------------------------------------------------------------------------
# Java (Spark, DynamoDB Local) and redis-server, installed together when missing. The
# tests start their own redis-server whatever REDIS_URL says, so it is always needed here.
REDIS_URL="" runtime_prerequisites

# ---------------------------------------------------------------------------
step "Iceberg Spark runtime jar ($ICEBERG_ARTIFACT)"
if [ -s "$ICEBERG_JAR" ]; then
  info "already up to date (${ICEBERG_JAR#"$ROOT"/})"
else
  command -v mvn >/dev/null 2>&1 ||
    die "mvn (Apache Maven) not found: it downloads the Iceberg jar from Maven Central" \
      "install Maven, e.g. 'apt-get install maven', then rerun"
  mkdir -p "$JAR_DIR"
  # Download into a scratch folder first so an interrupted run never leaves a partial jar.
  TMP_JAR_DIR="$(mktemp -d "$JAR_DIR/.download.XXXXXX")"
  trap 'rm -rf "$TMP_JAR_DIR"' EXIT
  MVN_LOG="$JAR_DIR/maven-download.log"
  info "downloading with Maven (strict checksums; log: ${MVN_LOG#"$ROOT"/})"
  if ! mvn -B -C -Dstyle.color=never "$MVN_DEPENDENCY_PLUGIN:copy" \
    -Dartifact="$ICEBERG_ARTIFACT" -DoutputDirectory="$TMP_JAR_DIR" >"$MVN_LOG" 2>&1; then
    tail -n 40 "$MVN_LOG" >&2
    die "Maven could not download $ICEBERG_ARTIFACT" \
      "see the log above / ${MVN_LOG#"$ROOT"/} (network access to Maven Central is needed)"
  fi
  DOWNLOADED="$TMP_JAR_DIR/$(basename "$ICEBERG_JAR")"
  [ -s "$DOWNLOADED" ] || die "Maven finished but $(basename "$ICEBERG_JAR") is missing" "rerun; if it persists, delete ~/.m2/repository/org/apache/iceberg and retry"
  python3 -c 'import sys, zipfile; sys.exit(0 if zipfile.ZipFile(sys.argv[1]).testzip() is None else 1)' "$DOWNLOADED" ||
    die "the downloaded jar is corrupt" "delete ~/.m2/repository/org/apache/iceberg and rerun"
  mv "$DOWNLOADED" "$ICEBERG_JAR"
  rm -rf "$TMP_JAR_DIR"
  trap - EXIT
  info "saved ${ICEBERG_JAR#"$ROOT"/} ($(du -h "$ICEBERG_JAR" | cut -f1))"
fi

# ---------------------------------------------------------------------------
# The status page tests launch this executable through playwright-core (no browser download).
CHROMIUM="${LEAN_OPS_CHROMIUM:-/usr/bin/chromium}"
step "chromium ($CHROMIUM)"
if [ -x "$CHROMIUM" ]; then
  info "already installed: $CHROMIUM"
else
  [ -z "${LEAN_OPS_CHROMIUM:-}" ] ||
    die "LEAN_OPS_CHROMIUM=$LEAN_OPS_CHROMIUM is not an executable" "point it at a Chromium executable, or unset it to use Debian's /usr/bin/chromium"
  if [ "$(id -u)" != "0" ]; then
    die "chromium not found at $CHROMIUM (the status page tests drive it headless)" \
      "install it and rerun this script:" \
      "  Debian:  sudo apt-get install --no-install-recommends chromium" \
      "  Ubuntu:  install a non-snap Chromium and set LEAN_OPS_CHROMIUM to its executable" \
      "  macOS:   brew install --cask chromium, then set LEAN_OPS_CHROMIUM to its executable"
  fi
  command -v apt-get >/dev/null 2>&1 ||
    die "chromium not found and apt-get is not available to install it" "install Chromium with your OS package manager and set LEAN_OPS_CHROMIUM to its executable"
  apt_install chromium
  [ -x "$CHROMIUM" ] ||
    die "$CHROMIUM is still missing after installing chromium" "check 'dpkg -L chromium'"
  info "installed $CHROMIUM"
fi
# Debian's launcher script prints shell noise on stderr; the first line of stdout is "Chromium <version> ...".
CHROMIUM_VERSION="$("$CHROMIUM" --version 2>/dev/null | sed -n 's/^Chromium \([^ ]*\).*/\1/p' | head -n1)"
[ -n "$CHROMIUM_VERSION" ] || die "$CHROMIUM --version printed no Chromium version" "check that $CHROMIUM is Chromium: run '$CHROMIUM --headless --version'"
info "chromium $CHROMIUM_VERSION"

# ---------------------------------------------------------------------------
# `promtool check rules` / `test rules` run in the integration tests (docs/observability.md).
# Debian's prometheus package ships it; only usr/bin/promtool is extracted from the .deb
# (apt-get download + dpkg-deb, nothing installed system-wide, no Prometheus service).
PROMTOOL="${LEAN_OPS_PROMTOOL:-$TOOL_BIN/promtool}"
step "promtool ($PROMTOOL)"
# `promtool --version` prints "… (branch: debian/sid, revision: <Debian version>)".
promtool_revision() { "$1" --version 2>/dev/null | sed -n 's/.*revision: \([^)]*\)).*/\1/p' | head -n1; }
if [ -n "${LEAN_OPS_PROMTOOL:-}" ]; then
  [ -x "$PROMTOOL" ] ||
    die "LEAN_OPS_PROMTOOL=$LEAN_OPS_PROMTOOL is not an executable" "point it at a promtool, or unset it to use Debian's in .cache/bin"
  PROMTOOL_VERSION="$("$PROMTOOL" --version 2>/dev/null | head -n1)"
  info "using LEAN_OPS_PROMTOOL: $PROMTOOL_VERSION"
elif [ -x "$PROMTOOL" ] && [ "$(promtool_revision "$PROMTOOL")" = "$PROMETHEUS_DEB_VERSION" ]; then
  PROMTOOL_VERSION="$PROMETHEUS_DEB_VERSION"
  info "already up to date (${PROMTOOL#"$ROOT"/}, Debian prometheus $PROMETHEUS_DEB_VERSION)"
else
  promtool_help=(
    "the rule tests need it; on Debian/Ubuntu as root this step fetches it; elsewhere:"
    "  macOS:  brew install prometheus, then export LEAN_OPS_PROMTOOL=\"\$(command -v promtool)\""
  )
  { command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1; } ||
    die "promtool not found at ${PROMTOOL#"$ROOT"/} and apt-get/dpkg-deb are not available to fetch it" "${promtool_help[@]}"
  if ! apt-cache show "prometheus=$PROMETHEUS_DEB_VERSION" >/dev/null 2>&1; then
    [ "$(id -u)" = "0" ] && [ "${LEAN_OPS_NO_INSTALL:-}" != "1" ] ||
      die "Debian's prometheus $PROMETHEUS_DEB_VERSION is not in the apt lists (promtool comes from it)" \
        "run 'sudo apt-get update' and rerun this script" "${promtool_help[@]}"
    info "apt-get update (prometheus $PROMETHEUS_DEB_VERSION is not in the apt lists)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed" "check the apt sources, then rerun"
    apt-cache show "prometheus=$PROMETHEUS_DEB_VERSION" >/dev/null 2>&1 ||
      die "Debian's prometheus $PROMETHEUS_DEB_VERSION is not available from the apt sources" \
        "this machine's Debian release may ship another version: update PROMETHEUS_DEB_VERSION in scripts/provision.sh"
  fi
  mkdir -p "$TOOL_BIN"
  PROMTOOL_TMP="$(mktemp -d "$TOOL_BIN/.promtool.XXXXXX")"
  trap 'rm -rf "$PROMTOOL_TMP"' EXIT
  info "apt-get download prometheus=$PROMETHEUS_DEB_VERSION (~19 MB), extracting usr/bin/promtool"
  # As root, apt's download sandbox user (_apt) cannot write to the scratch folder: download as root.
  sandbox=()
  [ "$(id -u)" = "0" ] && sandbox=(-o APT::Sandbox::User=root)
  (cd "$PROMTOOL_TMP" && apt-get "${sandbox[@]}" download -qq "prometheus=$PROMETHEUS_DEB_VERSION") ||
    die "apt-get download prometheus=$PROMETHEUS_DEB_VERSION failed" "check the output above (network access to Debian's archive is needed)"
  DEB="$(ls "$PROMTOOL_TMP"/prometheus_*.deb 2>/dev/null | head -n1)"
  [ -n "$DEB" ] || die "apt-get download left no prometheus_*.deb in $PROMTOOL_TMP" "rerun; check 'apt-cache policy prometheus'"
  dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$PROMTOOL_TMP" ./usr/bin/promtool ||
    die "could not extract usr/bin/promtool from $(basename "$DEB")" "check 'dpkg-deb -c $DEB'"
  [ "$(promtool_revision "$PROMTOOL_TMP/usr/bin/promtool")" = "$PROMETHEUS_DEB_VERSION" ] ||
    die "the extracted promtool does not run or is not $PROMETHEUS_DEB_VERSION" \
      "'$PROMTOOL_TMP/usr/bin/promtool --version' says: $("$PROMTOOL_TMP/usr/bin/promtool" --version 2>&1 | head -n1)"
  mv "$PROMTOOL_TMP/usr/bin/promtool" "$PROMTOOL"
  rm -rf "$PROMTOOL_TMP"
  trap - EXIT
  PROMTOOL_VERSION="$PROMETHEUS_DEB_VERSION"
  info "installed ${PROMTOOL#"$ROOT"/} (Debian prometheus $PROMETHEUS_DEB_VERSION)"
fi

# ---------------------------------------------------------------------------
if [ "$CI_TOOLS" = 1 ]; then
  # Its own steps and messages; stops the script (set -e) when a tool cannot be installed.
  bash "$ROOT/scripts/lib/ci-tools.sh"
fi

# ---------------------------------------------------------------------------
step "summary"
venv_pkg_version() {
  "$VENV/bin/python" -c 'import sys; from importlib.metadata import version; print(version(sys.argv[1]))' "$1" 2>/dev/null ||
    echo "not installed"
}
if [ -f "$NPM_STAMP" ]; then NPM_STATE="dependencies installed"; else NPM_STATE="dependencies NOT installed"; fi
printf '    %-14s %s\n' \
  node "$NODE_VERSION" \
  npm "$(npm --version) ($NPM_STATE)" \
  sst "$SST_VERSION (platform in .sst/platform)" \
  python "$("$VENV/bin/python" -c 'import platform; print(platform.python_version())') (.venv)" \
  pyspark "$(venv_pkg_version pyspark)" \
  moto "$(venv_pkg_version moto)" \
  boto3 "$(venv_pkg_version boto3)" \
  pytest "$(venv_pkg_version pytest)" \
  java "$JAVA_VERSION" \
  iceberg-jar "${ICEBERG_ARTIFACT##*:} (${ICEBERG_JAR#"$ROOT"/})" \
  redis-server "$REDIS_VERSION" \
  chromium "$CHROMIUM_VERSION ($CHROMIUM)" \
  promtool "$PROMTOOL_VERSION (${PROMTOOL#"$ROOT"/})"
printf '\nprovision: done in %ss\n' "$((SECONDS - START_SECONDS))"

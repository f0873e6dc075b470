#!/usr/bin/env bash
# shellcheck shell=bash
# The CI lint tools that scripts/lint-ci.sh runs, at pinned versions, in .cache/tools
# (gitignored), never on the system:
#   bin/actionlint, bin/gitleaks   `go install` of the pinned module versions (Go >= 1.25)
#   venv/                          zizmor, bandit, cyclonedx-py   (.github/ci-tools/requirements.txt)
#   checkov-venv/                  checkov, apart: its cyclonedx-python-lib < 8 clashes with cyclonedx-py's
#                                  (.github/ci-tools/requirements-checkov.txt)
#   npm/                           lockfile-lint, @cyclonedx/cyclonedx-npm  (.github/ci-tools/package*.json)
#
# Idempotent: each tool has a stamp (its version, or the hash of its pin file and the
# interpreter), so a second run takes a fraction of a second. Needs the network only to
# install; the tools then run offline. Every missing prerequisite (Go, Python, npm) or failed
# install is an error, in CI and out: scripts/lint-ci.sh never skips a tool.
#
#   bash scripts/lib/ci-tools.sh        (scripts/provision.sh runs it the same way)
#
# Bump a Go tool here; the Python and npm pins in .github/ci-tools/ (Dependabot watches them).
set -euo pipefail

CI_TOOLS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CI_TOOLS_DIR="$CI_TOOLS_ROOT/.cache/tools"
CI_TOOLS_PINS="$CI_TOOLS_ROOT/.github/ci-tools"
ACTIONLINT_MODULE="github.com/rhysd/actionlint/cmd/actionlint"
ACTIONLINT_VERSION="v1.7.12"
GITLEAKS_MODULE="github.com/zricethezav/gitleaks/v8"
GITLEAKS_VERSION="v8.30.1"
CI_TOOLS_MIN_GO="1.25"  # actionlint 1.7.12's go.mod

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() {
  printf '\nERROR: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '       %s\n' "$line" >&2; done
  exit 1
}

ci_tools_sha() {
  if command -v sha256sum >/dev/null 2>&1; then cat "$@" | sha256sum | cut -d' ' -f1; else cat "$@" | shasum -a 256 | cut -d' ' -f1; fi
}

# ci_tools_go NAME MODULE VERSION: `go install MODULE@VERSION` into .cache/tools/bin unless the stamp says it is there.
ci_tools_go() {
  local name="$1" module="$2" version="$3"
  local bin="$CI_TOOLS_DIR/bin/$name" stamp="$CI_TOOLS_DIR/bin/.$name.version"
  if [ -x "$bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$module@$version" ]; then
    info "$name $version: already up to date"
    return 0
  fi
  command -v go >/dev/null 2>&1 ||
    die "go not found: $name $version is built with 'go install'" \
      "install Go >= $CI_TOOLS_MIN_GO (Debian/Ubuntu: apt-get install golang-go, or go.dev/dl), then rerun"
  local go_version
  go_version="$(go env GOVERSION | sed 's/^go//')"
  [ "$(printf '%s\n%s\n' "$CI_TOOLS_MIN_GO" "$go_version" | sort -V | head -n1)" = "$CI_TOOLS_MIN_GO" ] ||
    die "go $go_version is too old for $name $version (needs >= $CI_TOOLS_MIN_GO)" "upgrade Go, then rerun"
  info "go install $module@$version (compiles: about a minute)"
  mkdir -p "$CI_TOOLS_DIR/bin"
  rm -f "$stamp"
  GOBIN="$CI_TOOLS_DIR/bin" GOFLAGS=-buildvcs=false go install "$module@$version" ||
    die "go install $module@$version failed" "check the output above (the Go module proxy must be reachable)"
  printf '%s\n' "$module@$version" >"$stamp"
}

# ci_tools_venv DIR REQUIREMENTS: a venv with exactly the pinned requirements (pip freeze output).
ci_tools_venv() {
  local dir="$1" requirements="$2"
  command -v python3 >/dev/null 2>&1 || die "python3 not found (the CI tools' venvs need it)" "install Python 3.11"
  local want
  want="$(ci_tools_sha "$requirements") $(python3 -c 'import platform; print(platform.python_version())')"
  if [ -x "$dir/bin/python" ] && [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$want" ]; then
    info "${dir#"$CI_TOOLS_ROOT"/}: already up to date"
    return 0
  fi
  rm -rf "$dir"
  python3 -m venv "$dir" || die "python3 -m venv $dir failed" "install the venv module (Debian/Ubuntu: apt-get install python3-venv)"
  "$dir/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off -q -r "$requirements" ||
    die "pip install -r ${requirements#"$CI_TOOLS_ROOT"/} failed" "check the output above (PyPI must be reachable)"
  printf '%s\n' "$want" >"$dir/.stamp"
  info "installed ${dir#"$CI_TOOLS_ROOT"/}"
}

ci_tools_npm() {
  local dir="$CI_TOOLS_DIR/npm"
  command -v npm >/dev/null 2>&1 || die "npm not found (lockfile-lint and cyclonedx-npm need it)" "install Node.js >= 20.12"
  local want
  want="$(ci_tools_sha "$CI_TOOLS_PINS/package.json" "$CI_TOOLS_PINS/package-lock.json")"
  if [ -f "$dir/.stamp" ] && [ -d "$dir/node_modules" ] && [ "$(cat "$dir/.stamp")" = "$want" ]; then
    info "lockfile-lint, cyclonedx-npm: already up to date"
    return 0
  fi
  mkdir -p "$dir"
  rm -f "$dir/.stamp"
  cp "$CI_TOOLS_PINS/package.json" "$CI_TOOLS_PINS/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) ||
    die "npm ci in ${dir#"$CI_TOOLS_ROOT"/} failed" "check the output above (the npm registry must be reachable)"
  printf '%s\n' "$want" >"$dir/.stamp"
  info "installed lockfile-lint and cyclonedx-npm"
}

ci_tools() {
  step "CI lint tools (.cache/tools: actionlint, gitleaks, zizmor, bandit, checkov, cyclonedx, lockfile-lint)"
  ci_tools_go actionlint "$ACTIONLINT_MODULE" "$ACTIONLINT_VERSION"
  ci_tools_go gitleaks "$GITLEAKS_MODULE" "$GITLEAKS_VERSION"
  ci_tools_venv "$CI_TOOLS_DIR/venv" "$CI_TOOLS_PINS/requirements.txt"
  ci_tools_venv "$CI_TOOLS_DIR/checkov-venv" "$CI_TOOLS_PINS/requirements-checkov.txt"
  ci_tools_npm
}

ci_tools

#!/usr/bin/env bash
# `npm run lint:ci`: the supply-chain and CI checks, offline, with the tools of
# scripts/lib/ci-tools.sh (.cache/tools). Runs every check, even after a failure, and exits
# non-zero if any failed or a tool is missing (never skips).
#
#   bash scripts/lint-ci.sh [--only CHECK,...] [DIR]
#
# DIR (default: the repository) is the tree to check; tests point it at a copy with planted
# mistakes. The policies (.github/zizmor.yml, .gitleaks.toml, the bandit baseline) are always
# this repository's.
#
# Checks:
#   actionlint     DIR/.github/workflows/*.yml (with shellcheck on run: scripts)
#   zizmor         DIR/.github (workflows and local actions), --offline, every action SHA-pinned
#   gitleaks       the files git tracks or would track in DIR (or all of DIR outside git)
#   bandit         DIR/jobs/glue, against .github/ci-tools/bandit-baseline.json
#   checkov        DIR/docker (Dockerfile), DIR/.github (workflows), the bootstrap template
#   lockfile-lint  DIR/package-lock.json and .github/ci-tools/package-lock.json
#   sbom           CycloneDX JSON of the npm workspace and of requirements.txt into
#                  DIR/.cache/sbom (gitignored), validated against the schema
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.cache/tools"
ALL_CHECKS=(actionlint zizmor gitleaks bandit checkov lockfile-lint sbom)

usage() { sed -n '2,/^set -uo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

checks=("${ALL_CHECKS[@]}")
DIR="$ROOT"
while [ $# -gt 0 ]; do
  case "$1" in
    --only)
      [ $# -ge 2 ] || { echo "lint-ci: --only needs a comma-separated list of checks" >&2; exit 2; }
      IFS=',' read -r -a checks <<<"$2"
      shift 2
      ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "lint-ci: unknown option \"$1\" (expected --only or --help)" >&2; exit 2 ;;
    *) DIR="$1"; shift ;;
  esac
done
for check in "${checks[@]}"; do
  case " ${ALL_CHECKS[*]} " in
    *" $check "*) ;;
    *) echo "lint-ci: unknown check \"$check\" (one of: ${ALL_CHECKS[*]})" >&2; exit 2 ;;
  esac
done
[ -d "$DIR" ] || { echo "lint-ci: $DIR is not a directory" >&2; exit 2; }
DIR="$(cd "$DIR" && pwd)"

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/lint-ci.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT

fail() { printf 'lint-ci: %s\n' "$*" >&2; return 1; }

# need TOOL...: each must be an executable in .cache/tools, or the check fails naming the fix.
need() {
  local tool
  for tool in "$@"; do
    [ -x "$tool" ] || fail "missing ${tool#"$ROOT"/}: run 'bash scripts/lib/ci-tools.sh' (or npm run provision)" || return 1
  done
}

workflow_files() {
  find "$DIR/.github/workflows" -maxdepth 1 -type f \( -name '*.yml' -o -name '*.yaml' \) 2>/dev/null | sort
}

check_actionlint() {
  need "$TOOLS/bin/actionlint" "$TOOLS/venv/bin/shellcheck" || return 1
  local files
  mapfile -t files < <(workflow_files)
  [ "${#files[@]}" -gt 0 ] || fail "no workflows in $DIR/.github/workflows" || return 1
  (cd "$DIR" && "$TOOLS/bin/actionlint" -no-color -shellcheck="$TOOLS/venv/bin/shellcheck" -pyflakes= "${files[@]}")
}

check_zizmor() {
  need "$TOOLS/venv/bin/zizmor" || return 1
  [ -d "$DIR/.github" ] || fail "no $DIR/.github" || return 1
  "$TOOLS/venv/bin/zizmor" --offline --no-progress --color never --config "$ROOT/.github/zizmor.yml" "$DIR/.github"
}

check_gitleaks() {
  need "$TOOLS/bin/gitleaks" || return 1
  local target="$DIR"
  if git -C "$DIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Tracked and new unignored files: not node_modules, .venv, .sst or build output.
    target="$SCRATCH/tree"
    mkdir -p "$target"
    # (tar, not cp --parents: BSD cp has no --parents; files deleted but still tracked are skipped.)
    (cd "$DIR" && git ls-files -z -co --exclude-standard | tar --null -T - -cf - 2>/dev/null | tar -xf - -C "$target") || true
  fi
  (cd "$target" && "$TOOLS/bin/gitleaks" dir . --config "$ROOT/.gitleaks.toml" --no-banner --no-color --redact --verbose --exit-code 1)
}

check_bandit() {
  need "$TOOLS/venv/bin/bandit" || return 1
  [ -d "$DIR/jobs/glue" ] || fail "no $DIR/jobs/glue" || return 1
  (cd "$DIR" && "$TOOLS/venv/bin/bandit" -q -r jobs/glue -b "$ROOT/.github/ci-tools/bandit-baseline.json")
}

check_checkov() {
  need "$TOOLS/checkov-venv/bin/checkov" "$ROOT/node_modules/.bin/tsx" || return 1
  local cfn="$SCRATCH/bootstrap" status=0
  mkdir -p "$cfn"
  # A concrete rendering of the bootstrap template (the repository name does not change the checks).
  "$ROOT/node_modules/.bin/tsx" "$DIR/bootstrap/github-oidc/render.ts" --repository example-org/lean-ops \
    --regions eu-west-1 >"$cfn/github-oidc.template.json" || fail "could not render the bootstrap template" || return 1
  # BC_SKIP_MAPPING and --skip-download keep checkov off the network (it would fetch guidelines).
  local args=(--quiet --compact --skip-download)
  local pair
  for pair in "dockerfile:$DIR/docker" "github_actions:$DIR/.github" "cloudformation:$cfn"; do
    BC_SKIP_MAPPING=TRUE "$TOOLS/checkov-venv/bin/checkov" "${args[@]}" --framework "${pair%%:*}" -d "${pair#*:}" || status=1
  done
  return "$status"
}

check_lockfile_lint() {
  need "$TOOLS/npm/node_modules/.bin/lockfile-lint" || return 1
  local lock status=0
  for lock in "$DIR/package-lock.json" "$ROOT/.github/ci-tools/package-lock.json"; do
    [ -f "$lock" ] || { fail "no $lock"; status=1; continue; }
    "$TOOLS/npm/node_modules/.bin/lockfile-lint" --path "$lock" --type npm --allowed-hosts npm \
      --validate-https --validate-integrity --validate-package-names || status=1
  done
  return "$status"
}

check_sbom() {
  need "$TOOLS/npm/node_modules/.bin/cyclonedx-npm" "$TOOLS/venv/bin/cyclonedx-py" || return 1
  local out="$DIR/.cache/sbom" status=0
  mkdir -p "$out"
  # From package-lock.json alone (no registry); dev dependencies included: they build the images.
  (cd "$DIR" && "$TOOLS/npm/node_modules/.bin/cyclonedx-npm" --package-lock-only --output-format JSON \
    --output-reproducible --validate --output-file "$out/npm-workspace.cdx.json") || status=1
  "$TOOLS/venv/bin/cyclonedx-py" requirements --output-format JSON --output-reproducible --validate \
    --output-file "$out/requirements.cdx.json" "$DIR/requirements.txt" || status=1
  [ "$status" = "0" ] && printf 'SBOMs: %s\n' "${out#"$DIR"/}/npm-workspace.cdx.json, requirements.cdx.json"
  return "$status"
}

failed=()
summary=()
for check in "${checks[@]}"; do
  printf '\n--> lint-ci: %s\n' "$check"
  start=$SECONDS
  if "check_${check//-/_}"; then result=ok; else result=FAILED; failed+=("$check"); fi
  summary+=("$(printf '%-14s %-7s %4ss' "$check" "$result" "$((SECONDS - start))")")
done
printf '\n--> lint-ci summary (%s)\n' "$DIR"
printf '  %s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "lint-ci: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "lint-ci: every check passed"

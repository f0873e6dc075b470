#!/usr/bin/env bash
# `npm test`: static checks, then every test tier. Runs them all, even after a failure,
# so one CI log shows everything; exits non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."

steps=(provision typecheck lint lint:ci test:unit test:integration test:spark test:e2e test:infra)
failed=()
summary=()
for step in "${steps[@]}"; do
  echo
  echo "==> npm run ${step}"
  start=$(date +%s)
  if npm run --silent "${step}"; then result=ok; else result=FAILED; failed+=("${step}"); fi
  summary+=("$(printf '%-18s %-7s %4ss' "${step}" "${result}" "$(( $(date +%s) - start ))")")
done

echo
echo "==> summary"
printf '  %s\n' "${summary[@]}"
if ((${#failed[@]} > 0)); then
  echo "npm test: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "npm test: every step passed"

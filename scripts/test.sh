#!/usr/bin/env bash
# `npm test`: set up, run every test with vitest, and close with the line CI
# reads ("N passed, N failed"), taken from vitest's JSON report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/ensure-test-tools.sh
mkdir -p test-artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest-results.json "$@" || status=$?
node scripts/test-summary.mjs test-artifacts/vitest-results.json || status=$((status == 0 ? 1 : status))
exit "$status"

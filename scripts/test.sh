#!/usr/bin/env bash
# `npm test`: set up, run every test with vitest (unit, then the integration files three at a time, the paired ones two at a time,
# then the serial ones alone), and close with the line CI reads ("N passed, N failed"),
# taken from vitest's JSON report, after the tiers' durations.
# Extra arguments go to vitest; ORDEAL_TESTS=quick (`npm run test:quick`) leaves out the slow files.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/ensure-test-tools.sh
mkdir -p test-artifacts
status=0
started=$(date +%s)
npx vitest run --reporter=default --reporter=json --outputFile.json=test-artifacts/vitest-results.json "$@" || status=$?
node scripts/test-summary.mjs test-artifacts/vitest-results.json "$(( $(date +%s) - started ))" || status=$((status == 0 ? 1 : status))
exit "$status"

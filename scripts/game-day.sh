#!/usr/bin/env bash
# The main job: set up, then run the bundled game day against the bundled stack.
# Extra arguments go to `ordeal run` (e.g. --time-scale 0.25 for a smoke run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
printf 'ordeal: running scenarios/game-day.ts against the bundled trading stack\n' >&2
exec node bin/ordeal.mjs run scenarios/game-day.ts "$@"

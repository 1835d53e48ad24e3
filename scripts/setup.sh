#!/usr/bin/env bash
# Installs what ordeal needs, idempotently, and says what it does:
# npm packages (from the lockfile) and toxiproxy-server (built with Go into .cache/).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'ordeal setup: %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".").map(Number).slice(0,2).join(".")')
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=18)?0:1)' \
  || { say "Node $node_major is too old: ordeal needs Node >= 20.18"; exit 2; }

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages from package-lock.json (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.package-lock.json
else
  say "npm packages are up to date"
fi

node --import tsx scripts/ensure-toxiproxy.ts

#!/usr/bin/env bash
# Installs what ordeal needs, idempotently, and says what it does:
# npm packages (from the lockfile) and toxiproxy-server (built with Go into the per-user cache, ~/.cache/ordeal).
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

# The CLI runs compiled (dist/, as an installed package does) when dist/ is newer than the sources; npm ci builds it,
# and after a pull or an edit it is built again here (else bin/ordeal.mjs runs the sources through tsx).
if node --input-type=module -e "import { isBuildFresh } from './bin/fresh-build.mjs'; process.exit(isBuildFresh(process.cwd(), 'dist/harness/cli/main.js') ? 0 : 1)"; then
  say "dist/ is up to date with the sources"
else
  say "building dist/ from the sources (npm run build: tsc, a few seconds; the CLI then starts compiled)"
  node scripts/build.mjs >&2 || say "the build failed: the CLI runs the TypeScript sources through tsx instead (slower to start)"
fi

node --import tsx scripts/ensure-toxiproxy.ts

# Prometheus (and promtool) from Debian's package, for checks on the service's own signals.
if command -v prometheus >/dev/null 2>&1 || [ -x /usr/bin/prometheus ]; then
  say "prometheus found: $(command -v prometheus || echo /usr/bin/prometheus)"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing prometheus from Debian's packages (apt-get; once)"
  # Keep the package from starting a system-wide Prometheus on :9090: ordeal starts its own on loopback.
  created_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; created_policy=1; fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  if [ -n "$created_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
  say "prometheus installed: $(/usr/bin/prometheus --version 2>&1 | head -1)"
else
  say "prometheus is not installed and this is not root: checks on Prometheus signals will be refused (install Debian's prometheus package, or set prometheus.url)"
fi

#!/usr/bin/env bash
# Debian's chromium, for the tests that open the HTML report in a real browser (playwright-core drives it).
set -euo pipefail
say() { printf 'ordeal setup: %s\n' "$*" >&2; }
if [ -x /usr/bin/chromium ]; then
  say "chromium found: /usr/bin/chromium"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing chromium from Debian's packages (apt-get; once), for the HTML report tests"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  say "chromium installed: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
else
  say "chromium is not installed and this is not root: the HTML report browser tests will say skipped (install Debian's chromium package)"
fi

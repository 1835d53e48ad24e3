#!/usr/bin/env bash
# Installs the benchmark peers, idempotently, and says what it does: wrk, nginx
# (the fast target), util-linux (taskset) and time (GNU time, CPU per run) from
# Debian's packages; vegeta (the open-model peer) built with Go into .cache/.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf 'ordeal bench: %s\n' "$*" >&2; }
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v taskset >/dev/null || need+=(util-linux)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} from Debian packages"
  [ "$(id -u)" = 0 ] || { say "run as root, or install: ${need[*]}"; exit 3; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # The nginx package starts a system nginx on port 80; the benchmark starts its own on loopback.
  systemctl disable --now nginx >/dev/null 2>&1 || service nginx stop >/dev/null 2>&1 || pkill -x nginx || true
else
  say "wrk, nginx, taskset and GNU time are installed"
fi

VEGETA_VERSION=v12.13.0
vegeta_dir=".cache/vegeta-$VEGETA_VERSION"
if [ -x "$vegeta_dir/vegeta" ]; then
  say "vegeta $VEGETA_VERSION found: $vegeta_dir/vegeta"
else
  command -v go >/dev/null || { say "Go is needed to build vegeta (go install github.com/tsenart/vegeta/v12@$VEGETA_VERSION)"; exit 3; }
  say "building vegeta $VEGETA_VERSION with go install (once)"
  mkdir -p "$vegeta_dir"
  GOBIN="$PWD/$vegeta_dir" go install "github.com/tsenart/vegeta/v12@$VEGETA_VERSION"
  say "vegeta built: $vegeta_dir/vegeta"
fi

#!/usr/bin/env bash
# Installs the benchmark peers from Debian's packages, idempotently: wrk, nginx (the fast target), util-linux (taskset).
set -euo pipefail
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v taskset >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  printf 'ordeal bench: installing %s from Debian packages\n' "${need[*]}" >&2
  [ "$(id -u)" = 0 ] || { echo "ordeal bench: run as root, or install: ${need[*]}" >&2; exit 3; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # The nginx package starts a system nginx on port 80; the benchmark starts its own on loopback.
  systemctl disable --now nginx >/dev/null 2>&1 || service nginx stop >/dev/null 2>&1 || pkill -x nginx || true
else
  printf 'ordeal bench: wrk, nginx and taskset are installed\n' >&2
fi

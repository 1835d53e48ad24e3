#!/usr/bin/env bash
# What only the tests need, from Debian's packages (idempotent): chromium (the HTML report is opened in a real
# browser through playwright-core), prometheus-pushgateway (ordeal pushes a run summary to a real one),
# prometheus-alertmanager (ordeal notifies a real one, which routes to a webhook the test runs) and
# docker.io (Toxiproxy through testcontainers; the test starts dockerd itself, without a bridge) and haproxy
# (a real load balancer doing active/backup failover, judged through its own Prometheus exporter) and
# libfaketime (steps the wall clock of a real ordeal process mid-run, to prove its one monotonic time base) and
# stress-ng (the CPU and memory starvation faults start it beside a real service).
set -euo pipefail
say() { printf 'ordeal setup: %s\n' "$*" >&2; }
missing=()
[ -x /usr/bin/chromium ] && say "chromium found: /usr/bin/chromium" || missing+=(chromium fonts-dejavu-core)
[ -x /usr/bin/prometheus-pushgateway ] && say "prometheus-pushgateway found: /usr/bin/prometheus-pushgateway" || missing+=(prometheus-pushgateway)
[ -x /usr/bin/prometheus-alertmanager ] && say "prometheus-alertmanager found: /usr/bin/prometheus-alertmanager" || missing+=(prometheus-alertmanager)
command -v dockerd >/dev/null 2>&1 && say "dockerd found: $(command -v dockerd)" || missing+=(docker.io)
[ -x /usr/sbin/haproxy ] && say "haproxy found: /usr/sbin/haproxy" || missing+=(haproxy)
faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1 || true)
[ -n "$faketime_lib" ] && say "libfaketime found: $faketime_lib" || missing+=(libfaketime)
command -v stress-ng >/dev/null 2>&1 && say "stress-ng found: $(command -v stress-ng)" || missing+=(stress-ng)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing ${missing[*]} from Debian's packages (apt-get; once), for the tests"
  # Keep the packages from starting system-wide services: tests start their own on loopback.
  created_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; created_policy=1; fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$created_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
  say "installed ${missing[*]}"
else
  say "${missing[*]} not installed and this is not root: the tests that need them will say skipped (install them with apt-get)"
fi

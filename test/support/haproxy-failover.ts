import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitUntil } from '../../harness/clock/wait-until.ts';
import { findFreePort } from '../../harness/net/free-port.ts';
import { stopChild } from '../../harness/process/stop-child.ts';
import { ToxiproxyServer, type StartedToxiproxyServer } from '../../harness/toxiproxy/toxiproxy-server.ts';

export const HAPROXY_BINARY = '/usr/sbin/haproxy';
export const haproxyMissing = (): boolean => !existsSync(HAPROXY_BINARY);

/** How the load balancer is (mis)configured. */
export interface HaproxyVariant {
  /** No backup server line: nothing to fail over to. */
  withoutBackup?: boolean;
  /** No `check` on the servers: HAProxy never notices the primary is gone. */
  withoutHealthChecks?: boolean;
}

export interface StartedHaproxyFailover extends AsyncDisposable {
  /** Where the load goes: HAProxy's frontend. */
  url: string;
  /** host:port of HAProxy's Prometheus exporter. */
  metricsHost: string;
  toxiproxy: StartedToxiproxyServer;
  /** The proxy in front of the primary server, for the scenario to declare (ordeal creates it). */
  primaryProxy: { name: string; listen: string; upstream: string };
}

async function backend(name: string): Promise<http.Server> {
  const server = http.createServer((_request, response) => response.end(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/**
 * Debian's HAProxy doing active/backup failover: a primary server (behind a
 * Toxiproxy proxy, so a test can take it down) and a backup server, health
 * checks every 300 ms (down after 2 failures, up after 2 successes), and its
 * built-in Prometheus exporter (`haproxy_server_status{server,state}`,
 * `haproxy_server_http_responses_total{server,code}`).
 */
export async function startHaproxyFailover(variant: HaproxyVariant = {}): Promise<StartedHaproxyFailover> {
  const primary = await backend('primary');
  const backup = await backend('backup');
  const toxiproxy = await new ToxiproxyServer().start();
  const primaryProxy = {
    name: 'primary',
    listen: `127.0.0.1:${await findFreePort()}`,
    upstream: `127.0.0.1:${(primary.address() as AddressInfo).port}`,
  };
  // Bound at once (ordeal reuses a declared proxy that exists as declared): a free port left unbound for seconds can be taken meanwhile.
  await toxiproxy.client.createProxy(primaryProxy);
  const check = variant.withoutHealthChecks ? '' : ' check';
  const configFor = (frontendPort: number, metricsPort: number): string =>
    [
      'global',
      '  maxconn 2000',
      'defaults',
      '  mode http',
      '  timeout connect 500ms',
      '  timeout client 5s',
      '  timeout server 2s',
      '  timeout check 500ms',
      'frontend fe',
      `  bind 127.0.0.1:${frontendPort}`,
      '  default_backend be',
      'frontend metrics',
      `  bind 127.0.0.1:${metricsPort}`,
      '  http-request use-service prometheus-exporter if { path /metrics }',
      'backend be',
      '  option httpchk GET /',
      '  default-server inter 300ms fall 2 rise 2',
      `  server primary ${primaryProxy.listen}${check}`,
      ...(variant.withoutBackup
        ? []
        : [`  server backup 127.0.0.1:${(backup.address() as AddressInfo).port}${check} backup`]),
      '',
    ].join('\n');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-haproxy-'));
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child) await stopChild(child);
    for (const server of [primary, backup]) server.closeAllConnections();
    await Promise.all([primary, backup].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    await toxiproxy.stop();
    await rm(dir, { recursive: true, force: true });
  };
  // Three tries with fresh ports: a free port picked here can be taken before HAProxy binds it (three load balancers
  // start side by side); HAProxy then exits at once, and its own words say why.
  let frontendPort = 0;
  let metricsPort = 0;
  for (let attempt = 1; ; attempt++) {
    [frontendPort, metricsPort] = [await findFreePort(), await findFreePort()];
    await writeFile(path.join(dir, 'haproxy.cfg'), configFor(frontendPort, metricsPort));
    const started = spawn(HAPROXY_BINARY, ['-db', '-f', path.join(dir, 'haproxy.cfg')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = started;
    let stderr = '';
    started.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new AbortController();
    started.once('exit', () => exited.abort());
    try {
      await waitUntil(async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).ok, {
        timeoutMs: 10_000,
        intervalMs: 100,
        signal: exited.signal,
        what: 'HAProxy',
      });
      break;
    } catch (error) {
      await stopChild(started);
      if (attempt < 3 && exited.signal.aborted) continue;
      await stop();
      throw new Error(`${(error as Error).message}; HAProxy said: ${stderr.trim() || '(nothing)'}`, { cause: error });
    }
  }
  return {
    url: `http://127.0.0.1:${frontendPort}`,
    metricsHost: `127.0.0.1:${metricsPort}`,
    toxiproxy,
    primaryProxy,
    [Symbol.asyncDispose]: stop,
  };
}

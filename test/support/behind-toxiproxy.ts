import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { findFreePort } from '../../harness/net/free-port.ts';
import { ToxiproxyServer, type StartedToxiproxyServer } from '../../harness/toxiproxy/toxiproxy-server.ts';
import { writeTempScenario } from './temp-scenario.ts';
import { toxiproxyState } from './toxiproxy-state.ts';
import { notAboutTheGenerator } from './not-about-the-generator.ts';

export interface TargetBehindToxiproxy extends AsyncDisposable {
  toxiproxy: StartedToxiproxyServer;
  /** The proxy's listen address, for scenario.toxiproxy.proxies. */
  proxy: { name: string; listen: string; upstream: string };
  /** Where load goes: through the proxy. */
  baseUrl: string;
  /** Epoch ms of every request the real server received. */
  requestTimesMs: number[];
}

/**
 * A real HTTP server on loopback, answering `status` to everything, behind a
 * real Toxiproxy the test owns (so it can inspect it after ordeal is gone).
 */
export async function startTargetBehindToxiproxy(status = 200): Promise<TargetBehindToxiproxy> {
  const requestTimesMs: number[] = [];
  const server = http.createServer((_request, response) => {
    requestTimesMs.push(Date.now());
    response.statusCode = status;
    response.end(status < 400 ? 'ok' : 'broken');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const toxiproxy = await new ToxiproxyServer().start();
  const listen = `127.0.0.1:${await findFreePort()}`;
  const proxy = { name: 'api', listen, upstream: `127.0.0.1:${(server.address() as AddressInfo).port}` };
  return {
    toxiproxy,
    proxy,
    baseUrl: `http://${listen}`,
    requestTimesMs,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await toxiproxy.stop();
    },
  };
}

/**
 * A scenario file against `target` through its Toxiproxy's "api" proxy:
 * GET / at the phases' rates, loose on the generator's timing (these tests
 * share the machine and are not about it). `extra` adds or replaces keys.
 */
export function scenarioBehindToxiproxy(
  target: TargetBehindToxiproxy,
  name: string,
  phases: unknown[],
  extra: Record<string, unknown> = {},
): Promise<{ file: string; reportDir: string }> {
  return writeTempScenario({
    name,
    target: { baseUrl: target.baseUrl },
    toxiproxy: { url: target.toxiproxy.url, proxies: [target.proxy] },
    load: notAboutTheGenerator({ warmup: false }),
    requests: [{ path: '/' }],
    phases,
    slos: [{ http_req_failed: ['rate<0.01'] }],
    ...extra,
  });
}

/** The fault toxics on `target`'s "api" proxy, read from Toxiproxy itself (beside the heartbeat that says a run is alive, and the marker that says ordeal created the proxy). */
export async function faultToxicsOn(target: TargetBehindToxiproxy): Promise<string[]> {
  return ((await toxiproxyState(target.toxiproxy.url)).find((p) => p.name === target.proxy.name)?.toxics ?? [])
    .map((t) => t.name)
    .filter((name) => !name.endsWith('-heartbeat') && !name.endsWith('-owner'));
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import CircuitBreaker from 'opossum';
import { Counter, Gauge, Registry } from 'prom-client';
import { findFreePort } from '../../harness/net/free-port.ts';
import { ToxiproxyServer, type StartedToxiproxyServer } from '../../harness/toxiproxy/toxiproxy-server.ts';

/**
 * A small payments service shaped like a Spring Boot one, for tests of
 * ordeal on a service that is not the bundled stack: its metrics are named
 * as Micrometer + Resilience4j + kube-state-metrics name them —
 * - `resilience4j_circuitbreaker_state{name="bank",state=…}`: one gauge per
 *   state, 1 for the current one (TaggedCircuitBreakerMetrics);
 * - `payments_bank_calls_total{target="primary"|"secondary",outcome}`: a
 *   counter by target, whose secondary series does not exist until the
 *   secondary is first called (as Micrometer counters appear on first use);
 * - `kube_deployment_status_replicas_available{deployment="payments"}`: an
 *   HPA-like replica count that rises above 50 req/s.
 * POST /pay calls the primary bank through Toxiproxy behind a breaker; on
 * failure (or with the breaker open) it fails over to the secondary bank.
 */
export interface PaymentsOptions {
  breaker?: boolean;
  failover?: boolean;
  autoscaler?: boolean;
}

export interface StartedPayments extends AsyncDisposable {
  url: string;
  /** host:port of /metrics, for a Prometheus scrape config. */
  metricsHost: string;
  toxiproxy: StartedToxiproxyServer;
  proxies: { name: string; listen: string; upstream: string }[];
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function callBank(hostPort: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: hostPort.split(':')[0],
      port: Number(hostPort.split(':')[1]),
      path: '/charge',
      method: 'POST',
      timeout: timeoutMs,
      agent: false,
    });
    request.on('timeout', () => request.destroy(new Error('bank timed out')));
    request.on('error', reject);
    request.on('response', (response) => {
      response.resume();
      response.on('end', () =>
        response.statusCode === 200 ? resolve() : reject(new Error(`bank answered ${response.statusCode}`)),
      );
    });
    request.end();
  });
}

const STATES = ['closed', 'open', 'half_open', 'forced_open', 'disabled', 'metrics_only'] as const;

export async function startPaymentsService(options: PaymentsOptions = {}): Promise<StartedPayments> {
  const bank = http.createServer((_request, response) => response.end('{"ok":true}'));
  const primaryBank = await listen(bank);
  const backupBank = http.createServer((_request, response) => response.end('{"ok":true}'));
  const secondaryBank = await listen(backupBank);
  const toxiproxy = await new ToxiproxyServer().start();
  const proxies = [{ name: 'bank-primary', listen: `127.0.0.1:${await findFreePort()}`, upstream: primaryBank }];
  // Bound at once (ordeal reuses a declared proxy that exists as declared): a free port left unbound for seconds can be taken meanwhile.
  await toxiproxy.client.createProxy(proxies[0]!);

  const registry = new Registry();
  const state = new Gauge({
    name: 'resilience4j_circuitbreaker_state',
    help: 'The states of the circuit breaker',
    labelNames: ['name', 'state'],
    registers: [registry],
  });
  const calls = new Counter({
    name: 'payments_bank_calls_total',
    help: 'Calls to the banks',
    labelNames: ['target', 'outcome'],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'payments_requests_total',
    help: 'Payments served',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const replicas = new Gauge({
    name: 'kube_deployment_status_replicas_available',
    help: 'Available replicas',
    labelNames: ['deployment'],
    registers: [registry],
  });
  const setState = (current: (typeof STATES)[number]) =>
    STATES.forEach((s) => state.set({ name: 'bank', state: s }, s === current ? 1 : 0));
  setState('closed');
  replicas.set({ deployment: 'payments' }, 1);

  const primary = async () => {
    try {
      await callBank(proxies[0]!.listen, 1_000);
      calls.inc({ target: 'primary', outcome: 'ok' });
    } catch (error) {
      calls.inc({ target: 'primary', outcome: 'error' });
      throw error;
    }
  };
  const breaker = new CircuitBreaker(primary, {
    timeout: 1_000,
    resetTimeout: 2_000,
    errorThresholdPercentage: 50,
    volumeThreshold: 5,
    rollingCountTimeout: 1_000,
    rollingCountBuckets: 2,
  });
  breaker.on('open', () => setState('open'));
  breaker.on('halfOpen', () => setState('half_open'));
  breaker.on('close', () => setState('closed'));
  const secondary = async () => {
    await callBank(secondaryBank, 1_000);
    calls.inc({ target: 'secondary', outcome: 'ok' });
  };

  let recent: number[] = [];
  const service = http.createServer((request, response) => {
    if (request.url === '/metrics') {
      void registry
        .metrics()
        .then((text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text));
      return;
    }
    if (request.url === '/actuator/health/readiness') {
      response.end('{"status":"UP"}');
      return;
    }
    if (request.url !== '/pay') {
      response.writeHead(404).end('{"error":"Not Found"}');
      return;
    }
    recent.push(Date.now());
    const pay = options.breaker === false ? primary() : breaker.fire();
    pay
      .catch((error: unknown) => {
        if (options.failover === false) throw error;
        return secondary();
      })
      .then(
        () => {
          requests.inc({ outcome: 'ok' });
          response.end('{"paid":true}');
        },
        () => {
          requests.inc({ outcome: 'error' });
          response.writeHead(503).end('{"paid":false}');
        },
      );
  });
  const serviceHost = await listen(service);
  // The HPA: every 500 ms, from the last 2 s of requests; scales up above 50 req/s, down below 20.
  const hpa = setInterval(() => {
    const now = Date.now();
    recent = recent.filter((t) => now - t < 2_000);
    const rate = recent.length / 2;
    if (options.autoscaler === false) return;
    if (rate > 50) replicas.set({ deployment: 'payments' }, 2);
    else if (rate < 20) replicas.set({ deployment: 'payments' }, 1);
  }, 500);

  return {
    url: `http://${serviceHost}`,
    metricsHost: serviceHost,
    toxiproxy,
    proxies,
    async [Symbol.asyncDispose]() {
      clearInterval(hpa);
      breaker.shutdown();
      for (const server of [service, bank, backupBank]) server.closeAllConnections();
      await Promise.all(
        [service, bank, backupBank].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
      await toxiproxy.stop();
    },
  };
}

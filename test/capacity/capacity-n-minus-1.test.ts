import { describe, expect, it } from 'vitest';
import { findCapacity } from '../../harness/capacity/find-capacity.ts';
import { findFreePort } from '../../harness/net/free-port.ts';
import { ToxiproxyServer } from '../../harness/toxiproxy/toxiproxy-server.ts';
import { startDependentService } from '../support/dependent-service.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { scenarioAt } from '../support/scenario-at.ts';
import { startTestServer } from '../support/test-server.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';

/**
 * Short steps (settle 1 s, hold 2 s) bisected to 10 % (the answers are compared within 20 %), so two searches fit a
 * test; the healthy one starts nearer its answer (4 workers at ~10 ms: a few hundred req/s).
 */
const SHORT_STEPS = { settleMs: 1_000, holdMs: 2_000, cooldownMs: 250, precision: 0.1 };

describe('N−1: the same search with a dependency slowed', () => {
  it(
    "a 10 ms latency on the dependency lowers the answer as the service's design implies: k ÷ (service time + 10 ms)",
    { timeout: 240_000 },
    async () => {
      await using dependency = await startTestServer((_request, response) => response.end('ok'));
      const toxiproxy = await new ToxiproxyServer().start();
      try {
        const listen = `127.0.0.1:${await findFreePort()}`;
        const proxy = { name: 'dependency', listen, upstream: `127.0.0.1:${dependency.port}` };
        await using service = await startDependentService(4, 10, () => `http://${listen}/`);
        const scenario = scenarioAt(service.url, {
          toxiproxy: { url: toxiproxy.url, proxies: [proxy] },
          // A warm-up before each step: the first requests of a cold run (connections, the proxy's) are not the service.
          load: notAboutTheGenerator({ warmup: '250ms' }),
          phases: [
            { name: 'peak', duration: '30s', rate: 120 },
            {
              name: 'dependency-slow',
              duration: '30s',
              rate: 120,
              faults: [{ proxy: 'dependency', kind: 'latency', latencyMs: 10 }],
            },
          ],
          slos: [{ http_req_duration: ['p(99)<300'], http_req_failed: ['rate<0.01'], phases: ['peak'] }],
        });
        const steps = SHORT_STEPS;
        const healthy = await findCapacity(scenario, { ...steps, startRate: 180 });
        const degraded = await findCapacity(scenario, { ...steps, startRate: 120, faultsOf: 'dependency-slow' });
        const said = (r: typeof healthy) =>
          r.steps.map((s) => `${s.stage} ${s.rate}: ${s.kind} p99 ${s.p99Ms} (${s.reason})`).join('\n');
        expect(healthy.limitedBy, said(healthy)).toBe('service');
        expect(degraded.limitedBy, said(degraded)).toBe('service');
        expect(degraded.heldFaults).toEqual({ phase: 'dependency-slow', faults: ['dependency: latency 10ms ±0ms'] });
        // The healthy answer implies the time a worker spends per request (k ÷ rate); 10 ms more gives N−1's answer.
        const perRequestMs = (4 / healthy.heldRate!) * 1_000;
        const implied = 4 / ((perRequestMs + 10) / 1_000);
        const detail = `healthy ${healthy.heldRate}, N−1 ${degraded.heldRate}, implied ${implied.toFixed(0)}\n${said(healthy)}\n${said(degraded)}`;
        expect(degraded.heldRate!, detail).toBeGreaterThan(implied * 0.8);
        expect(degraded.heldRate!, detail).toBeLessThan(implied * 1.2);
        // Nothing is left on the proxy after either search.
        expect((await toxiproxyState(toxiproxy.url)).flatMap((p) => p.toxics)).toEqual([]);
      } finally {
        await toxiproxy.stop();
      }
    },
  );
});

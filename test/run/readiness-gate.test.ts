import { describe, expect, it } from 'vitest';
import { OrdealError } from '../../harness/errors/ordeal-error.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { startTestServer } from '../support/test-server.ts';

/** A real server that answers 503 on /ready until `readyAfterMs`, and counts every other request with the time it came. */
async function slowStarter(readyAfterMs: number) {
  const startedMs = Date.now();
  const loadTimesMs: number[] = [];
  const server = await startTestServer((request, response) => {
    if (request.url === '/ready') {
      response.writeHead(Date.now() - startedMs >= readyAfterMs ? 200 : 503).end();
      return;
    }
    loadTimesMs.push(Date.now());
    response.end('ok');
  });
  return Object.assign(server, { readyAtMs: startedMs + readyAfterMs, loadTimesMs });
}

const scenarioFor = (url: string, timeout: string) =>
  validateScenario({
    name: 'gate',
    target: { baseUrl: url },
    readiness: { path: '/ready', timeout, interval: '200ms' },
    // About when the load starts, not the generator (this file shares the machine): its send lag is judged loosely.
    load: notAboutTheGenerator(),
    requests: [{ path: '/' }],
    phases: [{ name: 'p', duration: '1s', rate: 10 }],
    slos: [{ http_req_failed: ['rate<0.01'] }],
  });

describe('the readiness gate', () => {
  it('holds the load until the service says it is ready, and says how long that took', async () => {
    const service = await slowStarter(1_500);
    try {
      const report = await runScenario(scenarioFor(service.url, '10s'));
      expect(report.load.readinessWaitMs).toBeGreaterThanOrEqual(1_000);
      expect(service.loadTimesMs.length).toBeGreaterThan(0);
      // Nothing of the load (warm-up included) came before the service was ready.
      expect(Math.min(...service.loadTimesMs)).toBeGreaterThanOrEqual(service.readyAtMs);
      expect(report.verdict, report.verdictReason).toBe('pass');
    } finally {
      await service.close();
    }
  });

  it('not ready in time: exit 3 with what it last saw, and no load sent', async () => {
    const service = await slowStarter(60_000);
    try {
      const error = await runScenario(scenarioFor(service.url, '1s')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OrdealError);
      expect((error as OrdealError).exitCode).toBe(3);
      expect((error as Error).message).toBe(
        'readiness: the service was not ready within 1s (last: GET /ready answered 503); nothing was sent',
      );
      expect(service.loadTimesMs).toEqual([]);
    } finally {
      await service.close();
    }
  });

  it('needs a path or a condition', () => {
    expect(() =>
      validateScenario({
        name: 'g',
        target: { baseUrl: 'http://127.0.0.1:1' },
        readiness: {},
        requests: [{ path: '/' }],
        phases: [{ name: 'p', duration: '1s', rate: 1 }],
      }),
    ).toThrow(/readiness: .*needs a path \(e.g. "\/actuator\/health\/readiness"\) or a promql condition/);
  });
});

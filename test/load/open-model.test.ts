import { afterEach, describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { scenarioAt as scenarioOf } from '../support/scenario-at.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A real server on loopback; `delayOf(now)` says how long to hold each response. */
async function startServer(delayOf: (nowMs: number) => number): Promise<string> {
  const server = await startTestServer((_request, response) => {
    const delayMs = delayOf(Date.now());
    if (delayMs > 0) setTimeout(() => response.end('ok'), delayMs);
    else response.end('ok');
  });
  servers.push(server);
  return server.url;
}

const scenarioAt = (baseUrl: string, extra: Record<string, unknown>) => scenarioOf(baseUrl, extra, 'open-model');

describe('open-model load (ordeal driver)', () => {
  it('records latencies that include a stall in full (coordinated omission corrected)', async () => {
    const originMs = Date.now();
    // Stalls for 1 s in every 2 s: a request arriving during a stall waits until it ends.
    const url = await startServer((now) => {
      const intoPeriodMs = (now - originMs) % 2_000;
      return intoPeriodMs < 1_000 ? 1_000 - intoPeriodMs : 0;
    });
    const report = await runScenario(
      scenarioAt(url, {
        phases: [{ name: 'stalling', duration: '4s', rate: 100 }],
        slos: [{ http_req_duration: ['p(99)<500'] }],
      }),
    );
    const phase = report.phases[0]!;
    expect(phase.requests).toBe(400);
    expect(phase.dropped).toBe(0);
    // Half of the arrivals land in a stall and wait 0..1000 ms: p90 ≈ 800 ms, p99 ≈ 980 ms.
    expect(phase.latencyMs!.p90).toBeGreaterThan(600);
    expect(phase.latencyMs!.p99).toBeGreaterThan(900);
    expect(report.verdict, report.verdictReason).toBe('fail');
    expect(report.load).toMatchObject({ driver: 'ordeal', model: 'open' });
  });

  it('sends exactly the planned arrivals, split over two workers', async () => {
    const url = await startServer(() => 0);
    const report = await runScenario(
      scenarioAt(url, {
        load: { workers: 2 },
        phases: [{ name: 'ramp', duration: '3s', rate: { from: 100, to: 300 } }],
        slos: [{ http_reqs: ['count==600'] }],
      }),
    );
    expect(report.phases[0]!.requests).toBe(600);
    expect(report.verdict, report.verdictReason).toBe('pass');
  });

  it('makes a phase whose rate cannot be held inconclusive, with the dropped count', async () => {
    const url = await startServer(() => 100);
    // 5 in flight at 100 ms each holds at most 50 req/s; 200 req/s are asked for. The service sheds the load, not the
    // generator: its own send lag is judged loosely (a timer late by 10 ms would otherwise be the reason given).
    const report = await runScenario(
      scenarioAt(url, {
        load: notAboutTheGenerator({ maxInFlight: 5, workers: 1 }),
        phases: [{ name: 'overload', duration: '3s', rate: 200 }],
        slos: [{ http_req_duration: ['p(95)<500'] }],
      }),
    );
    const phase = report.phases[0]!;
    expect(phase.dropped).toBeGreaterThan(300);
    expect(phase.achievedRate!).toBeLessThan(0.95 * phase.targetRate!);
    const check = report.checks[0]!;
    expect(check).toMatchObject({ status: 'inconclusive', passed: false });
    expect(check.reason).toMatch(/achieved .* of 200\.0 req\/s \(\d+ dropped\)/);
    expect(report.verdict, report.verdictReason).toBe('inconclusive');
  });

  it('offers the closed model too, labelled as such and without a target rate', async () => {
    const url = await startServer(() => 5);
    const report = await runScenario(
      scenarioAt(url, {
        load: { model: 'closed', workers: 1 },
        phases: [{ name: 'vus', duration: '2s', vus: 4 }],
        slos: [{ http_req_duration: ['p(95)<500'] }],
      }),
    );
    expect(report.load.model).toBe('closed');
    const phase = report.phases[0]!;
    expect(phase.targetRate).toBeNull();
    // 4 virtual users, ~5 ms per request: several hundred requests, and never more than 4 at once.
    expect(phase.requests).toBeGreaterThan(200);
    expect(phase.requests).toBeLessThan(4 * (2_000 / 5) + 10);
    expect(report.verdict, report.verdictReason).toBe('pass');
  });
});

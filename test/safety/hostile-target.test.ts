import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { scenarioAt as scenarioOf } from '../support/scenario-at.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(respond: http.RequestListener): Promise<string> {
  const server = await startTestServer(respond);
  servers.push(server);
  return server.url;
}

const scenarioAt = (baseUrl: string, extra: Record<string, unknown>) =>
  scenarioOf(baseUrl, { ...extra, load: { warmup: false, workers: 1, ...(extra.load as object) } }, 'hostile');

describe('a hostile target', () => {
  it('answering an endless body on its health endpoint does not crash the run: the probes count as failed and the report is whole', async () => {
    const url = await serve((request, response) => {
      if (!request.url?.startsWith('/health')) return void response.end('ok');
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(1024 * 1024, 120);
      const pump = (): void => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once('drain', pump);
      };
      pump();
    });
    const rssBefore = process.memoryUsage().rss;
    const report = await runScenario(
      scenarioAt(url, {
        phases: [{ name: 'p', duration: '2s', rate: 10 }],
        health: { interval: '500ms' },
        checks: [{ kind: 'health', probe: 'live' }],
      }),
    );
    expect(report.phases[0]!.requests).toBe(20);
    const health = report.checks.find((c) => c.metric === 'health')!;
    expect(health.status).toBe('fail');
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(500 * 1024 * 1024);
  });

  it('dribbling one byte at a time still times out every request, and every request sent is recorded', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '1000' });
      const timer = setInterval(() => (response.destroyed ? clearInterval(timer) : response.write('x')), 100);
      response.on('close', () => clearInterval(timer));
    });
    const report = await runScenario(
      scenarioAt(url, {
        load: { timeout: '400ms' },
        phases: [{ name: 'p', duration: '2s', rate: 10 }],
        slos: [{ http_req_failed: ['rate<0.01'] }],
      }),
    );
    const phase = report.phases[0]!;
    expect(phase.requests).toBe(20);
    expect(phase.errorsByKind.timeout).toBe(20);
    expect(report.verdict, report.verdictReason).toBe('fail');
  });

  it('a few milliseconds too slow is a timeout, whatever the timeout: 40 ms against a 60 ms service fails the error-rate SLO', async () => {
    const url = await serve((_request, response) => void setTimeout(() => response.end('ok'), 60));
    const report = await runScenario(
      scenarioAt(url, {
        load: { timeout: '40ms' },
        phases: [{ name: 'p', duration: '1s', rate: 20 }],
        slos: [{ http_req_failed: ['rate<0.01'] }],
      }),
    );
    // Every request sent is a timeout (a busy host may leave an arrival or two of the 1-s phase unsent: never another kind).
    const phase = report.phases[0]!;
    const said = `${phase.requests} requests, errors ${JSON.stringify(phase.errorsByKind)}`;
    expect(phase.requests, said).toBeGreaterThanOrEqual(15);
    expect(phase.errorsByKind.timeout, said).toBe(phase.requests);
    expect(report.checks[0]).toMatchObject({ status: 'fail', observed: 1 });
  });
});

describe('limits', () => {
  it('hold in the closed model too: 10 virtual users against a fast service stay under limits.maxRatePerSec', async () => {
    let served = 0;
    const url = await serve((_request, response) => {
      served += 1;
      response.end('ok');
    });
    const report = await runScenario(
      scenarioAt(url, {
        load: { model: 'closed' },
        limits: { maxRatePerSec: 50 },
        phases: [{ name: 'vus', duration: '2s', vus: 10 }],
        slos: [{ http_reqs: ['rate<=55'] }],
      }),
    );
    // The warm-up's untimed requests (1 s before the phase) are under the same limit, and counted apart.
    const warmup = report.load.warmupRequests;
    expect(warmup).toBeLessThanOrEqual(50 + 5);
    expect(served - warmup).toBeLessThanOrEqual(2 * 50 + 10);
    expect(served - warmup).toBeGreaterThan(80);
    expect(report.verdict, report.verdictReason).toBe('pass');
  });

  it(
    'a closed model with far more users than the rate cap lets send ends its phase on time, and reports the rate it really sent',
    { timeout: 30_000 },
    async () => {
      let served = 0;
      const url = await serve((_request, response) => {
        served += 1;
        response.end('ok');
      });
      const report = await runScenario(
        scenarioAt(url, {
          load: { model: 'closed', warmup: false },
          limits: { maxRatePerSec: 50 },
          phases: [{ name: 'crowd', duration: '3s', vus: 500 }],
          slos: [],
        }),
      );
      const phase = report.phases[0]!;
      const lengthMs = Date.parse(phase.end!) - Date.parse(phase.start!);
      // 3 s, not the ~13 s it took when 500 users queued for 50 send slots a second past the phase's end.
      expect(lengthMs).toBeLessThan(4_500);
      expect(served).toBeLessThanOrEqual(3 * 50 + 10);
      expect(phase.requests).toBe(served);
      expect(phase.achievedRate!).toBeLessThanOrEqual(55);
    },
  );

  it('count what will run: 10,000 phases of 1ms are 10,000 seconds, not 10', () => {
    expect(() =>
      validateScenario({
        name: 'many',
        target: { baseUrl: 'http://127.0.0.1:1' },
        requests: [{ path: '/' }],
        limits: { maxDuration: '1h' },
        phases: Array.from({ length: 10_000 }, (_, i) => ({ name: `p${i}`, duration: '1ms', rate: 1 })),
      }),
    ).toThrow(
      /phases: would run for 166m41s \(each phase lasts at least 1s, warm-up included\), more than limits.maxDuration \(1h/,
    );
  });

  it('refuse a header or path with a line break at validation (exit 2), instead of sending broken requests', () => {
    const base = {
      name: 'crlf',
      target: { baseUrl: 'http://127.0.0.1:1' },
      phases: [{ name: 'p', duration: '1s', rate: 1 }],
    };
    expect(() =>
      validateScenario({ ...base, requests: [{ path: '/', headers: { 'x-a': 'b\r\nx-evil: 1' } }] }),
    ).toThrow(/requests\[0\]\.headers\.x-a: .* contains a line break or NUL/);
    expect(() => validateScenario({ ...base, requests: [{ path: '/a\r\nHost: evil' }] })).toThrow(
      /requests\[0\]\.path: .* contains a space, line break or control character/,
    );
    expect(() => validateScenario({ ...base, requests: [{ path: '/', headers: { 'bad name': 'x' } }] })).toThrow(
      /is not an HTTP header name/,
    );
  });
});

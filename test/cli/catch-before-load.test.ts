import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../harness/net/free-port.ts';
import { ToxiproxyServer } from '../../harness/toxiproxy/toxiproxy-server.ts';
import { startCountingServer } from '../support/counting-server.ts';
import { runCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

/** A mistake a newcomer makes is caught by `plan` and by `run` before any load: exit code, a message naming the address or field, nothing sent. */
describe('mistakes caught before any load', () => {
  it('nothing listening at the target: plan and run exit 3 naming the address and the setting, nothing sent', async () => {
    const port = await findFreePort();
    const { file, reportDir } = await writeTempScenario({
      name: 'void',
      target: { baseUrl: `http://127.0.0.1:${port}` },
      requests: [{ path: '/' }],
      phases: [{ name: 'p', duration: '1s', rate: 5 }],
    });
    for (const args of [
      ['plan', file],
      ['run', file, '--report-dir', reportDir],
    ]) {
      const result = await runCli(args);
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toContain(
        `target.baseUrl: nothing answers at 127.0.0.1:${port} (connection refused); start the service or fix the address; nothing was sent`,
      );
    }
  });

  it("nothing behind a faulted proxy's upstream: exit 3 naming the fault and the proxy, and the target got no request", async () => {
    const target = await startCountingServer();
    await using toxiproxy = await new ToxiproxyServer().start();
    const deadPort = await findFreePort();
    try {
      const { file, reportDir } = await writeTempScenario({
        name: 'dead-upstream',
        target: { baseUrl: target.url },
        toxiproxy: {
          url: toxiproxy.url,
          proxies: [{ name: 'db', listen: `127.0.0.1:${await findFreePort()}`, upstream: `127.0.0.1:${deadPort}` }],
        },
        requests: [{ path: '/' }],
        phases: [{ name: 'p', duration: '1s', rate: 5, faults: [{ proxy: 'db', kind: 'latency', latencyMs: 10 }] }],
      });
      const result = await runCli(['run', file, '--report-dir', reportDir]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(
        `phases[0].faults[0].proxy "db" (its upstream): nothing answers at 127.0.0.1:${deadPort} (connection refused)`,
      );
      expect(target.requests()).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('a fault on a proxy that is declared nowhere: exit 2 at plan and run, naming the field, nothing sent', async () => {
    const target = await startCountingServer();
    try {
      const scenario = {
        name: 'undeclared',
        target: { baseUrl: target.url },
        requests: [{ path: '/' }],
        phases: [{ name: 'p', duration: '1s', rate: 5, faults: [{ proxy: 'ghost', kind: 'down' }] }],
      };
      const { file, reportDir } = await writeTempScenario(scenario);
      for (const args of [
        ['plan', file],
        ['run', file, '--report-dir', reportDir],
      ]) {
        const result = await runCli(args);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('phases[0].faults[0].proxy: "ghost" is not declared in toxiproxy.proxies');
      }
      // With a Toxiproxy of the user's that lacks it: exit 2 too, saying what that Toxiproxy has.
      await using toxiproxy = await new ToxiproxyServer().start();
      const named = await writeTempScenario({ ...scenario, toxiproxy: { url: toxiproxy.url } });
      const result = await runCli(['run', named.file, '--report-dir', named.reportDir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/has no proxy named "ghost" \(it has: none; declare it in toxiproxy.proxies\)/);
      expect(target.connections()).toBe(0);
    } finally {
      await target.close();
    }
  });

  it("shows Toxiproxy's own words: a proxy whose listen port is taken says so", async () => {
    const target = await startCountingServer();
    await using toxiproxy = await new ToxiproxyServer().start();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    try {
      const taken = (squatter.address() as net.AddressInfo).port;
      const { file, reportDir } = await writeTempScenario({
        name: 'port-taken',
        target: { baseUrl: target.url },
        toxiproxy: {
          url: toxiproxy.url,
          proxies: [{ name: 'api', listen: `127.0.0.1:${taken}`, upstream: new URL(target.url).host }],
        },
        requests: [{ path: '/' }],
        phases: [{ name: 'p', duration: '1s', rate: 5, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 10 }] }],
      });
      const result = await runCli(['run', file, '--report-dir', reportDir]);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/creating proxy "api" .* failed: .*status code 500: .*address already in use/);
    } finally {
      squatter.close();
      await target.close();
    }
  });

  it('plan reports a bad address before printing the timeline, and warns of thresholds that look like seconds', async () => {
    // A non-loopback target, refused (not on the allowlist) before anything is printed or sent.
    const bad = await writeTempScenario({
      name: 'bad-url',
      target: { baseUrl: 'http://10.1.2.3:80' },
      requests: [{ path: '/' }],
      phases: [{ name: 'p', duration: '1s', rate: 5 }],
    }); // refused
    const refused = await runCli(['plan', bad.file]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    const target = await startCountingServer();
    try {
      const odd = await writeTempScenario({
        name: 'seconds',
        target: { baseUrl: target.url },
        requests: [{ path: '/' }],
        phases: [{ name: 'p', duration: '1s', rate: 5 }],
        slos: [{ http_req_duration: ['p(95)<0.2'] }],
      });
      const planned = await runCli(['plan', odd.file]);
      expect(planned.code).toBe(0);
      expect(planned.stdout).toContain(
        'slos[0].http_req_duration[0]: "p(95)<0.2" asks for under 0.2 ms; latencies are in milliseconds (did you mean "p(95)<200"?)',
      );
      expect(target.requests()).toBe(0);
    } finally {
      await target.close();
    }
  });

  it("answers k6's `thresholds` with where ordeal's go (exit 2)", async () => {
    const { file } = await writeTempScenario({
      name: 'k6-habit',
      target: { baseUrl: 'http://127.0.0.1:1' },
      requests: [{ path: '/' }],
      phases: [{ name: 'p', duration: '1s', rate: 5 }],
      thresholds: { http_req_duration: ['p(95)<500'] },
    });
    const result = await runCli(['plan', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('has unknown field "thresholds" (did you mean `slos`?');
  });

  it('a check on your own service that does not say what it reads: exit 2 naming the field, nothing sent; plan prints every series and probe it will read', async () => {
    const target = await startCountingServer();
    try {
      const base = {
        target: { baseUrl: target.url },
        requests: [{ path: '/' }],
        phases: [{ name: 'p', duration: '1s', rate: 5 }],
        slos: [],
      };
      const bare = await writeTempScenario({
        ...base,
        name: 'bare-check',
        scrape: {},
        checks: [{ kind: 'breaker', phase: 'p', opensWithin: '5s', source: 'scrape' }],
      });
      for (const args of [
        ['plan', bare.file],
        ['run', bare.file, '--report-dir', bare.reportDir],
      ]) {
        const result = await runCli(args);
        expect(result.code, result.stderr).toBe(2);
        expect(result.stderr).toContain(
          'checks[0].metric: is required to read a breaker from /metrics on your own service',
        );
      }
      const named = await writeTempScenario({
        ...base,
        name: 'named-reads',
        scrape: {},
        health: { paths: { ready: '/actuator/health/readiness' } },
        checks: [
          { kind: 'breaker', phase: 'p', opensWithin: '5s', source: 'scrape', breaker: 'bank', preset: 'resilience4j' },
          { kind: 'health', probe: 'ready' },
        ],
      });
      // Offline: the reads are printed, not looked up (this counting server has no /metrics; name lookups are tested in name-lookup.test.ts).
      const planned = await runCli(['plan', named.file, '--offline']);
      expect(planned.code, planned.stderr).toBe(0);
      expect(planned.stdout).toContain('check: breaker bank opens within 5s');
      expect(planned.stdout).toContain(
        `open: scrape ${new URL('/metrics', target.url).href}: resilience4j_circuitbreaker_state{name="bank",state="open"}`,
      );
      expect(planned.stdout).toContain(
        `half-open: scrape ${new URL('/metrics', target.url).href}: resilience4j_circuitbreaker_state{name="bank",state="half_open"}`,
      );
      expect(planned.stdout).toContain('ready probe GET /actuator/health/readiness answers 2xx/3xx');
      expect(target.requests()).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('plan --offline checks the scenario and its addresses but not that the stack is up yet: exit 0, saying what it did not check', async () => {
    const port = await findFreePort();
    const { file } = await writeTempScenario({
      name: 'not-yet-up',
      target: { baseUrl: `http://127.0.0.1:${port}` },
      prometheus: { url: `http://127.0.0.1:${await findFreePort()}` },
      requests: [{ path: '/' }],
      phases: [{ name: 'p', duration: '1s', rate: 5 }],
      checks: [{ kind: 'no-alert', phases: ['p'] }],
    });
    expect((await runCli(['plan', file])).code).toBe(3);
    const offline = await runCli(['plan', file, '--offline']);
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toContain(
      'infrastructure: not checked (--offline): the target listening; Prometheus answering; `ordeal run` checks them before any load',
    );
    // The address policy still holds offline.
    const bad = await writeTempScenario({
      name: 'bad-offline',
      target: { baseUrl: 'http://10.1.2.3:80' },
      requests: [{ path: '/' }],
      phases: [{ name: 'p', duration: '1s', rate: 5 }],
    }); // refused
    expect((await runCli(['plan', bad.file, '--offline'])).code).toBe(2);
  });
});

import { RunEvents } from '../../harness/events/run-events.ts';
import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { refusalOf } from '../../harness/net/network-policy.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { ToxiproxyServer } from '../../harness/toxiproxy/toxiproxy-server.ts';
import { runCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A real server on `host` (any 127.x address is this machine's loopback) that counts requests and answers as `respond` says. */
async function serverOn(host: string, respond: http.RequestListener = (_q, s) => s.end('ok')) {
  const seen: string[] = [];
  const server = await startTestServer((request, response) => {
    seen.push(request.url ?? '');
    respond(request, response);
  }, host);
  servers.push(server);
  return { url: server.url, port: server.port, seen };
}

describe('nothing leaves the allowlist', () => {
  it('refuses a health probe path that names another host (exit 2), and sends nothing anywhere', async () => {
    const allowed = await serverOn('127.0.0.77');
    const other = await serverOn('127.0.0.78');
    for (const live of [`${other.url}/health`, `//127.0.0.78:${other.port}/health`]) {
      const { file, reportDir } = await writeTempScenario({
        name: 'probe-elsewhere',
        target: { baseUrl: allowed.url, allowlist: ['127.0.0.77'] },
        requests: [{ path: '/' }],
        phases: [{ name: 'p', duration: '1s', rate: 5 }],
        health: { paths: { live } },
      });
      const result = await runCli(['run', file, '--report-dir', reportDir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('health.paths.live');
    }
    expect(allowed.seen).toEqual([]);
    expect(other.seen).toEqual([]);
  });

  it('does not follow a redirect: a target answering 302 to another host gets its probe recorded as the 302, and the other host sees nothing', async () => {
    const other = await serverOn('127.0.0.78');
    const allowed = await serverOn('127.0.0.77', (request, response) => {
      if (request.url?.startsWith('/health')) response.writeHead(302, { location: `${other.url}/stolen` }).end();
      else response.end('ok');
    });
    const report = await runScenario(
      validateScenario({
        name: 'redirected',
        target: { baseUrl: allowed.url, allowlist: ['127.0.0.77'] },
        load: { warmup: false },
        requests: [{ path: '/' }],
        phases: [{ name: 'p', duration: '2s', rate: 5 }],
        health: {
          interval: '200ms',
          paths: { live: '/health/live', ready: '/health/ready', startup: '/health/startup' },
        },
        checks: [{ kind: 'health', probe: 'live' }],
      }),
    );
    expect(allowed.seen.filter((u) => u.startsWith('/health')).length).toBeGreaterThan(5);
    expect(other.seen).toEqual([]);
    expect(report.checks.find((c) => c.metric === 'health')?.status).toBe('pass');
  });

  it('hands Toxiproxy the checked literal address, not the spelling it was given (0x7f.1 is 127.0.0.1)', async () => {
    const upstream = await serverOn('127.0.0.1');
    await using toxiproxy = await new ToxiproxyServer().start();
    // Read while the run holds it (the run deletes the proxy it created at its end).
    let upstreamSeen: Promise<string> | undefined;
    const events = new RunEvents().on('faultApplied', () => {
      upstreamSeen ??= toxiproxyState(toxiproxy.url).then(
        ([proxy]) => (proxy as unknown as { upstream: string }).upstream,
      );
    });
    const report = await runScenario(
      validateScenario({
        name: 'hex',
        target: { baseUrl: `${upstream.url}` },
        toxiproxy: {
          url: toxiproxy.url,
          proxies: [{ name: 'dep', listen: '127.0.0.1:0', upstream: `0x7f.1:${upstream.port}` }],
        },
        load: { warmup: false },
        requests: [{ path: '/' }],
        phases: [{ name: 'p', duration: '1s', rate: 5, faults: [{ proxy: 'dep', kind: 'latency', latencyMs: 1 }] }],
        slos: [],
      }),
      { events },
    );
    expect(report.faults).toHaveLength(1);
    expect(await upstreamSeen).toBe(`127.0.0.1:${upstream.port}`);
  });

  it('refuses a name that does not resolve, before anything is sent', async () => {
    const base = { requests: [{ path: '/' }], phases: [{ name: 'p', duration: '1s', rate: 5 }], slos: [] };
    const scenario = validateScenario({
      name: 'nx',
      target: { baseUrl: 'http://no-such-host.invalid:8080', allowlist: ['no-such-host.invalid'] },
      ...base,
    });
    await expect(runScenario(scenario, { allowNonLoopback: true })).rejects.toThrow(
      /target.baseUrl: host "no-such-host.invalid" does not resolve/,
    );
  });

  it('judges a name by every address it resolves to: an allowlisted name that resolves off loopback still needs --allow-non-loopback', () => {
    const policy = { allowlist: ['localhost', '127.0.0.0/8'], allowNonLoopback: false };
    expect(refusalOf('localhost', '127.0.0.1', policy)).toBeUndefined();
    expect(refusalOf('localhost', '10.1.2.3', policy)).toMatch(
      /^address 10\.1\.2\.3 \(localhost resolves to it\) is not a loopback address/,
    );
    expect(refusalOf('api.internal', '127.0.0.9', { allowlist: ['127.0.0.77'], allowNonLoopback: true })).toMatch(
      /is not on the allowlist \[127\.0\.0\.77\]/,
    );
  });
});

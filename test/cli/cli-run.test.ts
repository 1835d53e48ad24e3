import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBundledStack } from '../../harness/providers/bundled-stack/bundled-stack.ts';
import { ToxiproxyServer } from '../../harness/toxiproxy/toxiproxy-server.ts';
import { startCountingServer } from '../support/counting-server.ts';
import { startTargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { runCli, startCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';

async function readReport(reportDir: string): Promise<Record<string, any>> {
  const [runId] = await readdir(reportDir);
  return JSON.parse(await readFile(path.join(reportDir, runId!, 'report.json'), 'utf8'));
}

describe('ordeal run', () => {
  it('exits 1 when an SLO cannot be met (p(99)<1)', async () => {
    // A service that takes 200 ms: p(99)<1 cannot hold, even with a busy host's send lag taken off (the error bar). Not a test of the generator (it shares the machine): its send lag is judged loosely.
    await using target = await startTargetBehindToxiproxy(200);
    const { file, reportDir } = await writeTempScenario({
      name: 'impossible',
      target: { baseUrl: target.baseUrl },
      toxiproxy: { url: target.toxiproxy.url, proxies: [target.proxy] },
      load: notAboutTheGenerator(),
      requests: [{ path: '/' }],
      phases: [
        { name: 'steady', duration: '2s', rate: 30, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 200 }] },
      ],
      slos: [{ http_req_duration: ['p(99)<1'] }],
    });
    const run = await runCli(['run', file, '--report-dir', reportDir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/verdict: FAIL/);
    expect((await readReport(reportDir)).checks[0]).toMatchObject({
      phase: 'steady',
      passed: false,
      expected: 'p(99)<1',
    });
  });

  it('exits 2 on a malformed scenario, naming the field, and sends no request', async () => {
    const target = await startCountingServer();
    const { file, reportDir } = await writeTempScenario({
      name: 'malformed',
      target: { baseUrl: target.url },
      requests: [{ path: '/' }],
      phases: [{ name: 'a', duration: '10x', rate: 10 }],
    });
    const run = await runCli(['run', file, '--report-dir', reportDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('phases[0].duration: "10x" is not a duration');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(target.connections()).toBe(0);
    await target.close();
  });

  it('exits 2 for a target outside the allowlist and sends nothing', async () => {
    const target = await startCountingServer();
    const { file, reportDir } = await writeTempScenario({
      name: 'not-allowed',
      target: { baseUrl: target.url, allowlist: ['localhost'] },
      requests: [{ path: '/' }],
      phases: [{ name: 'a', duration: '2s', rate: 10 }],
    });
    const run = await runCli(['run', file, '--report-dir', reportDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('host "127.0.0.1" is not on the allowlist [localhost]');
    expect(target.connections()).toBe(0);
    await target.close();
  });

  it('on SIGINT during a fault phase removes every toxic, re-enables the proxy, ignores a second SIGINT, writes the report and exits 130', async () => {
    await using stack = await startBundledStack();
    const { file, reportDir } = await writeTempScenario({
      name: 'interrupted',
      target: { baseUrl: stack.gatewayUrl },
      toxiproxy: { url: stack.toxiproxyUrl },
      requests: [
        { path: '/api/quotes/ACME' },
        { method: 'POST', path: '/api/orders', body: { symbol: 'ACME', quantity: 1 } },
      ],
      phases: [
        { name: 'warm', duration: '1s', rate: 20 },
        {
          name: 'chaos',
          duration: '60s',
          rate: 20,
          faults: [
            { proxy: 'market-data', kind: 'latency', latencyMs: 400 },
            { proxy: 'ledger-primary', kind: 'down' },
          ],
        },
      ],
    });
    const cli = startCli(['run', file, '--report-dir', reportDir]);
    await cli.waitForOutput(/fault on: ledger-primary down/);
    const during = await toxiproxyState(stack.toxiproxyUrl);
    // The latency toxic, the inert marker that records who took ledger-primary down, and the run's heartbeat on both proxies.
    expect(
      during
        .flatMap((p) => p.toxics.map((t) => t.name))
        .map((name) => name.replace(/^ordeal-.+-(\d+(-down)?|heartbeat)$/, 'ordeal-<run>-$1'))
        .sort(),
    ).toEqual(['ordeal-<run>-1', 'ordeal-<run>-2-down', 'ordeal-<run>-heartbeat', 'ordeal-<run>-heartbeat']);
    expect(during.find((p) => p.name === 'ledger-primary')!.enabled).toBe(false);
    cli.child.kill('SIGINT');
    // A second Ctrl-C during clean-up is ignored: clean-up finishes.
    await cli.waitForOutput(/SIGINT: stopping load/);
    cli.child.kill('SIGINT');
    expect(await cli.exit).toBe(130);
    expect(cli.stderr()).toMatch(/SIGINT again: still removing faults and writing the report/);
    const after = await toxiproxyState(stack.toxiproxyUrl);
    expect(after.flatMap((p) => p.toxics)).toEqual([]);
    expect(after.every((p) => p.enabled)).toBe(true);
    const report = await readReport(reportDir);
    expect(report.verdict, report.verdictReason).toBe('aborted');
    expect(report.verdictReason).toBe('stopped by SIGINT');
  });
});

describe('ordeal plan', () => {
  it('prints the timeline and sends nothing', async () => {
    const target = await startCountingServer();
    const { file } = await writeTempScenario({
      name: 'planned',
      target: { baseUrl: target.url },
      requests: [{ path: '/' }],
      phases: [
        { name: 'warm', duration: '10s', rate: { from: 10, to: 100 } },
        { name: 'hold', duration: '1m', rate: 100 },
      ],
      guards: [{ name: 'error storm', metric: 'http_req_failed', trip: 'rate>0.2', for: '10s', phases: ['hold'] }],
    });
    const run = await runCli(['plan', file]);
    expect(run.stdout).toContain('  error storm: http_req_failed rate>0.2 for 10s (during hold)');
    expect(run.stdout).toContain('limits: at most 5000 req/s, at most 2h');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/warm\s+10s\s+10 → 100 req\/s/);
    expect(run.stdout).toMatch(/10s\s+hold\s+1m\s+100 req\/s/);
    expect(run.stdout).toContain('No request and no fault was sent');
    // Only a TCP handshake, to check that something listens at the target.
    expect(target.requests()).toBe(0);
    expect(run.stdout).toContain(`target at ${target.url}: something listens (127.0.0.1)`);
    await target.close();
  });

  it('checks that the Toxiproxy a scenario names answers, and exits 3 when it does not', async () => {
    await using toxiproxy = await new ToxiproxyServer().start();
    const target = await startCountingServer();
    const scenario = {
      name: 'checked',
      target: { baseUrl: target.url },
      requests: [{ path: '/' }],
      phases: [{ name: 'a', duration: '1s', rate: 1 }],
    };
    const up = await writeTempScenario({ ...scenario, toxiproxy: { url: toxiproxy.url } });
    const answered = await runCli(['plan', up.file]);
    expect(answered.code).toBe(0);
    expect(answered.stdout).toContain(`toxiproxy at ${toxiproxy.url}: answers (proxies: none)`);
    const down = await writeTempScenario({ ...scenario, toxiproxy: { url: 'http://127.0.0.1:9' } });
    const refused = await runCli(['plan', down.file]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('Toxiproxy at http://127.0.0.1:9 does not answer');
    await target.close();
  });

  it('prints --help and --version, and exits 2 on an unknown command', async () => {
    expect((await runCli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await runCli(['--help'])).stdout).toContain('ordeal run');
    expect((await runCli(['launch'])).code).toBe(2);
  });
});

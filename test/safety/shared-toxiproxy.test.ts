import { verdictUnlessBusy } from '../support/busy-verdict.ts';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readOnlyReport } from '../support/read-report.ts';
import { describe, expect, it } from 'vitest';
import { RunEvents } from '../../harness/events/run-events.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { startTargetBehindToxiproxy, type TargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { startCli, runCli } from '../support/run-cli.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';

async function toxiproxyCall(url: string, method: string, pathName: string, body?: unknown): Promise<void> {
  const response = await fetch(`${url}${pathName}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.ok, await response.text()).toBe(true);
}

function scenarioOn(target: TargetBehindToxiproxy, name: string, phases: unknown[], baseUrl = target.baseUrl) {
  return validateScenario({
    name,
    target: { baseUrl },
    toxiproxy: { url: target.toxiproxy.url, proxies: [target.proxy] },
    // About sharing Toxiproxy, not the generator (the file shares the machine): send lag is judged loosely.
    load: notAboutTheGenerator({ warmup: false }),
    requests: [{ path: '/' }],
    phases,
    slos: [{ http_req_failed: ['rate<0.5'] }],
  });
}

const toxicNames = async (target: TargetBehindToxiproxy): Promise<string[]> =>
  (await toxiproxyState(target.toxiproxy.url)).flatMap((p) => p.toxics.map((t) => t.name)).sort();

describe('two runs and a user sharing one Toxiproxy', () => {
  it("leave the user's own proxy and toxic in place, and a second run at once does not disturb the first", async () => {
    await using target = await startTargetBehindToxiproxy(200);
    const url = target.toxiproxy.url;
    await toxiproxyCall(url, 'POST', '/proxies', target.proxy);
    await toxiproxyCall(url, 'POST', '/proxies/api/toxics', {
      name: 'users-own',
      type: 'latency',
      attributes: { latency: 1 },
    });
    const first = runScenario(
      scenarioOn(target, 'first', [
        { name: 'calm', duration: '1s', rate: 20 },
        { name: 'slow', duration: '3s', rate: 20, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 40 }] },
      ]),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const second = await runScenario(
      scenarioOn(target, 'second', [
        { name: 'slow', duration: '1s', rate: 20, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 20 }] },
      ]),
    );
    const firstReport = await first;
    expect(second.verdict).toBe('pass');
    expect(firstReport.verdict).toBe('pass');
    // The first run's fault held for its whole phase: its latency shows it.
    expect(firstReport.phases[1]!.latencyMs!.p50).toBeGreaterThan(35);
    expect(firstReport.faults[0]!.removedExternallyAt).toBeUndefined();
    expect(await toxicNames(target)).toEqual(['users-own']);
    expect((await toxiproxyState(url)).map((p) => p.name)).toEqual(['api']);
  });

  it('refuse a declared proxy that exists with another upstream instead of replacing it', async () => {
    await using target = await startTargetBehindToxiproxy(200);
    await toxiproxyCall(target.toxiproxy.url, 'POST', '/proxies', { ...target.proxy, upstream: '127.0.0.1:9' });
    await expect(runScenario(scenarioOn(target, 'conflict', [{ name: 'p', duration: '1s', rate: 5 }]))).rejects.toThrow(
      /already has a proxy "api" \(.* → 127\.0\.0\.1:9\).*does not change or delete proxies it did not create/,
    );
    expect((await toxiproxyState(target.toxiproxy.url))[0]).toMatchObject({ name: 'api', upstream: '127.0.0.1:9' });
  });

  it('make a phase INCONCLUSIVE, never PASS, when someone removes its fault mid-phase', async () => {
    await using target = await startTargetBehindToxiproxy(200);
    const events = new RunEvents().on('faultApplied', ({ fault }) => {
      setTimeout(() => void toxiproxyCall(target.toxiproxy.url, 'DELETE', `/proxies/api/toxics/${fault.id}`), 500);
    });
    const report = await runScenario(
      scenarioOn(target, 'tampered', [
        { name: 'chaos', duration: '3s', rate: 20, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 30 }] },
      ]),
      { events },
    );
    expect(report.faults[0]!.removedExternallyAt).toBeDefined();
    expect(report.checks.length).toBeGreaterThan(0);
    for (const check of report.checks) {
      expect(check.status).toBe('inconclusive');
      expect(check.reason).toMatch(
        /^fault api: latency 30ms ±0ms was removed externally \(its toxic was deleted\) at .*; the phase did not run as described$/,
      );
    }
    expect(report.verdict, report.verdictReason).toBe('inconclusive');
  });

  it('keep a proxy down while another live run still holds it down', async () => {
    await using target = await startTargetBehindToxiproxy(200);
    const enabled = async (): Promise<boolean> =>
      (await toxiproxyState(target.toxiproxy.url)).find((p) => p.name === 'api')!.enabled;
    const long = runScenario(
      scenarioOn(target, 'long', [{ name: 'down', duration: '4s', rate: 5, faults: [{ proxy: 'api', kind: 'down' }] }]),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // The second run loads the server directly (the proxy it shares is down, held by the first run).
    await runScenario(
      scenarioOn(
        target,
        'short',
        [{ name: 'down', duration: '1s', rate: 5, faults: [{ proxy: 'api', kind: 'down' }] }],
        `http://${target.proxy.upstream}`,
      ),
    );
    // The short run is done; the long one still holds the proxy down.
    expect(await enabled()).toBe(false);
    await long;
    // The long run created the proxy and was the last live run to use it: it is deleted (a rerun creates it again).
    expect((await toxiproxyState(target.toxiproxy.url)).map((p) => p.name)).toEqual([]);
  });
});

describe('ordeal cleanup from another state folder', () => {
  it(
    "leaves a live run's fault alone (its heartbeat in Toxiproxy says it is alive), and the run still passes",
    { timeout: 90_000 },
    async () => {
      await using target = await startTargetBehindToxiproxy(200);
      const { file, reportDir } = await writeTempScenario({
        name: 'alive',
        target: { baseUrl: target.baseUrl },
        toxiproxy: { url: target.toxiproxy.url, proxies: [target.proxy] },
        // About cleanup, not the generator: warmed up (a cold one was seen 60 ms late at p99 here), loose on its lag.
        load: notAboutTheGenerator(),
        requests: [{ path: '/' }],
        // Long enough that the fault is still in place after a cleanup CLI has started and finished beside it on a
        // busy host (a fresh-clone CI run saw a 4 s phase end first, and the fault go with it).
        phases: [
          { name: 'chaos', duration: '12s', rate: 20, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 1_500 }] },
        ],
        // Far below the toxic's 1500 ms (without it, ~1 ms; a fault removed mid-phase would bring the median there): a
        // latency is judged with the generator's own lateness as an error bar, and a CI run saw 1.1 s of it beside the
        // cleanup CLI's start.
        slos: [{ phases: ['chaos'], http_req_duration: ['p(50)>100'] }],
      });
      const run = startCli(['run', file, '--report-dir', reportDir]);
      // Each step with its own deadline inside the test's: a hang names the step, and what ordeal said so far.
      await run.waitForOutput(/fault on: api latency/, 25_000);
      const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'ordeal-other-state-'));
      const cleanup = await runCli(
        ['cleanup', '--toxiproxy', target.toxiproxy.url],
        { ORDEAL_STATE_DIR: elsewhere },
        20_000,
      );
      expect(cleanup.code, cleanup.stderr).toBe(0);
      expect(cleanup.stdout).toMatch(/left alone: faults of 1 live run\(s\) \(\S+-alive-\S+;/);
      expect((await toxicNames(target)).filter((n) => !n.endsWith('-heartbeat') && !n.endsWith('-owner'))).toHaveLength(
        1,
      );
      const code = await Promise.race([
        run.exit,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`the run did not end within 30 s:\n${run.stderr()}`)), 30_000).unref(),
        ),
      ]);
      const report = (await readOnlyReport(reportDir)) as { verdict: string; warnings?: string[]; checks: unknown };
      // Exit 0, or 5 only when ordeal said its machine was too busy to judge the latency (not this test's subject).
      expect(verdictUnlessBusy(report, 'pass'), `${run.stderr()}\n${JSON.stringify(report.checks)}`).toBe('pass');
      expect(code).toBe(report.verdict === 'pass' ? 0 : 5);
      expect(await toxicNames(target)).toEqual([]);
    },
  );

  it("re-enables a dead run's downed proxy only when no live run holds it down too", async () => {
    await using target = await startTargetBehindToxiproxy(200);
    const url = target.toxiproxy.url;
    await toxiproxyCall(url, 'POST', '/proxies', target.proxy);
    const aliveUntilSec = Math.ceil(Date.now() / 1_000) + 60;
    await toxiproxyCall(url, 'POST', '/proxies/api/toxics', {
      name: 'ordeal-R-dead-1-down',
      type: 'latency',
      toxicity: 0,
      attributes: { latency: 0 },
    });
    await toxiproxyCall(url, 'POST', '/proxies/api/toxics', {
      name: 'ordeal-R-live-1-down',
      type: 'latency',
      toxicity: 0,
      attributes: { latency: 0 },
    });
    await toxiproxyCall(url, 'POST', '/proxies/api/toxics', {
      name: 'ordeal-R-live-heartbeat',
      type: 'bandwidth',
      toxicity: 0,
      attributes: { rate: aliveUntilSec },
    });
    await toxiproxyCall(url, 'POST', '/proxies/api', { enabled: false });
    const cleanup = await runCli(['cleanup', '--toxiproxy', url]);
    expect(cleanup.stdout).toContain('api: left down (another live run holds it down)');
    expect((await toxiproxyState(url))[0]!.enabled).toBe(false);
    expect(await toxicNames(target)).toEqual(['ordeal-R-live-1-down', 'ordeal-R-live-heartbeat']);
    // Once that run's heartbeat is stale, it is dead too: everything goes and the proxy comes back.
    await toxiproxyCall(url, 'POST', '/proxies/api/toxics/ordeal-R-live-heartbeat', {
      attributes: { rate: aliveUntilSec - 120 },
    });
    const second = await runCli(['cleanup', '--toxiproxy', url]);
    expect((await toxiproxyState(url))[0]!.enabled, `exit ${second.code}\n${second.stdout}\n${second.stderr}`).toBe(
      true,
    );
    expect(await toxicNames(target)).toEqual([]);
  });
});

import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { writeLease } from '../../harness/faults/fault-lease.ts';
import { heartbeatToxic } from '../../harness/faults/run-heartbeat.ts';
import { ToxiproxyServer } from '../../harness/toxiproxy/toxiproxy-server.ts';
import { readOnlyReport } from '../support/read-report.ts';
import { runCli, startCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';

/** A pid that belonged to a process that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

async function post(url: string, pathName: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}${pathName}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.ok, await response.text()).toBe(true);
}

const marker = (runId: string) => ({
  name: `ordeal-${runId}-owner`,
  type: 'latency',
  toxicity: 0,
  attributes: { latency: 0 },
});

/** A short bundled-stack run against an external Toxiproxy: a latency fault on market-data between two calm phases. */
function bundledScenario(toxiproxyUrl: string) {
  return writeTempScenario({
    name: 'rerun',
    stack: { kind: 'bundled' },
    toxiproxy: { url: toxiproxyUrl },
    // About the proxies, not the generator: its send lag is judged loosely.
    load: notAboutTheGenerator(),
    requests: [{ path: '/api/quotes/ACME' }],
    phases: [
      { name: 'calm', duration: '3s', rate: 20 },
      { name: 'slow', duration: '3s', rate: 20, faults: [{ proxy: 'market-data', kind: 'latency', latencyMs: 50 }] },
      { name: 'after', duration: '2s', rate: 20 },
    ],
    slos: [{ http_req_failed: ['rate<0.05'] }],
  });
}

describe("proxies ordeal created are ordeal's", () => {
  it(
    'kill -9 of a bundled game day on an external Toxiproxy: its watchdog deletes the proxies it created, a rerun starts and passes, and leaves none behind',
    { timeout: 120_000 },
    async () => {
      await using toxiproxy = await new ToxiproxyServer().start();
      // A user's own proxy on the same Toxiproxy: never touched.
      await post(toxiproxy.url, '/proxies', { name: 'users-own', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
      const first = await bundledScenario(toxiproxy.url);
      const killed = startCli(['run', first.file, '--report-dir', first.reportDir]);
      await killed.waitForOutput(/fault on: market-data latency/);
      expect((await toxiproxyState(toxiproxy.url)).map((p) => p.name).sort()).toEqual([
        'ledger-primary',
        'ledger-replica',
        'market-data',
        'users-own',
      ]);
      killed.child.kill('SIGKILL');
      await killed.exit;
      // The watchdog removes the fault, stops the stack and deletes the proxies the run created.
      await expect
        .poll(async () => (await toxiproxyState(toxiproxy.url)).map((p) => p.name), { timeout: 10_000, interval: 200 })
        .toEqual(['users-own']);

      const second = await bundledScenario(toxiproxy.url);
      const rerun = await runCli(['run', second.file, '--report-dir', second.reportDir]);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect((await readOnlyReport(second.reportDir)).verdict).toBe('pass');
      const left = await toxiproxyState(toxiproxy.url);
      expect(left.map((p) => p.name)).toEqual(['users-own']);
      expect(left[0]!.toxics).toEqual([]);
    },
  );

  it(
    'a rerun after ordeal and its watchdog both died deletes the proxies the dead run created (and says so), and re-creates them',
    { timeout: 120_000 },
    async () => {
      await using toxiproxy = await new ToxiproxyServer().start();
      // What a run whose harness and watchdog were both killed leaves: its proxies with its owner marker, its lease naming dead pids.
      await writeLease({
        runId: 'R-both-dead',
        pid: deadPid(),
        watchdogPid: deadPid(),
        toxiproxyUrl: toxiproxy.url,
        hostname: os.hostname(),
        startedAt: new Date().toISOString(),
      });
      for (const name of ['market-data', 'ledger-primary', 'ledger-replica']) {
        await post(toxiproxy.url, '/proxies', { name, listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
        await post(toxiproxy.url, `/proxies/${name}/toxics`, marker('R-both-dead'));
      }
      const { file, reportDir } = await bundledScenario(toxiproxy.url);
      const rerun = await runCli(['run', file, '--report-dir', reportDir]);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stderr).toMatch(
        /deleted proxies created by run R-both-dead \(no longer alive, used by no live run\): ledger-primary: deleted the proxy it created/,
      );
      expect(await toxiproxyState(toxiproxy.url)).toEqual([]);
    },
  );

  it("ordeal cleanup deletes a dead run's proxy; a live run's proxy and a user's own proxy stay", async () => {
    await using toxiproxy = await new ToxiproxyServer().start();
    await post(toxiproxy.url, '/proxies', { name: 'dead-runs', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
    await post(toxiproxy.url, '/proxies/dead-runs/toxics', marker('R-dead'));
    await writeLease({
      runId: 'R-dead',
      pid: deadPid(),
      toxiproxyUrl: toxiproxy.url,
      hostname: os.hostname(),
      startedAt: new Date().toISOString(),
    });
    // A live run elsewhere: its heartbeat on its proxy is fresh (another host: no lease here).
    await post(toxiproxy.url, '/proxies', { name: 'live-runs', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
    await post(toxiproxy.url, '/proxies/live-runs/toxics', marker('R-live'));
    await post(toxiproxy.url, '/proxies/live-runs/toxics', heartbeatToxic('R-live', Date.now() + 30_000));
    // A dead run's proxy that a live run still uses (its heartbeat there): the last live run deletes it, not the cleanup.
    await post(toxiproxy.url, '/proxies', { name: 'shared', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
    await post(toxiproxy.url, '/proxies/shared/toxics', marker('R-dead'));
    await post(toxiproxy.url, '/proxies/shared/toxics', heartbeatToxic('R-live', Date.now() + 30_000));
    await post(toxiproxy.url, '/proxies', { name: 'users-own', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });

    const cleanup = await runCli(['cleanup', '--toxiproxy', toxiproxy.url]);
    expect(cleanup.code, cleanup.stderr).toBe(0);
    expect(cleanup.stdout).toMatch(
      /deleted proxies created by run R-dead \(no longer alive, used by no live run\): dead-runs: deleted the proxy it created/,
    );
    expect((await toxiproxyState(toxiproxy.url)).map((p) => p.name).sort()).toEqual([
      'live-runs',
      'shared',
      'users-own',
    ]);
  });
});

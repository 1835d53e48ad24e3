import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { writeLease } from '../../harness/faults/fault-lease.ts';
import { RunEvents } from '../../harness/events/run-events.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { startTargetBehindToxiproxy, type TargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { runCli } from '../support/run-cli.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

async function toxiproxyPost(url: string, pathName: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}${pathName}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.ok, await response.text()).toBe(true);
}

/**
 * Leaves what dead runs would leave: a latency toxic of a run whose lease
 * names a dead pid, a proxy taken down (with its marker) by a run with no
 * lease at all, and a toxic of a run that is alive (this test process).
 */
async function leaveFaults(target: TargetBehindToxiproxy): Promise<void> {
  const url = target.toxiproxy.url;
  await toxiproxyPost(url, '/proxies', target.proxy);
  await toxiproxyPost(url, '/proxies', { name: 'dependency', listen: '127.0.0.1:0', upstream: target.proxy.upstream });
  await writeLease({
    runId: 'R-dead-lease',
    pid: deadPid(),
    toxiproxyUrl: url,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
  });
  await toxiproxyPost(url, '/proxies/api/toxics', {
    name: 'ordeal-R-dead-lease-1',
    type: 'latency',
    attributes: { latency: 2_000 },
  });
  await toxiproxyPost(url, '/proxies/dependency/toxics', {
    name: 'ordeal-R-no-lease-1-down',
    type: 'latency',
    toxicity: 0,
    attributes: { latency: 0 },
  });
  await toxiproxyPost(url, '/proxies/dependency', { enabled: false });
  await writeLease({
    runId: 'R-alive',
    pid: process.pid,
    toxiproxyUrl: url,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
  });
  await toxiproxyPost(url, '/proxies/api/toxics', {
    name: 'ordeal-R-alive-1',
    type: 'latency',
    attributes: { latency: 1 },
  });
  await toxiproxyPost(url, '/proxies/api/toxics', {
    name: 'someone-elses',
    type: 'latency',
    attributes: { latency: 1 },
  });
}

async function remainingFaults(url: string): Promise<{ toxics: string[]; disabled: string[] }> {
  const proxies = await toxiproxyState(url);
  return {
    toxics: proxies.flatMap((p) => p.toxics.map((t) => t.name)).sort(),
    disabled: proxies.filter((p) => !p.enabled).map((p) => p.name),
  };
}

describe('faults left by runs that died', () => {
  it('are removed at the next start, which says so; faults of live runs and toxics ordeal did not make stay', async () => {
    await using target = await startTargetBehindToxiproxy(200);
    await leaveFaults(target);
    const messages: string[] = [];
    const events = new RunEvents().on('infrastructure', ({ message }) => messages.push(message));
    const scenario = validateScenario({
      name: 'next-run',
      target: { baseUrl: target.baseUrl },
      toxiproxy: { url: target.toxiproxy.url },
      requests: [{ path: '/' }],
      phases: [{ name: 'short', duration: '1s', rate: 5 }],
      slos: [],
    });
    await runScenario(scenario, { events });
    expect(await remainingFaults(target.toxiproxy.url)).toEqual({
      toxics: ['ordeal-R-alive-1', 'someone-elses'],
      disabled: [],
    });
    expect(messages).toContain(
      'removed faults left by run R-dead-lease (no longer alive): api: removed toxic ordeal-R-dead-lease-1',
    );
    expect(messages).toContain(
      'removed faults left by run R-no-lease (no longer alive): dependency: re-enabled (was down)',
    );
  });

  it('are removed by `ordeal cleanup --toxiproxy URL`, and by --all for live runs too', async () => {
    await using target = await startTargetBehindToxiproxy(200);
    await leaveFaults(target);
    const cleanup = await runCli(['cleanup', '--toxiproxy', target.toxiproxy.url]);
    expect(cleanup.code).toBe(0);
    expect(cleanup.stdout).toContain('removed faults left by run R-dead-lease');
    expect(cleanup.stdout).toContain('removed faults left by run R-no-lease');
    expect(cleanup.stdout).toContain('removed the faults of 2 run(s)');
    expect(await remainingFaults(target.toxiproxy.url)).toEqual({
      toxics: ['ordeal-R-alive-1', 'someone-elses'],
      disabled: [],
    });
    const all = await runCli(['cleanup', '--toxiproxy', target.toxiproxy.url, '--all']);
    expect(all.code).toBe(0);
    expect(await remainingFaults(target.toxiproxy.url)).toEqual({ toxics: ['someone-elses'], disabled: [] });
  });

  it('`ordeal cleanup` against a Toxiproxy that does not answer exits 3 and says what to start', async () => {
    const cleanup = await runCli(['cleanup', '--toxiproxy', 'http://127.0.0.1:9']);
    expect(cleanup.code).toBe(3);
    expect(cleanup.stderr).toContain('Toxiproxy at http://127.0.0.1:9 does not answer');
  });
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../harness/clock/wait-until.ts';
import { moduleEntry } from '../../harness/process/module-entry.ts';
import { WATCHDOG_READY } from '../../harness/faults/watchdog-protocol.ts';
import { startTargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';

const WATCHDOG_MAIN = moduleEntry(new URL('../../harness/faults/fault-watchdog.ts', import.meta.url).href, './fault-watchdog-main.ts');

async function proxyNow(url: string, name: string): Promise<{ enabled: boolean; toxics: { name: string }[] }> {
  return (await toxiproxyState(url)).find((p) => p.name === name)!;
}

async function toxiproxyCall(url: string, method: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status, `${method} ${path}: ${await response.text()}`).toBeLessThan(300);
}

/**
 * kill -9 can land while the harness's "disable the proxy" request is on the
 * wire: Toxiproxy carries it out after the watchdog's first look, which
 * already deleted the down marker. Here the harness's part is played by the
 * test, in that order, against a real Toxiproxy and the real watchdog process.
 */
describe('the watchdog after a harness died mid-request', () => {
  it('re-enables a proxy whose disable, and removes a toxic whose creation, landed after its first cleanup pass', { timeout: 30_000 }, async () => {
    await using target = await startTargetBehindToxiproxy(200);
    const url = target.toxiproxy.url;
    await toxiproxyCall(url, 'POST', '/proxies', { name: 'dependency', listen: '127.0.0.1:0', upstream: target.proxy.upstream });
    const runId = `late-${process.pid}`;
    const watchdog = spawn(process.execPath, [...WATCHDOG_MAIN.execArgv, WATCHDOG_MAIN.file, runId, String(process.pid)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    watchdog.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntil(() => output.includes(WATCHDOG_READY), { timeoutMs: 10_000, intervalMs: 20 });
    watchdog.stdin.write(`${JSON.stringify({ type: 'toxiproxy', url, allowlist: ['127.0.0.1'], allowNonLoopback: false })}\n`);

    // The harness put its marker in, then died with the disable in flight.
    await toxiproxyCall(url, 'POST', '/proxies/dependency/toxics', { name: `ordeal-${runId}-1-down`, type: 'latency', toxicity: 0, attributes: { latency: 0 } });
    watchdog.stdin.end();
    await waitUntil(async () => (await proxyNow(url, 'dependency')).toxics.length === 0, { timeoutMs: 5_000, intervalMs: 10 });
    await toxiproxyCall(url, 'POST', '/proxies/dependency', { enabled: false });
    // And a toxic whose creation was on the wire too.
    await toxiproxyCall(url, 'POST', '/proxies/dependency/toxics', { name: `ordeal-${runId}-2`, type: 'latency', attributes: { latency: 500 } });

    const exited = once(watchdog, 'exit');
    await waitUntil(async () => (await proxyNow(url, 'dependency')).enabled, { timeoutMs: 3_000, intervalMs: 20 }).catch(() => undefined);
    expect(await proxyNow(url, 'dependency'), 'the late disable or toxic was left in place').toMatchObject({ enabled: true, toxics: [] });
    await exited;
  });
});

import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../harness/clock/wait-until.ts';
import { startBundledStack } from '../../harness/providers/bundled-stack/bundled-stack.ts';
import { ToxiproxyServer } from '../../harness/toxiproxy/toxiproxy-server.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(pids: number[]): Promise<void> {
  await waitUntil(() => !pids.some(isAlive), { timeoutMs: 2_000, intervalMs: 20 }).catch(() => undefined);
}

describe('startBundledStack', () => {
  it('serves quotes, orders, portfolio, health and metrics through Toxiproxy, and stops every process', async () => {
    const stack = await startBundledStack();
    const pids = stack.pids();
    expect(pids).toHaveLength(5);
    const quote = await (await fetch(`${stack.gatewayUrl}/api/quotes/ACME`)).json();
    expect(quote).toMatchObject({ symbol: 'ACME', source: 'market-data' });
    const order = await fetch(`${stack.gatewayUrl}/api/orders`, {
      method: 'POST',
      body: JSON.stringify({ symbol: 'ACME', quantity: 1 }),
    });
    expect(order.status).toBe(201);
    expect(await order.json()).toMatchObject({ ledger: 'primary' });
    expect((await fetch(`${stack.gatewayUrl}/api/portfolio`)).status).toBe(200);
    for (const probe of ['live', 'ready', 'startup'])
      expect((await fetch(`${stack.gatewayUrl}/health/${probe}`)).status).toBe(200);
    const metrics = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
    expect(metrics).toContain('circuit_breaker_state{breaker="market-data"} 0');
    expect(metrics).toContain('http_server_request_duration_seconds_bucket');
    expect(Object.keys(await stack.toxiproxy.getAll()).sort()).toEqual([
      'ledger-primary',
      'ledger-replica',
      'market-data',
    ]);
    await stack.stop();
    await waitUntilGone(pids);
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('leaves no process behind when start-up fails half-way: every process it spawned is gone', async () => {
    const spawned: number[] = [];
    // Downstreams start, then creating their proxies fails: nothing listens at this Toxiproxy URL.
    await expect(
      startBundledStack({ toxiproxyUrl: 'http://127.0.0.1:9', onProcessStarted: (pid) => pid && spawned.push(pid) }),
    ).rejects.toThrow();
    expect(spawned.length).toBeGreaterThanOrEqual(3);
    await waitUntilGone(spawned);
    expect(spawned.filter(isAlive)).toEqual([]);
  });

  it('refuses a Toxiproxy that already has a proxy of one of its names, and leaves that proxy alone', async () => {
    await using toxiproxy = await new ToxiproxyServer().start();
    await toxiproxy.client.createProxy({ name: 'market-data', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
    await expect(startBundledStack({ toxiproxyUrl: toxiproxy.url })).rejects.toThrow(
      /already has a proxy named "market-data" .*not one a dead ordeal run left .*delete that one if it is yours and unused, or give the stack another Toxiproxy/,
    );
    expect((await toxiproxy.client.get('market-data')).upstream).toBe('127.0.0.1:9');
  });
});

import { describe, expect, it } from 'vitest';
import { ToxiproxyFaultController } from '../../harness/faults/toxiproxy-fault-controller.ts';
import { startCountingServer } from '../support/counting-server.ts';
import { findToxiproxyServer } from '../../harness/toxiproxy/toxiproxy-binary.ts';
import { ToxiproxyServer } from '../../harness/toxiproxy/toxiproxy-server.ts';
import type { Fault } from '../../harness/scenario/fault-schema.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';

describe('toxiproxy-server provisioning', () => {
  it('finds the server the set-up installed (env, PATH or project cache)', async () => {
    const found = await findToxiproxyServer();
    expect(found?.path).toMatch(/toxiproxy-server$/);
  });

  it('refuses an ORDEAL_TOXIPROXY_SERVER that is not an executable, naming it', async () => {
    await expect(findToxiproxyServer({ env: { ORDEAL_TOXIPROXY_SERVER: '/nonexistent/toxiproxy' } })).rejects.toThrow(
      /ORDEAL_TOXIPROXY_SERVER: "\/nonexistent\/toxiproxy" is not an executable file/,
    );
  });

  it('starts on 127.0.0.1 with a free port and stops completely', async () => {
    const server = await new ToxiproxyServer().start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await server.client.getVersion()).not.toBe('');
    await server.stop();
    await expect(fetch(`${server.url}/version`)).rejects.toThrow();
  });
});

describe('ToxiproxyFaultController', () => {
  const faults: Fault[] = [
    { kind: 'latency', proxy: 'svc', latencyMs: 100, jitterMs: 10, stream: 'downstream', toxicity: 1 },
    { kind: 'bandwidth', proxy: 'svc', rateKBps: 10, stream: 'downstream', toxicity: 1 },
    { kind: 'timeout', proxy: 'svc', timeoutMs: 500, stream: 'upstream', toxicity: 0.5 },
    { kind: 'reset_peer', proxy: 'svc', timeoutMs: 0, stream: 'downstream', toxicity: 1 },
    { kind: 'slow_close', proxy: 'svc', delayMs: 100, stream: 'downstream', toxicity: 1 },
    {
      kind: 'slicer',
      proxy: 'svc',
      averageSizeBytes: 64,
      sizeVariationBytes: 8,
      delayUs: 10,
      stream: 'downstream',
      toxicity: 1,
    },
    { kind: 'limit_data', proxy: 'svc', bytes: 1_000, stream: 'downstream', toxicity: 1 },
    { kind: 'down', proxy: 'svc' },
  ];

  it('applies every fault kind to a real proxy, and removeAll leaves nothing behind', async () => {
    await using server = await new ToxiproxyServer().start();
    const upstream = await startCountingServer();
    await server.client.createProxy({
      name: 'svc',
      listen: '127.0.0.1:0',
      upstream: upstream.url.replace('http://', ''),
    });
    const controller = new ToxiproxyFaultController(server.client, 'run1');
    await controller.preflight(['svc']);
    for (const fault of faults) await controller.apply(fault, 'chaos');
    const [during] = await toxiproxyState(server.url);
    // Seven toxics, the inert marker recording that ordeal took the proxy down, and the run's inert heartbeat.
    expect(during!.toxics.map((t) => t.name)).toHaveLength(9);
    expect(during!.toxics.filter((t) => t.name === 'ordeal-run1-heartbeat')).toHaveLength(1);
    expect(during!.toxics.every((t) => t.name.startsWith('ordeal-run1-'))).toBe(true);
    expect(during!.toxics.filter((t) => t.name.endsWith('-down'))).toHaveLength(1);
    expect(during!.enabled).toBe(false);
    await controller.removeAll();
    const [after] = await toxiproxyState(server.url);
    expect(after).toMatchObject({ enabled: true, toxics: [] });
    expect(controller.active()).toEqual([]);
    await upstream.close();
  });

  it('names the missing proxy in preflight, before any fault is sent', async () => {
    await using server = await new ToxiproxyServer().start();
    const controller = new ToxiproxyFaultController(server.client, 'run2');
    await expect(controller.preflight(['market-data'])).rejects.toThrow(/has no proxy named "market-data"/);
  });
});

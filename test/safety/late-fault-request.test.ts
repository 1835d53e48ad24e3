import { spawn } from 'node:child_process';
import http from 'node:http';
import { Toxiproxy } from 'toxiproxy-node-client';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../harness/clock/wait-until.ts';
import { moduleEntry } from '../../harness/process/module-entry.ts';
import { WATCHDOG_READY } from '../../harness/faults/watchdog-protocol.ts';
import { ToxiproxyFaultController } from '../../harness/faults/toxiproxy-fault-controller.ts';
import type { Fault } from '../../harness/scenario/fault-schema.ts';
import { startTargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';
import { startTestServer } from '../support/test-server.ts';

const WATCHDOG_MAIN = moduleEntry(
  new URL('../../harness/faults/fault-watchdog.ts', import.meta.url).href,
  './fault-watchdog-main.ts',
);

async function proxyNow(url: string, name: string): Promise<{ enabled: boolean; toxics: { name: string }[] }> {
  return (await toxiproxyState(url)).find((p) => p.name === name)!;
}

/** The real watchdog process, guarding run `runId`'s faults in the Toxiproxy at `url`; the test plays its harness (closing stdin = dying). */
async function startWatchdog(runId: string, url: string) {
  const watchdog = spawn(
    process.execPath,
    [...WATCHDOG_MAIN.execArgv, WATCHDOG_MAIN.file, runId, String(process.pid)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let output = '';
  watchdog.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitUntil(() => output.includes(WATCHDOG_READY), { timeoutMs: 10_000, intervalMs: 20 });
  watchdog.stdin.write(
    `${JSON.stringify({ type: 'toxiproxy', url, allowlist: ['127.0.0.1'], allowNonLoopback: false })}\n`,
  );
  return watchdog;
}

async function toxiproxyCall(url: string, method: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, `${method} ${path}: ${await response.text()}`).toBeLessThan(300);
}

/**
 * kill -9 can land while the harness's "disable the proxy" request is on the
 * wire: Toxiproxy carries it out after the watchdog's first look, which
 * already deleted the down marker. Here the harness's part is played by the
 * test, in that order, against a real Toxiproxy and the real watchdog process.
 */
describe('the watchdog after a harness died mid-request', () => {
  it(
    're-enables a proxy whose disable, and removes a toxic whose creation, landed after its first cleanup pass',
    { timeout: 30_000 },
    async () => {
      await using target = await startTargetBehindToxiproxy(200);
      const url = target.toxiproxy.url;
      await toxiproxyCall(url, 'POST', '/proxies', {
        name: 'dependency',
        listen: '127.0.0.1:0',
        upstream: target.proxy.upstream,
      });
      const runId = `late-${process.pid}`;
      const watchdog = await startWatchdog(runId, url);

      // The harness put its marker in, then died with the disable in flight.
      await toxiproxyCall(url, 'POST', '/proxies/dependency/toxics', {
        name: `ordeal-${runId}-1-down`,
        type: 'latency',
        toxicity: 0,
        attributes: { latency: 0 },
      });
      const exited = once(watchdog, 'exit');
      watchdog.stdin.end();
      await waitUntil(async () => (await proxyNow(url, 'dependency')).toxics.length === 0, {
        timeoutMs: 5_000,
        intervalMs: 10,
      });
      await toxiproxyCall(url, 'POST', '/proxies/dependency', { enabled: false });
      // And a toxic whose creation was on the wire too.
      await toxiproxyCall(url, 'POST', '/proxies/dependency/toxics', {
        name: `ordeal-${runId}-2`,
        type: 'latency',
        attributes: { latency: 500 },
      });

      // The watchdog exits after its last look (1 s after the first); judge what it left then. A look
      // between the late disable and the late toxic sees the proxy up and no toxic yet — the next one gets it.
      await exited;
      expect(await proxyNow(url, 'dependency'), 'the late disable or toxic was left in place').toMatchObject({
        enabled: true,
        toxics: [],
      });
    },
  );

  it(
    'a kill in the middle of removing a "down" leaves the watchdog a marker to act on: the proxy comes back up',
    { timeout: 30_000 },
    async () => {
      await using target = await startTargetBehindToxiproxy(200);
      const url = target.toxiproxy.url;
      await toxiproxyCall(url, 'POST', '/proxies', {
        name: 'dependency',
        listen: '127.0.0.1:0',
        upstream: target.proxy.upstream,
      });
      // Between ordeal and Toxiproxy: forwards everything until told to die after the next change, then answers nothing.
      let dieAfterNextChange = false;
      let dead = false;
      let changeForwarded: () => void = () => undefined;
      const forwarded = new Promise<void>((resolve) => (changeForwarded = resolve));
      const cut = await startTestServer((req, res) => {
        if (dead) return;
        const change = req.method !== 'GET';
        if (change && dieAfterNextChange) dead = true;
        const upstream = http.request(`${url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
          if (dead) answer.on('end', changeForwarded);
        });
        req.pipe(upstream);
      });
      try {
        const runId = `cut-${process.pid}`;
        const watchdog = await startWatchdog(runId, url);
        const controller = new ToxiproxyFaultController(new Toxiproxy(cut.url), runId);
        const applied = await controller.apply({ proxy: 'dependency', kind: 'down' } as Fault, 'outage');
        expect(await proxyNow(url, 'dependency')).toMatchObject({ enabled: false });

        // The harness dies right after the first change of its removal reaches Toxiproxy.
        dieAfterNextChange = true;
        void controller.remove(applied).catch(() => undefined);
        await forwarded;
        const exited = once(watchdog, 'exit');
        watchdog.stdin.end();
        await waitUntil(
          async () =>
            (await proxyNow(url, 'dependency')).enabled && (await proxyNow(url, 'dependency')).toxics.length === 0,
          { timeoutMs: 3_000, intervalMs: 20 },
        ).catch(() => undefined);
        expect(await proxyNow(url, 'dependency'), 'left down with nothing saying whose').toMatchObject({
          enabled: true,
          toxics: [],
        });
        await exited;
      } finally {
        await cut.close();
      }
    },
  );
});

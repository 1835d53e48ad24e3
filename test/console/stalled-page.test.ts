import { readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../harness/clock/wait-until.ts';
import { startLiveConsole } from '../../harness/console/live-console.ts';
import { RunEvents } from '../../harness/events/run-events.ts';
import type { OperatorControls } from '../../harness/run/operator.ts';
import { noisy, syntheticReport } from '../support/synthetic-report.ts';

/** The most a loopback connection's two socket buffers can hold: tcp_wmem's and tcp_rmem's maxima. */
function kernelSocketBufferBytes(): number {
  const maximum = (file: string): number => Number(readFileSync(file, 'utf8').trim().split(/\s+/)[2]);
  return maximum('/proc/sys/net/ipv4/tcp_wmem') + maximum('/proc/sys/net/ipv4/tcp_rmem');
}

/**
 * A page that stops reading (a frozen tab, a stalled client) while ordeal
 * keeps sending it the report so far: ordeal drops it once a bounded amount
 * waits for it, instead of holding every snapshot of a long run in memory.
 * Real sockets; the run's side is a report of 5 000 seconds (a snapshot of
 * about half a megabyte), woken by notes.
 */
describe('the live console and a page that stops reading', () => {
  it(
    'drops the stalled page once 256 KiB wait for it; a page that reads goes on receiving',
    { timeout: 60_000 },
    async () => {
      const report = syntheticReport('stalled', [{ name: 'long', p95PerSecondMs: noisy(100, 10, 5_000) }]);
      const events = new RunEvents();
      const controls: OperatorControls = {
        runningPhase: () => 'long',
        skipPhase: () => false,
        annotate: () => {
          throw new RangeError('not in this test');
        },
        snapshot: async () => ({ report, runningPhase: 'long', settledAtMs: {}, nowMs: Date.now() }),
      };
      const console = await startLiveConsole(events, { port: 0, onAbort: () => undefined, maxQueuedBytes: 256 * 1024 });
      const port = Number(new URL(console.url).port);
      const key = new URL(console.pageUrl).searchParams.get('key')!;
      try {
        // The stalled page: asks for the event stream, then never reads.
        const stalled = net.connect(port, '127.0.0.1');
        await new Promise((resolve) => stalled.once('connect', resolve));
        stalled.write(`GET /events?key=${key} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
        stalled.pause();
        let stalledEnded = false;
        let stalledBytes = 0;
        stalled.on('data', (chunk: Buffer) => (stalledBytes += chunk.byteLength));
        stalled.on('end', () => (stalledEnded = true));
        stalled.on('close', () => (stalledEnded = true));

        // A page that reads.
        const reading = await fetch(`${console.url}/events?key=${key}`);
        const reader = reading.body!.getReader();
        let readBytes = 0;
        const pump = (async () => {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            readBytes += value.byteLength;
          }
        })();
        console.attach(controls);
        // Each note wakes a snapshot (at most every 250 ms): megabytes flow to both pages.
        let notes = 0;
        const noting = setInterval(
          () => events.emit('annotation', { note: { atMs: Date.now(), text: `note ${++notes}`, source: 'api' } }),
          100,
        );
        try {
          await waitUntil(() => readBytes > 16 * 1024 * 1024, {
            timeoutMs: 45_000,
            intervalMs: 50,
            what: 'the reading page received 16 MiB',
          });
        } finally {
          clearInterval(noting);
        }
        // Reading now, the stalled page finds what the kernel held for it, then the end: it was dropped.
        stalled.resume();
        await waitUntil(() => stalledEnded, { timeoutMs: 10_000, intervalMs: 20, what: 'the stalled page dropped' });
        // The bound: what the stalled page ever got is what the kernel's socket buffers held (about 4 MiB here: the
        // sender's buffer grows to tcp_wmem's maximum) plus at most the 256 KiB queued for it. Unbounded, it would
        // have got all the reading page got, 16 MiB and more.
        expect(stalledBytes).toBeGreaterThan(0);
        expect(stalledBytes).toBeLessThan(
          Math.min(readBytes / 2, kernelSocketBufferBytes() + 256 * 1024 + JSON.stringify(report).length),
        );
        const before = readBytes;
        events.emit('annotation', { note: { atMs: Date.now(), text: 'still here', source: 'api' } });
        await waitUntil(() => readBytes > before, {
          timeoutMs: 10_000,
          intervalMs: 20,
          what: 'the reading page still served',
        });
        expect(readBytes).toBeGreaterThan(before);
        await reader.cancel();
        await pump.catch(() => undefined);
        stalled.destroy();
      } finally {
        await console.stop();
      }
    },
  );
});

import { describe, expect, it } from 'vitest';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * A hostile service answering a step that captures: a body that streams
 * without end (well, 256 MiB per response), and a value too large to put in a
 * path. ordeal keeps a capture body up to load.maxCaptureBytes, drains the
 * rest, and fails the step with error kind "capture" — it never keeps the
 * stream, nor sends a request built from a value no path can hold.
 */
async function hostileService(): Promise<TestServer> {
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  const huge = JSON.stringify({ id: 'x'.repeat(2 * 1024 * 1024) });
  return await startTestServer((request, response) => {
    if (request.url === '/stream') {
      // 256 MiB of body, written as fast as the socket takes it.
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(256 * chunk.length) });
      let left = 256;
      const pump = (): void => {
        while (left > 0) {
          left -= 1;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
      return;
    }
    if (request.url === '/huge-id')
      return void response.writeHead(200, { 'content-type': 'application/json' }).end(huge);
    response.end('{"ok":true}');
  });
}

const scenario = (url: string, steps: unknown[], maxCaptureBytes: number) => ({
  name: 'bounded',
  target: { baseUrl: url },
  load: notAboutTheGenerator({ warmup: false, timeout: '10s', maxCaptureBytes }),
  flows: [{ name: 'grab', steps }],
  phases: [{ name: 'p', duration: '2s', rate: 5 }],
  slos: [],
});

describe('captures and templates are bounded', () => {
  it(
    'a body over load.maxCaptureBytes fails its step as "capture" and is drained, not kept: memory stays flat over 10 × 256 MiB',
    { timeout: 60_000 },
    async () => {
      const service = await hostileService();
      try {
        const rssBefore = process.memoryUsage().rss;
        let rssPeak = rssBefore;
        const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
        const report = await runScenario(
          scenario(
            service.url,
            [{ name: 'stream', path: '/stream', capture: { id: { json: '$.id' } } }],
            1024 * 1024,
          ) as never,
        );
        clearInterval(sampler);
        const step = report.phases[0]!.steps!.find((s) => s.name === 'stream')!;
        expect(step.requests).toBeGreaterThanOrEqual(8);
        expect(step.errorsByKind.capture).toBe(step.requests);
        // 10 × 256 MiB streamed through; ordeal's own memory rose by far less than one of them.
        expect((rssPeak - rssBefore) / 1_048_576).toBeLessThan(150);
      } finally {
        await service.close();
      }
    },
  );

  it(
    'a captured value too large for a path is not sent: the next step fails as "capture", naming the step and the bound',
    { timeout: 30_000 },
    async () => {
      const service = await hostileService();
      try {
        const report = await runScenario(
          scenario(
            service.url,
            [
              { name: 'get-id', path: '/huge-id', capture: { id: { json: '$.id' } } },
              { name: 'use-id', path: '/items/{{ id }}' },
            ],
            8 * 1024 * 1024,
          ) as never,
        );
        const steps = report.phases[0]!.steps!;
        expect(steps.find((s) => s.name === 'get-id')!.errors).toBe(0);
        const use = steps.find((s) => s.name === 'use-id')!;
        expect(use.requests).toBeGreaterThan(0);
        expect(use.errorsByKind.capture).toBe(use.requests);
      } finally {
        await service.close();
      }
    },
  );
});

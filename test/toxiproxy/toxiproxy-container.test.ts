import { verdictUnlessBusy } from '../support/busy-verdict.ts';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { RunEvents } from '../../harness/events/run-events.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { TOXIPROXY_IMAGE, ToxiproxyContainer } from '../../harness/toxiproxy/toxiproxy-container.ts';
import { findFreePort } from '../../harness/net/free-port.ts';
import { startCountingServer } from '../support/counting-server.ts';
import { ensureDockerEngine } from '../support/docker-engine.ts';
import { ensureLocalToxiproxyImage } from '../support/toxiproxy-image.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';

const engine = await ensureDockerEngine();
if (!engine.missing) await ensureLocalToxiproxyImage();
afterAll(() => engine.stop());

const containersOfImage = (): string[] =>
  spawnSync('docker', ['ps', '-a', '--filter', `ancestor=${TOXIPROXY_IMAGE}`, '--format', '{{.ID}}'], {
    encoding: 'utf8',
  })
    .stdout.split('\n')
    .filter(Boolean);

describe.skipIf(engine.missing !== undefined)(
  `Toxiproxy through testcontainers${engine.missing ? ` (skipped: ${engine.missing})` : ''}`,
  () => {
    it(
      'starts the official image on the host network (API and proxies on 127.0.0.1) and removes it on stop',
      { timeout: 90_000 },
      async () => {
        const before = containersOfImage().length;
        const environment = { ...process.env };
        await using started = await new ToxiproxyContainer().start();
        expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        // A library leaves the environment as it found it (testcontainers' settings are set only while it reads them).
        expect(process.env).toEqual(environment);
        // Built from the Go module, the server reports its version as "git" (the release ldflags are not set): it answers.
        expect(String(await started.client.getVersion())).not.toBe('');
        const upstream = await startCountingServer();
        const proxy = await started.client.createProxy({
          name: 'through-container',
          listen: '127.0.0.1:0',
          upstream: upstream.url.replace('http://', ''),
        });
        expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
        const response = await fetch(`http://${proxy.listen}/`);
        expect(await response.text()).toBe('ok');
        expect(upstream.requests()).toBe(1);
        await upstream.close();
        await started.stop();
        expect(containersOfImage().length).toBe(before);
      },
    );

    it(
      'is what `ordeal run --toxiproxy-provider container` uses: faults applied and removed through it, container gone after',
      { timeout: 90_000 },
      async () => {
        const before = containersOfImage().length;
        const target = await startCountingServer();
        const listen = `127.0.0.1:${await findFreePort()}`;
        const messages: string[] = [];
        const scenario = validateScenario({
          name: 'container-faults',
          target: { baseUrl: `http://${listen}` },
          toxiproxy: { proxies: [{ name: 'api', listen, upstream: target.url.replace('http://', '') }] },
          requests: [{ path: '/' }],
          // About the container, not the generator (the file shares the machine): send lag is judged loosely.
          load: notAboutTheGenerator(),
          phases: [
            { name: 'warm', duration: '1s', rate: 10 },
            { name: 'slow', duration: '2s', rate: 10, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 1_000 }] },
          ],
          // Wide of the toxic's 1000 ms: a latency is judged with the generator's own lag as an error bar.
          slos: [{ phases: ['slow'], http_req_duration: ['p(50)>300'] }],
        });
        const report = await runScenario(scenario, {
          toxiproxyProvider: 'container',
          events: new RunEvents().on('infrastructure', ({ message }) => messages.push(message)),
        });
        expect(messages.some((m) => m.includes('starting Toxiproxy in a container'))).toBe(true);
        expect(verdictUnlessBusy(report, 'pass'), report.verdictReason).toBe('pass');
        expect(report.faults[0]!.removedAt).not.toBeNull();
        expect(target.requests()).toBeGreaterThan(20);
        expect(containersOfImage().length).toBe(before);
        await target.close();
      },
    );

    it(
      'a start that fails (an image that is not there) leaves no container behind and names the image',
      { timeout: 60_000 },
      async () => {
        const before = spawnSync('docker', ['ps', '-aq'], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter(Boolean).length;
        await expect(
          new ToxiproxyContainer('ghcr.io/shopify/toxiproxy:0.0.0-missing').withStartTimeout(5_000).start(),
        ).rejects.toThrow(/ghcr\.io\/shopify\/toxiproxy:0\.0\.0-missing/);
        expect(spawnSync('docker', ['ps', '-aq'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length).toBe(
          before,
        );
      },
    );
  },
);

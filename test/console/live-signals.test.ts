import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../harness/clock/wait-until.ts';
import { startCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';
import { startTestServer } from '../support/test-server.ts';
import { EXIT_CODE_OF_VERDICT } from '../../harness/verdict/run-verdict.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';

interface SnapshotEvent {
  html: string;
  data: { signals: { name: string; y: number[] }[] };
}

/** Reads the console's event stream until `accept` takes a snapshot; resolves with it. */
async function snapshotWhere(
  url: string,
  key: string,
  accept: (snapshot: SnapshotEvent) => boolean,
  timeoutMs: number,
): Promise<SnapshotEvent> {
  const response = await fetch(`${url}/events?key=${key}`, { signal: AbortSignal.timeout(timeoutMs) });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the event stream ended without such a snapshot');
    buffered += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (!frame.startsWith('event: snapshot\n')) continue;
      const snapshot = JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as SnapshotEvent;
      if (accept(snapshot)) {
        await reader.cancel();
        return snapshot;
      }
    }
  }
}

describe('the live console shows the signals the checks read, while the run goes', () => {
  it(
    "a breaker read from the service's /metrics: its state on the live charts and its check judged so far",
    { timeout: 60_000 },
    async () => {
      let breakerState = 0;
      let scrapesAnswered = 0;
      const service = await startTestServer((req, res) => {
        if (req.url === '/metrics')
          res.end(
            `# TYPE breaker_state gauge\nbreaker_state{name="bank"} ${breakerState}\n`,
            () => (scrapesAnswered += 1),
          );
        else res.end('ok');
      });
      let cli: ReturnType<typeof startCli> | undefined;
      try {
        const { file, reportDir } = await writeTempScenario({
          name: 'live-signals',
          target: { baseUrl: service.url },
          load: notAboutTheGenerator({ warmup: false }),
          requests: [{ path: '/' }],
          scrape: { interval: '500ms' },
          phases: [
            { name: 'calm', duration: '1s', rate: 5 },
            { name: 'trouble', duration: '60s', rate: 5 },
          ],
          slos: [],
          checks: [
            {
              kind: 'breaker',
              phase: 'trouble',
              source: 'scrape',
              metric: 'breaker_state{name="bank"}',
              opensWithin: '10s',
            },
          ],
        });
        cli = startCli(['run', file, '--ui', '--report-dir', reportDir]);
        await cli.waitForOutput(/▶ phase trouble/, 30_000);
        // Closed in a scrape that began after the phase did (a scrape is stamped when it begins, as Prometheus does), then open.
        const answered = scrapesAnswered;
        await waitUntil(() => scrapesAnswered >= answered + 2, { timeoutMs: 10_000, intervalMs: 20 });
        breakerState = 2;
        const [, url, key] = /live console at (http:\/\/127\.0\.0\.1:\d+)\/\?key=([\w-]+)/.exec(
          cli.stderr(),
        )! as unknown as [string, string, string];
        const snapshot = await snapshotWhere(
          url,
          key,
          (s) => s.data.signals.some((signal) => signal.y.includes(2)) && /data-check-status="pass"/.test(s.html),
          20_000,
        );
        const breaker = snapshot.data.signals.find((signal) => signal.y.includes(2))!;
        expect(breaker.y[0]).toBe(0);
        // Judged on the data so far (its phase still runs): pass, marked as not final.
        expect(snapshot.html).toMatch(
          /<tr class="check-pass" data-check-status="pass" data-check-state="provisional"><td>breaker[^<]*opens/,
        );
        expect(snapshot.html).toContain('● RUNNING');

        const token = /data-token="([^"]+)"/.exec(await (await fetch(`${url}/?key=${key}`)).text())![1]!;
        expect((await fetch(`${url}/abort`, { method: 'POST', headers: { 'x-ordeal-console': token } })).status).toBe(
          202,
        );
        expect(await cli.exit).toBe(EXIT_CODE_OF_VERDICT.aborted);
      } finally {
        cli?.child.kill('SIGKILL');
        await service.close();
      }
    },
  );
});

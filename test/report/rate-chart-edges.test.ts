import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { publishReport } from '../../harness/report/publish-report.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { startCountingServerProcess, type CountingServerProcess } from '../support/counting-server-process.ts';
import { chromiumMissing, launchChromium } from '../support/report-browser.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';

const missing = chromiumMissing();

describe.skipIf(missing !== undefined)(
  `the rate chart of a real run, read back from Chromium${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let browser: Browser;
    let server: CountingServerProcess;
    beforeAll(async () => {
      [browser, server] = await Promise.all([launchChromium(), startCountingServerProcess()]);
    });
    afterAll(async () => {
      await Promise.all([browser?.close(), server?.stop()]);
    });

    it('achieved and target agree within 2 % at every phase-edge second and at the last, partial one; no legend shows "--" in print', async () => {
      // Phase lengths that are not whole seconds put every edge inside a second; a ramp makes the target change within one.
      const report = await runScenario(
        validateScenario({
          name: 'edges',
          target: { baseUrl: server.url },
          requests: [{ path: '/' }],
          // Not a test of the generator's timing (it shares the machine): a lag does not change which second a request was due in.
          load: notAboutTheGenerator({ warmup: false }),
          phases: [
            { name: 'low', duration: '1.3s', rate: 200 },
            { name: 'ramp', duration: '1.4s', rate: { from: 200, to: 500 } },
            { name: 'high', duration: '1.7s', rate: 400 },
          ],
        }),
      );
      for (const phase of report.phases)
        expect({ phase: phase.name, dropped: phase.dropped, unsent: phase.unsent }).toEqual({
          phase: phase.name,
          dropped: 0,
          unsent: 0,
        });
      const { reportDir } = await writeTempScenario({});
      const { files } = await publishReport(report, reportDir, { compare: false });
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(pathToFileURL(files.find((f) => f.endsWith('report.html'))!).href);
      await page.waitForSelector('html[data-charts-drawn]');
      // What the page drew: uPlot's own data for the rate chart.
      const drawn = (await page.evaluate(() => (globalThis as any).__ordealCharts[0].data)) as [
        number[],
        (number | null)[],
        (number | null)[],
      ];
      const [x, target, achieved] = drawn;
      const runStart = Date.parse(report.startedAt);
      const edges = report.phases
        .flatMap((p) => [p.start!, p.end!])
        .map((iso) => Math.floor((Date.parse(iso) - runStart) / 1_000));
      const checked = [...new Set([...edges, Math.floor(x[x.length - 1]!)])];
      for (const second of checked) {
        const i = x.findIndex((t) => Math.floor(t) === second);
        if (i < 0) continue; // a tail too short to be a rate was folded into the second before it
        expect(
          Math.abs(achieved[i]! / target[i]! - 1),
          `second ${second}: achieved ${achieved[i]} req/s, target ${target[i]} req/s`,
        ).toBeLessThanOrEqual(0.02);
      }
      expect(checked.filter((second) => x.some((t) => Math.floor(t) === second)).length).toBeGreaterThanOrEqual(3);
      // Static view and print: legends show peaks, never uPlot's "--".
      await page.emulateMedia({ media: 'print' });
      const legends = await page.$$eval('.u-legend', (tables) => tables.map((t) => t.textContent ?? ''));
      expect(legends.length).toBeGreaterThanOrEqual(3);
      for (const legend of legends) expect(legend).not.toContain('--');
      expect(legends[0]).toMatch(/achieved\s*peak \d+ req\/s/);
      await page.screenshot({ path: path.resolve('test-artifacts', 'report-html-rate-edges.png'), fullPage: true });
      await page.close();
    });
  },
);

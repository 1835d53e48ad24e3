import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { publishReport } from '../../harness/report/publish-report.ts';
import { errorBudgetOf } from '../../harness/report/error-budget.ts';
import { chromiumMissing, launchChromium } from '../support/report-browser.ts';
import { noisy, syntheticReport } from '../support/synthetic-report.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

const HOUR_S = 3_600;
const missing = chromiumMissing();

/** Six hours as a run writes them: one timeseries entry a second, ordeal's own health every 5 s, a budget. */
function sixHourReport() {
  const report = syntheticReport('six-hours', [
    { name: 'ramp', p95PerSecondMs: noisy(80, 20, HOUR_S) },
    { name: 'peak', p95PerSecondMs: noisy(120, 30, 2 * HOUR_S) },
    { name: 'dependency-slow', p95PerSecondMs: noisy(300, 50, HOUR_S), errorsPerSecond: noisy(2, 2, HOUR_S) },
    { name: 'soak', p95PerSecondMs: noisy(100, 20, 2 * HOUR_S) },
  ]);
  const startMs = Date.parse(report.startedAt);
  report.self = Array.from({ length: (6 * HOUR_S) / 5 }, (_, i) => ({
    at: new Date(startMs + i * 5_000).toISOString(),
    rssMb: 120 + (i % 50) / 10,
    heapMb: 40,
    loopLagP99Ms: 2,
    gcMs: 3,
  }));
  report.errorBudget = errorBudgetOf(report.timeseries, { objective: 0.999, periodMs: 24 * HOUR_S * 1_000 });
  return report;
}

describe.skipIf(missing !== undefined)(`a six-hour report${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it(
    'stays small enough to open at once (HTML < 5 MB) and draws every chart in Chromium, with no console error',
    { timeout: 120_000 },
    async () => {
      const { reportDir } = await writeTempScenario({});
      const { files } = await publishReport(sixHourReport(), reportDir, { compare: false });
      const html = files.find((f) => f.endsWith('report.html'))!;
      const json = files.find((f) => f.endsWith('report.json'))!;
      expect((await stat(html)).size).toBeLessThan(5e6);
      // One entry a second (about 290 bytes each, indented): bounded by run time, not by the requests sent.
      expect((await stat(json)).size).toBeLessThan(6 * HOUR_S * 350);
      const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      page.on('pageerror', (error) => errors.push(error.message));
      // How long it takes is measured by the bench (goal < 3 s); here, a bound wide enough for a busy 2-core machine.
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
      await page.waitForSelector('html[data-charts-drawn]', { timeout: 60_000 });
      expect(errors).toEqual([]);
      const charts = Number(await page.getAttribute('html', 'data-charts-drawn'));
      // Rates, latency, errors, and ordeal's own RSS, event-loop lag and GC.
      expect(charts).toBeGreaterThanOrEqual(4);
      expect(await page.textContent('[data-error-budget]')).toMatch(/error budget \(99\.9 % over 24h\): this run used/);
      await page.close();
    },
  );
});

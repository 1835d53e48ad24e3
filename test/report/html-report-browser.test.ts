import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { publishReport } from '../../harness/report/publish-report.ts';
import type { RunReport } from '../../harness/report/run-report.ts';
import { chromiumMissing, launchChromium } from '../support/report-browser.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

const ARTIFACTS = path.resolve('test-artifacts');
const SAMPLE = process.env.ORDEAL_SAMPLE_REPORT;
const missing = chromiumMissing();

/** A real run's report: the fixture committed with the tests (recorded from the bundled game day), or ORDEAL_SAMPLE_REPORT. */
async function sampleReport(): Promise<RunReport> {
  const file = SAMPLE ?? path.resolve('test/fixtures/game-day-report.json');
  return JSON.parse(await readFile(file, 'utf8')) as RunReport;
}

describe.skipIf(missing !== undefined)(
  `the HTML report in Debian's Chromium${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('renders offline with no console errors and no network requests: charts drawn, fault windows present, screenshot saved', async () => {
      const report = await sampleReport();
      const { reportDir } = await writeTempScenario({});
      const { files } = await publishReport(report, reportDir, { compare: false });
      const html = files.find((f) => f.endsWith('report.html'))!;
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const consoleErrors: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
      page.on('pageerror', (error) => consoleErrors.push(error.message));
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) requests.push(request.url());
      });
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
      await page.waitForSelector('html[data-charts-drawn]');
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([]);
      const drawn = Number(await page.getAttribute('html', 'data-charts-drawn'));
      expect(drawn).toBeGreaterThanOrEqual(3);
      // Every chart canvas has ink on it: count non-transparent pixels.
      // Runs in the page (the DOM types are not in this project's lib).
      const inked = await page.$$eval('figure.chart canvas', (canvases: any[]) =>
        canvases.map((c) => {
          const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let count = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) count++;
          return count;
        }),
      );
      expect(inked.length).toBe(drawn);
      for (const count of inked) expect(count).toBeGreaterThan(500);
      const faultLabels = await page.$$eval('svg.timeline g[data-kind="fault"]', (groups) =>
        groups.map((g) => g.getAttribute('data-label')),
      );
      expect(faultLabels).toEqual(report.faults.map((f) => f.description));
      const phaseLabels = await page.$$eval('svg.timeline g[data-kind="phase"]', (groups) =>
        groups.map((g) => g.getAttribute('data-label')),
      );
      expect(phaseLabels).toEqual(report.phases.map((p) => p.name));
      expect(await page.textContent('[data-verdict]')).toContain(report.verdict.toUpperCase());
      expect(await page.$$eval('[data-status]', (cells) => cells.length)).toBe(report.checks.length);
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'report-html.png'), fullPage: true });
      await page.emulateMedia({ media: 'print' });
      await page.screenshot({ path: path.join(ARTIFACTS, 'report-html-print.png'), fullPage: true });
      await page.close();
    });

    it('renders a run that recorded nothing (aborted before any request) without errors', async () => {
      const report = await sampleReport();
      const empty: RunReport = {
        ...report,
        runId: `${report.runId}-empty`,
        verdict: 'aborted',
        verdictReason: 'stopped by SIGINT',
        timeseries: [],
        faults: [],
        signals: { series: [], alerts: [] },
        phases: report.phases.map((p) => ({
          ...p,
          requests: 0,
          errors: 0,
          errorRate: null,
          latencyMs: null,
          achievedRate: null,
        })),
      };
      const { reportDir } = await writeTempScenario({});
      const { files } = await publishReport(empty, reportDir, { compare: false });
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(files.find((f) => f.endsWith('report.html'))!).href);
      await page.waitForSelector('html[data-charts-drawn]');
      expect(errors).toEqual([]);
      expect(await page.textContent('[data-verdict]')).toContain('ABORTED');
      // An empty chart says why it is empty rather than showing bare axes.
      const notes = await page.$$eval('figure.chart[data-empty] .chart-note', (els) => els.map((el) => el.textContent));
      expect(notes.slice(0, 3)).toEqual(Array(3).fill('No request completed in this run: nothing to draw.'));
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'report-html-aborted.png'), fullPage: true });
      await page.close();
    });

    it('a FAIL run opens with what went wrong: the failed check, its reason and the error kinds, above the first chart; screenshot saved', async () => {
      const report = await sampleReport();
      const failedIndex = report.checks.findIndex((c) => c.metric === 'failover');
      const failing: RunReport = {
        ...report,
        runId: `${report.runId}-failed`,
        verdict: 'fail',
        verdictReason: `1 of ${report.checks.length} checks failed`,
        checks: report.checks.map((c, i) =>
          i === failedIndex
            ? {
                ...c,
                status: 'fail',
                passed: false,
                observed: 0,
                reason: 'the replica served no traffic while the primary was down',
              }
            : c,
        ),
        phases: report.phases.map((p) =>
          p.name === 'ledger-primary-down'
            ? { ...p, errorsByKind: { ...p.errorsByKind, refused: 497, timeout: 3 } }
            : p,
        ),
      };
      const { reportDir } = await writeTempScenario({});
      const { files } = await publishReport(failing, reportDir, { compare: false });
      const page = await browser.newPage();
      await page.goto(pathToFileURL(files.find((f) => f.endsWith('report.html'))!).href);
      await page.waitForSelector('html[data-charts-drawn]');
      const block = await page.textContent('[data-went-wrong]');
      expect(block).toContain(`ledger-primary-down — ${failing.checks[failedIndex]!.name}: observed 0`);
      expect(block).toContain('the replica served no traffic while the primary was down');
      expect(await page.textContent('[data-error-kinds]')).toContain(
        'ledger-primary-down: 497 connection refused, 3 timed out',
      );
      // Above the first chart, in the page's own layout.
      const blockTop = await page.$eval('[data-went-wrong]', (el) => el.getBoundingClientRect().top);
      const chartTop = await page.$eval('figure.chart', (el) => el.getBoundingClientRect().top);
      expect(blockTop).toBeLessThan(chartTop);
      // Checks are grouped by phase; in its group the failed check comes first, highlighted.
      const groupRows = await page.$$eval('tbody:has([data-phase-group="ledger-primary-down"]) tr', (rows) =>
        rows.map((r) => r.getAttribute('data-check-status') ?? r.getAttribute('data-phase-group')),
      );
      expect(groupRows.slice(0, 2)).toEqual(['ledger-primary-down', 'fail']);
      expect(await page.$$eval('tr.check-fail', (rows) => rows.length)).toBe(1);
      // The block links to the moment on the charts: clicking it moves their cursor there.
      await page.click('[data-went-wrong] a[data-at]');
      const at = Number(await page.getAttribute('[data-went-wrong] a[data-at]', 'data-at'));
      const cursorAt = await page.evaluate(() => {
        const plot = (globalThis as any).__ordealCharts[0];
        return plot.posToVal(plot.cursor.left, 'x') as number;
      });
      expect(Math.abs(cursorAt - at)).toBeLessThan(1);
      await page.screenshot({ path: path.join(ARTIFACTS, 'report-html-fail.png'), fullPage: true });
      await page.close();
    });

    it('the run index lists runs with their verdicts and draws the trends', async () => {
      const report = await sampleReport();
      const { reportDir } = await writeTempScenario({});
      await publishReport({ ...report, runId: `${report.runId}-a` }, reportDir, { compare: false });
      const failedCheck = { ...report.checks[0]!, status: 'fail' as const, passed: false, reason: 'p95 over budget' };
      const failed = {
        ...report,
        runId: `${report.runId}-b`,
        verdict: 'fail' as const,
        checks: [failedCheck, ...report.checks.slice(1)],
        startedAt: new Date(Date.parse(report.startedAt) + 60_000).toISOString(),
      };
      const { files } = await publishReport(failed, reportDir, { compare: false });
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (request) => !request.url().startsWith('file:') && requests.push(request.url()));
      await page.goto(pathToFileURL(files.find((f) => f.endsWith('index.html'))!).href);
      expect(await page.$$eval('tbody tr', (rows) => rows.map((r) => r.getAttribute('data-verdict')))).toEqual([
        'fail',
        'pass',
      ]);
      expect(await page.$$eval('svg.trend polyline', (lines) => lines.length)).toBe(3);
      // Readable trends: the top of each axis and the last value written out, each marker named on hover and linked to its run.
      const p95Trend = await page.$eval('svg.trend', (svg) => ({
        axis: [...svg.querySelectorAll('text.axis')].map((t) => t.textContent),
        last: svg.querySelector('text.last')?.textContent,
        hovers: [...svg.querySelectorAll('a[data-run] title')].map((t) => t.textContent),
        links: [...svg.querySelectorAll('a[data-run]')].map((a) => a.getAttribute('href')),
      }));
      const worstP95 = Math.max(...report.phases.map((p) => p.latencyMs?.p95 ?? 0));
      expect(p95Trend.axis[0]).toBe(`${worstP95.toFixed(worstP95 >= 100 ? 0 : 1)} ms`);
      expect(p95Trend.last).toBe(p95Trend.axis[0]);
      expect(p95Trend.hovers[1]).toMatch(
        new RegExp(`-b: .* ms — FAIL, started .* UTC, time scale ${report.load.timeScale}×`),
      );
      expect(p95Trend.links).toHaveLength(2);
      // The table names the worst phase, the time scale and, for a run that failed, the check to look at first (linked).
      const failedRow = await page.textContent('tr[data-verdict="fail"]');
      expect(failedRow).toContain(`at ${report.load.timeScale}×`);
      expect(await page.textContent('tr[data-verdict="fail"] [data-worst-check]')).toContain(
        `${failedCheck.phase} ${failedCheck.name}`,
      );
      expect(await page.getAttribute('tr[data-verdict="fail"] [data-worst-check]', 'href')).toMatch(
        /report\.html#went-wrong$/,
      );
      expect(requests).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, 'reports-index.png'), fullPage: true });
      await page.close();
    });
  },
);

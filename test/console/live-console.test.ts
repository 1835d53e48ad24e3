import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  faultToxicsOn,
  scenarioBehindToxiproxy,
  startTargetBehindToxiproxy,
  type TargetBehindToxiproxy,
} from '../support/behind-toxiproxy.ts';
import { chromiumMissing, launchChromium } from '../support/report-browser.ts';
import { startCli } from '../support/run-cli.ts';
import { EXIT_CODE_OF_VERDICT } from '../../harness/verdict/run-verdict.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';

const missing = chromiumMissing();

describe.skipIf(missing !== undefined)(
  `the live console in Debian's Chromium${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let browser: Browser;
    let stack: TargetBehindToxiproxy;
    beforeAll(async () => {
      [browser, stack] = await Promise.all([launchChromium(), startTargetBehindToxiproxy()]);
    });
    afterAll(async () => {
      await browser?.close();
      await stack?.[Symbol.asyncDispose]();
    });

    /** A scenario against the target behind the test's Toxiproxy. */
    const liveScenario = (name: string, phases: unknown[], extra: Record<string, unknown> = {}) =>
      scenarioBehindToxiproxy(stack, name, phases, extra);

    const faultToxics = (): Promise<string[]> => faultToxicsOn(stack);

    /** Starts `ordeal run --ui …` and opens its live console. */
    async function runWithConsole(file: string, reportDir: string, extra: string[] = []) {
      const cli = startCli(['run', file, '--ui', ...extra, '--report-dir', reportDir]);
      await cli.waitForOutput(/live console at http:\/\/127\.0\.0\.1:\d+\/\?key=/);
      const page = await browser.newPage();
      // The link ordeal printed, with its key: the page and its events need it.
      await page.goto(/live console at (http:\/\/127\.0\.0\.1:\d+\/\?key=[\w-]+)/.exec(cli.stderr())![1]!);
      return { cli, page };
    }

    it('shows the current phase and an active fault while it is active; abort ends the run as aborted, faults removed (checked in Toxiproxy), report written', async () => {
      const { file, reportDir } = await liveScenario('live', [
        { name: 'calm', duration: '1s', rate: 10 },
        {
          name: 'slow-dependency',
          duration: '60s',
          rate: 10,
          faults: [{ proxy: 'api', kind: 'latency', latencyMs: 50 }],
        },
      ]);
      const { cli, page } = await runWithConsole(file, reportDir);
      // Runs in the page (the DOM types are not in this project's lib).
      await page.waitForFunction(
        () => (globalThis as any).document.querySelector('[data-phase]')?.textContent === 'slow-dependency',
        undefined,
        { timeout: 30_000 },
      );
      await page.waitForSelector('[data-faults] li[data-open="true"]', { timeout: 10_000 });
      expect(await page.textContent('[data-faults] li[data-open="true"]')).toContain('api: latency 50ms');
      expect(await faultToxics()).toHaveLength(1);
      await page.screenshot({ path: path.resolve('test-artifacts', 'live-console.png'), fullPage: true });

      await page.click('[data-abort]');
      const code = await cli.exit;
      expect(code).toBe(EXIT_CODE_OF_VERDICT.aborted);
      // Faults gone from the Toxiproxy itself, not only from ordeal's view.
      expect(await faultToxics()).toEqual([]);
      const runDir = (await readdir(reportDir, { withFileTypes: true })).find((e) => e.isDirectory())!;
      const report = JSON.parse(await readFile(path.join(reportDir, runDir.name, 'report.json'), 'utf8')) as {
        verdict: string;
        verdictReason: string;
      };
      expect(report.verdict, report.verdictReason).toBe('aborted');
      expect(report.verdictReason).toContain('the live console');
      // The page heard the verdict before ordeal exited.
      expect(await page.getAttribute('[data-console-verdict]', 'data-value')).toBe('aborted');
      await page.close();
    }, 90_000);

    it('with --confirm-faults no fault goes in until confirm is pressed; skip ends a phase early and the run goes on', async () => {
      const { file, reportDir } = await liveScenario('live-confirm', [
        { name: 'calm', duration: '60s', rate: 10 },
        { name: 'faulted', duration: '2s', rate: 10, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 20 }] },
      ]);
      const { cli, page } = await runWithConsole(file, reportDir, ['--confirm-faults', '60s']);
      // A 60-second phase, skipped: the run goes on to the next phase at once.
      await page.waitForFunction(
        () => (globalThis as any).document.querySelector('[data-phase]')?.textContent === 'calm',
        undefined,
        { timeout: 30_000 },
      );
      await page.click('[data-skip]');
      // The fault phase waits for an operator: nothing applied while it waits.
      await page.waitForSelector('[data-confirm-box]:not([hidden])', { timeout: 15_000 });
      expect(await page.textContent('[data-confirm-faults]')).toContain('api: latency 20ms');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await faultToxics()).toEqual([]);
      await page.click('[data-confirm]');
      await page.waitForSelector('[data-faults] li[data-open="true"]', { timeout: 10_000 });
      expect(await faultToxics()).toHaveLength(1);
      const code = await cli.exit;
      expect(code).toBe(EXIT_CODE_OF_VERDICT.pass);
      expect(await faultToxics()).toEqual([]);
      const runDir = (await readdir(reportDir, { withFileTypes: true })).find((e) => e.isDirectory())!;
      const report = JSON.parse(await readFile(path.join(reportDir, runDir.name, 'report.json'), 'utf8')) as {
        verdict: string;
        phases: { name: string; endedEarly?: string; end: string; start: string }[];
      };
      expect(report.verdict).toBe('pass');
      const calm = report.phases.find((p) => p.name === 'calm')!;
      expect(calm.endedEarly).toBe('skipped from the live console');
      expect(Date.parse(calm.end) - Date.parse(calm.start)).toBeLessThan(30_000);
      await page.close();
    }, 90_000);

    it('is the report as it grows (charts, checks settling, guards, notes on the timeline) and becomes the final report at the end', async () => {
      const { file, reportDir } = await liveScenario(
        'live-report',
        [
          { name: 'first', duration: '1500ms', rate: 10 },
          { name: 'second', duration: '60s', rate: 10, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 20 }] },
        ],
        // A short request timeout: a phase's checks settle that long after it ends.
        {
          load: notAboutTheGenerator({ warmup: false, timeout: '1s' }),
          guards: [{ metric: 'http_req_failed', trip: 'rate>0.5', for: '5s' }],
        },
      );
      const { cli, page } = await runWithConsole(file, reportDir);
      const live = '[data-live-report]';
      // The first phase's check settles while the second runs; the second's is judged on the data so far.
      await page.waitForSelector(`${live} tr[data-check-state="settled"]`, { timeout: 30_000 });
      await page.waitForSelector(`${live} tr[data-check-state="provisional"]`, { timeout: 10_000 });
      expect(await page.textContent(`${live} [data-verdict]`)).toContain('RUNNING');
      expect(await page.textContent(`${live} tr[data-check-state="settled"]`)).toContain('pass');
      // The report's own charts, drawn from the live data, and its timeline with the fault window open.
      expect(Number(await page.getAttribute('html', 'data-charts-drawn'))).toBeGreaterThanOrEqual(3);
      await page.waitForSelector(`${live} svg.timeline g[data-kind="fault"]`, { timeout: 10_000 });
      expect(await page.textContent(`${live} [data-fault-active]`)).toContain('in place now');
      expect(await page.textContent(live)).toContain('not tripped');
      // A note typed by an operator: on the live timeline within a snapshot, then in report.json and report.html.
      await page.fill('[data-note]', 'p95 on the dashboard <b>climbing</b>');
      await page.click('[data-note-form] button');
      await page.waitForSelector(`${live} svg.timeline g[data-kind="note"]`, { timeout: 10_000 });
      expect(await page.getAttribute(`${live} svg.timeline g[data-kind="note"]`, 'data-label')).toBe(
        'p95 on the dashboard <b>climbing</b>',
      );
      await page.screenshot({ path: path.resolve('test-artifacts', 'live-console-report.png'), fullPage: true });
      await page.click('[data-skip]');
      expect(await cli.exit).toBe(EXIT_CODE_OF_VERDICT.pass);
      // The page became the final report: the console bar gone, the verdict in its place.
      await page.waitForFunction(
        () => (globalThis as any).document.querySelector('[data-console]').hidden === true,
        undefined,
        { timeout: 5_000 },
      );
      expect(await page.getAttribute('[data-live-report] [data-verdict]', 'data-verdict')).toBe('pass');
      expect(await page.locator('[data-live-report] tr[data-check-state="settled"]').count()).toBe(
        await page.locator('[data-live-report] tr[data-check-state]').count(),
      );
      const runDir = (await readdir(reportDir, { withFileTypes: true })).find((e) => e.isDirectory())!;
      const report = JSON.parse(await readFile(path.join(reportDir, runDir.name, 'report.json'), 'utf8')) as {
        annotations: { phase: string; text: string; source: string; at: string }[];
        startedAt: string;
      };
      expect(report.annotations).toHaveLength(1);
      expect(report.annotations[0]).toMatchObject({
        phase: 'second',
        text: 'p95 on the dashboard <b>climbing</b>',
        source: 'console',
      });
      expect(Date.parse(report.annotations[0]!.at)).toBeGreaterThan(Date.parse(report.startedAt));
      const html = await readFile(path.join(reportDir, runDir.name, 'report.html'), 'utf8');
      expect(html).toContain('data-kind="note" data-label="p95 on the dashboard &lt;b&gt;climbing&lt;/b&gt;"');
      expect(html).not.toContain('<b>climbing</b>');
      await page.close();
    }, 90_000);

    it('a fault phase nobody confirms in time aborts the run, nothing applied', async () => {
      const { file, reportDir } = await liveScenario('live-unconfirmed', [
        { name: 'faulted', duration: '2s', rate: 10, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 20 }] },
      ]);
      const cli = startCli(['run', file, '--ui', '--confirm-faults', '1s', '--report-dir', reportDir]);
      expect(await cli.exit).toBe(EXIT_CODE_OF_VERDICT.aborted);
      const runDir = (await readdir(reportDir, { withFileTypes: true })).find((e) => e.isDirectory())!;
      const report = JSON.parse(await readFile(path.join(reportDir, runDir.name, 'report.json'), 'utf8')) as {
        verdict: string;
        verdictReason: string;
        faults: unknown[];
        phases: { requests: number }[];
      };
      expect(report.verdict, report.verdictReason).toBe('aborted');
      expect(report.verdictReason).toContain('no operator confirmed the faults of phase faulted in time');
      expect(report.faults).toEqual([]);
      expect(report.phases[0]!.requests).toBe(0);
    }, 60_000);
  },
);

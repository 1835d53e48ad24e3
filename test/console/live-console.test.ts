import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTargetBehindToxiproxy, type TargetBehindToxiproxy } from '../support/behind-toxiproxy.ts';
import { chromiumMissing, launchChromium } from '../support/report-browser.ts';
import { startCli } from '../support/run-cli.ts';
import { toxiproxyState } from '../support/toxiproxy-state.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';
import { EXIT_CODE_OF_VERDICT } from '../../harness/verdict/run-verdict.ts';

const missing = chromiumMissing();

describe.skipIf(missing !== undefined)(`the live console in Debian's Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let browser: Browser;
  let stack: TargetBehindToxiproxy;
  beforeAll(async () => {
    [browser, stack] = await Promise.all([launchChromium(), startTargetBehindToxiproxy()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.[Symbol.asyncDispose]();
  });

  it('shows the current phase and an active fault while it is active; abort ends the run as aborted, faults removed (checked in Toxiproxy), report written', async () => {
    const { file, reportDir } = await writeTempScenario({
      name: 'live',
      target: { baseUrl: stack.baseUrl },
      toxiproxy: { url: stack.toxiproxy.url, proxies: [stack.proxy] },
      // Not a test of the generator's timing: it shares the machine.
      load: { warmup: false, maxSendLag: '1s' },
      requests: [{ path: '/' }],
      phases: [
        { name: 'calm', duration: '1s', rate: 10 },
        { name: 'slow-dependency', duration: '60s', rate: 10, faults: [{ proxy: 'api', kind: 'latency', latencyMs: 50 }] },
      ],
      slos: [{ http_req_failed: ['rate<0.01'] }],
    });
    const cli = startCli(['run', file, '--ui', '--report-dir', reportDir]);
    await cli.waitForOutput(/live console at http:\/\/127\.0\.0\.1:\d+\//);
    const url = /live console at (http:\/\/127\.0\.0\.1:\d+)\//.exec(cli.stderr())![1]!;
    const page = await browser.newPage();
    await page.goto(`${url}/`);
    // Runs in the page (the DOM types are not in this project's lib).
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-phase]')?.textContent === 'slow-dependency', undefined, { timeout: 30_000 });
    await page.waitForSelector('[data-faults] li[data-open="true"]', { timeout: 10_000 });
    expect(await page.textContent('[data-faults] li[data-open="true"]')).toContain('api: latency 50ms');
    // The run's fault toxic (beside the heartbeat that says the run is alive).
    const faultToxics = async (): Promise<string[]> => ((await toxiproxyState(stack.toxiproxy.url)).find((p) => p.name === 'api')?.toxics ?? []).map((t) => t.name).filter((name) => !name.endsWith('-heartbeat'));
    expect(await faultToxics()).toHaveLength(1);
    await page.screenshot({ path: path.resolve('test-artifacts', 'live-console.png'), fullPage: true });

    await page.click('[data-abort]');
    const code = await cli.exit;
    expect(code).toBe(EXIT_CODE_OF_VERDICT.aborted);
    // Faults gone from the Toxiproxy itself, not only from ordeal's view.
    expect(await faultToxics()).toEqual([]);
    const runDir = (await readdir(reportDir, { withFileTypes: true })).find((e) => e.isDirectory())!;
    const report = JSON.parse(await readFile(path.join(reportDir, runDir.name, 'report.json'), 'utf8')) as { verdict: string; verdictReason: string };
    expect(report.verdict).toBe('aborted');
    expect(report.verdictReason).toContain('the live console');
    // The page heard the verdict before ordeal exited.
    expect(await page.getAttribute('[data-verdict]', 'data-value')).toBe('aborted');
    await page.close();
  }, 90_000);
});

/**
 * A six-hour report drawn in Chromium (issue 29's goal: HTML < 5 MB, drawn in < 3 s): the synthetic six-hour
 * report of test/report/six-hour-report.test.ts (same schema, one entry a second), written as a run writes it,
 * then opened three times in Debian's Chromium; the median and spread of the time to every chart drawn.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorBudgetOf } from '../harness/report/error-budget.ts';
import { publishReport } from '../harness/report/publish-report.ts';
import { launchChromium } from '../test/support/report-browser.ts';
import { noisy, syntheticReport } from '../test/support/synthetic-report.ts';

const HOUR_S = 3_600;
const ROUNDS = 3;

export interface RenderRow {
  htmlMb: number;
  jsonMb: number;
  drawnMs: number[];
}

export async function benchReportRender(): Promise<RenderRow> {
  const report = syntheticReport('six-hours', [
    { name: 'ramp', p95PerSecondMs: noisy(80, 20, HOUR_S) },
    { name: 'peak', p95PerSecondMs: noisy(120, 30, 2 * HOUR_S) },
    { name: 'dependency-slow', p95PerSecondMs: noisy(300, 50, HOUR_S), errorsPerSecond: noisy(2, 2, HOUR_S) },
    { name: 'soak', p95PerSecondMs: noisy(100, 20, 2 * HOUR_S) },
  ]);
  const startMs = Date.parse(report.startedAt);
  report.self = Array.from({ length: (6 * HOUR_S) / 5 }, (_, i) => ({
    at: new Date(startMs + i * 5_000).toISOString(),
    rssMb: 120,
    heapMb: 40,
    loopLagP99Ms: 2,
    gcMs: 3,
  }));
  report.errorBudget = errorBudgetOf(report.timeseries, { objective: 0.999, periodMs: 24 * HOUR_S * 1_000 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-render-'));
  const browser = await launchChromium();
  try {
    const { files } = await publishReport(report, dir, { compare: false });
    const html = files.find((f) => f.endsWith('report.html'))!;
    const json = files.find((f) => f.endsWith('report.json'))!;
    const drawnMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const started = performance.now();
      await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
      await page.waitForSelector('html[data-charts-drawn]', { timeout: 60_000 });
      drawnMs.push(performance.now() - started);
      await page.close();
    }
    return { htmlMb: (await stat(html)).size / 1e6, jsonMb: (await stat(json)).size / 1e6, drawnMs };
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function reportRenderTable(row: RenderRow): string {
  const sorted = [...row.drawnMs].sort((a, b) => a - b);
  return [
    `Six-hour report — a synthetic six-hour report (one entry a second), opened ${ROUNDS} times in Chromium`,
    '',
    '| report.html MB | report.json MB | drawn in, median (range) |',
    '|---:|---:|---:|',
    `| ${row.htmlMb.toFixed(2)} | ${row.jsonMb.toFixed(2)} | ${Math.round(sorted[Math.floor(sorted.length / 2)]!)} ms (${Math.round(sorted[0]!)}–${Math.round(sorted.at(-1)!)}) |`,
    '',
    'Goal: HTML < 5 MB, drawn in < 3 s.',
  ].join('\n');
}

/**
 * A six-hour report drawn in Chromium (issue 29's goal: HTML < 5 MB, drawn in < 3 s): the synthetic six-hour
 * report of test/report/six-hour-report.test.ts (same schema, one entry a second), written as a run writes it,
 * then opened three times in Debian's Chromium; the median and spread of the time to every chart drawn.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { publishReport } from '../harness/report/publish-report.ts';
import { launchChromium } from '../test/support/report-browser.ts';
import { sixHourReport } from '../test/support/synthetic-report.ts';

const ROUNDS = 3;

export interface RenderRow {
  htmlMb: number;
  jsonMb: number;
  drawnMs: number[];
}

export async function benchReportRender(): Promise<RenderRow> {
  const report = sixHourReport();
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

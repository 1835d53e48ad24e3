/**
 * A long run, measured (issue 29): ordeal's open model at a steady rate against nginx for an hour (or
 * ORDEAL_BENCH_LONG_MINUTES), its own RSS sampled every 5 s on the report's timeline ("ordeal itself"): the slope
 * after the first 5 minutes (least squares, MB per minute), the sizes of report.json and report.html, and what
 * both come to over six hours at that rate of growth.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fitSlopePerHour } from '../harness/checks/drift-check.ts';
import { startNginx } from './support/nginx-target.ts';
import { runOrdealTimed } from './peers/ordeal.ts';

export interface LongRunRow {
  minutes: number;
  ratePerSec: number;
  requests: number;
  rssFirstMb: number;
  rssLastMb: number;
  rssMaxMb: number;
  /** Least squares over the samples after the first 5 minutes, MB per minute, with its 95 % half-width. */
  slopeMbPerMin: number;
  slopeHalfWidthMbPerMin: number;
  /** The same fit for the main thread's heap and the load workers' heaps: where the growth is. */
  heapSlopeMbPerMin: number;
  workersHeapSlopeMbPerMin: number;
  loopLagP99MaxMs: number;
  gcShare: number;
  reportJsonMb: number;
  reportHtmlMb: number;
  /** report.json's timeline entries: whole seconds near the phase's edges, 10 s and 1 min elsewhere (over 30 min). */
  timelineEntries: number;
}

async function sizeMb(dir: string, name: string): Promise<number> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const found = await sizeMb(path.join(dir, entry.name), name);
      if (found > 0) return found;
    } else if (entry.name === name) return (await stat(path.join(dir, entry.name))).size / 1e6;
  }
  return 0;
}

export async function benchLongRun(minutes: number, ratePerSec: number): Promise<LongRunRow> {
  const nginx = await startNginx(0);
  const sizes = { json: 0, html: 0 };
  try {
    const { report } = await runOrdealTimed(
      1,
      nginx.url,
      { duration: `${minutes}m`, rate: ratePerSec },
      { model: 'open', workers: 1 },
      undefined,
      async (dir) => {
        sizes.json = await sizeMb(dir, 'report.json');
        sizes.html = await sizeMb(dir, 'report.html');
      },
      (minutes + 5) * 60_000,
    );
    const self = report.self ?? [];
    const startMs = Date.parse(report.startedAt);
    // Least squares over the samples after the first 5 minutes (start-up and the first GCs left out).
    const slopeOf = (value: (s: (typeof self)[number]) => number | undefined) => {
      const after = self
        .filter((s) => value(s) !== undefined && Date.parse(s.at) - startMs >= 5 * 60_000)
        .map((s) => ({ atMs: Date.parse(s.at), value: value(s)! }));
      return after.length > 2 ? fitSlopePerHour(after) : { slope: Number.NaN, standardError: Number.NaN };
    };
    const fit = slopeOf((s) => s.rssMb);
    return {
      minutes,
      ratePerSec,
      requests: report.phases[0]!.requests,
      rssFirstMb: self[0]?.rssMb ?? Number.NaN,
      rssLastMb: self.at(-1)?.rssMb ?? Number.NaN,
      rssMaxMb: Math.max(...self.map((s) => s.rssMb)),
      slopeMbPerMin: fit.slope / 60,
      slopeHalfWidthMbPerMin: (1.96 * fit.standardError) / 60,
      heapSlopeMbPerMin: slopeOf((s) => s.heapMb).slope / 60,
      workersHeapSlopeMbPerMin: slopeOf((s) => s.workersHeapMb).slope / 60,
      loopLagP99MaxMs: Math.max(...self.map((s) => s.loopLagP99Ms)),
      gcShare: self.reduce((sum, s) => sum + s.gcMs, 0) / report.durationMs,
      reportJsonMb: sizes.json,
      reportHtmlMb: sizes.html,
      timelineEntries: report.timeseries.length,
    };
  } finally {
    await nginx.stop();
  }
}

export function longRunTable(row: LongRunRow): string {
  // One phase at a steady rate: past its first and last 10 minutes the timeline adds one entry a minute.
  const toSixHours = (row.timelineEntries + (360 - row.minutes)) / row.timelineEntries;
  return [
    `Long run — ordeal open model at ${row.ratePerSec} req/s against nginx for ${row.minutes} min, one run (ordeal's own RSS every 5 s)`,
    '',
    '| requests | RSS first / last / max MB | RSS slope after 5 min (MB/min, 95 %) | heap slope: main / load workers (MB/min) | event-loop lag p99 max | GC share | timeline entries | report.json MB | report.html MB |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${row.requests} | ${row.rssFirstMb} / ${row.rssLastMb} / ${row.rssMaxMb} | ${row.slopeMbPerMin.toFixed(3)} ± ${row.slopeHalfWidthMbPerMin.toFixed(3)} | ${row.heapSlopeMbPerMin.toFixed(3)} / ${row.workersHeapSlopeMbPerMin.toFixed(3)} | ${row.loopLagP99MaxMs} ms | ${(row.gcShare * 100).toFixed(2)} % | ${row.timelineEntries} | ${row.reportJsonMb.toFixed(2)} | ${row.reportHtmlMb.toFixed(2)} |`,
    '',
    `Six hours at this rate of growth: RSS about ${(row.rssLastMb + row.slopeMbPerMin * (360 - row.minutes)).toFixed(0)} MB; report.json about ${(row.reportJsonMb * toSixHours).toFixed(1)} MB and report.html about ${(row.reportHtmlMb * toSixHours).toFixed(1)} MB (the timeline keeps whole seconds near phase edges and faults and one entry a minute in a long steady stretch, so reports grow by about one entry a minute). Goal: slope < 1 MB/min.`,
  ].join('\n');
}

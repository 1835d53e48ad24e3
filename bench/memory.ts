/**
 * Memory is bounded by run time, not request count: peak RSS of a long and a
 * short open-model run at the same high rate against nginx.
 */
import { startNginx } from './support/nginx-target.ts';
import { runOrdealTimed } from './peers/ordeal.ts';

export interface MemoryRow {
  seconds: number;
  requests: number;
  maxRssMb: number;
}

export async function benchMemory(ratePerSec: number, longSeconds = 300, shortSeconds = 30): Promise<MemoryRow[]> {
  const nginx = await startNginx(0);
  try {
    const rows: MemoryRow[] = [];
    for (const seconds of [shortSeconds, longSeconds]) {
      const report = (
        await runOrdealTimed(1, nginx.url, { duration: `${seconds}s`, rate: ratePerSec }, { model: 'open', workers: 1 })
      ).report;
      rows.push({
        seconds,
        requests: report.phases[0]!.requests,
        maxRssMb: report.environment.maxRssBytes / 1_048_576,
      });
    }
    return rows;
  } finally {
    await nginx.stop();
  }
}

export function memoryTable(rows: MemoryRow[], ratePerSec: number): string {
  const [short, long] = rows as [MemoryRow, MemoryRow];
  return [
    `Memory — ordeal open model at ${ratePerSec} req/s against nginx; peak RSS of the whole ordeal process`,
    '',
    '| run | requests | peak RSS MB |',
    '|---|---:|---:|',
    ...rows.map((r) => `| ${r.seconds} s | ${r.requests} | ${r.maxRssMb.toFixed(1)} |`),
    '',
    `requests ratio ${(long.requests / short.requests).toFixed(1)}×, peak RSS ratio ${(long.maxRssMb / short.maxRssMb).toFixed(2)}×`,
  ].join('\n');
}

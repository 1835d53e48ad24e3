/**
 * Latency accuracy at a fixed rate: a target with a known fixed delay, and a
 * fast target (nginx) behind a Toxiproxy latency toxic. Measured p50/p99 vs
 * the true value.
 */
import path from 'node:path';
import { ToxiproxyServer } from '../harness/toxiproxy/toxiproxy-server.ts';
import { startNginx } from './support/nginx-target.ts';
import { runOrdealTimed } from './peers/ordeal.ts';
import { ROOT, startPinnedTarget } from './support/processes.ts';

export interface AccuracyRow {
  target: string;
  trueMs: number;
  p50: number;
  p99: number;
}

export async function benchLatencyAccuracy(
  delayMs = 50,
  toxicMs = 100,
  ratePerSec = 200,
  seconds = 10,
): Promise<AccuracyRow[]> {
  const rows: AccuracyRow[] = [];
  const delayed = await startPinnedTarget<{ port: number }>(
    path.join(ROOT, 'bench/targets/delay-server.ts'),
    [String(delayMs)],
    0,
  );
  try {
    const report = (
      await runOrdealTimed(
        1,
        `http://127.0.0.1:${delayed.info.port}/`,
        { duration: `${seconds}s`, rate: ratePerSec },
        { model: 'open', workers: 1 },
      )
    ).report;
    const latency = report.phases[0]!.latencyMs!;
    rows.push({
      target: `server with a fixed ${delayMs} ms delay (setTimeout)`,
      trueMs: delayMs,
      p50: latency.p50,
      p99: latency.p99,
    });
  } finally {
    await delayed.stop();
  }
  const nginx = await startNginx(0);
  const toxiproxy = await new ToxiproxyServer().start();
  try {
    const proxy = await toxiproxy.client.createProxy({
      name: 'bench',
      listen: '127.0.0.1:0',
      upstream: new URL(nginx.url).host,
    });
    await proxy.addToxic({
      name: 'latency',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: toxicMs, jitter: 0 } as never,
    });
    const report = (
      await runOrdealTimed(
        1,
        `http://${proxy.listen}/`,
        { duration: `${seconds}s`, rate: ratePerSec },
        { model: 'open', workers: 1 },
      )
    ).report;
    const latency = report.phases[0]!.latencyMs!;
    rows.push({
      target: `nginx behind a Toxiproxy latency toxic of ${toxicMs} ms`,
      trueMs: toxicMs,
      p50: latency.p50,
      p99: latency.p99,
    });
  } finally {
    await toxiproxy.stop();
    await nginx.stop();
  }
  return rows;
}

export function accuracyTable(rows: AccuracyRow[], ratePerSec = 200, seconds = 10): string {
  return [
    `Latency accuracy — ordeal open model, ${ratePerSec} req/s for ${seconds} s`,
    '',
    '| target | true ms | p50 ms | p99 ms | p50 − true | p99 − true |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.target} | ${r.trueMs} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.p50 - r.trueMs).toFixed(2)} | ${(r.p99 - r.trueMs).toFixed(2)} |`,
    ),
  ].join('\n');
}

/**
 * The coordinated-omission trap: a target that stalls S every P, driven at a
 * fixed rate R. The truth is computed from the schedule (the intended send
 * times and the stall windows); ordeal's open model is compared with a
 * closed-model tool (autocannon without a rate) and autocannon with -R.
 */
import path from 'node:path';
import { runOrdealTimed } from './peers/ordeal.ts';
import { ROOT, runPinned, startPinnedTarget } from './support/processes.ts';

export interface CoResult {
  stallMs: number;
  periodMs: number;
  ratePerSec: number;
  seconds: number;
  truth: { p50: number; p90: number; p99: number };
  ordeal: { p50: number; p90: number; p99: number };
  autocannonClosed: { p50: number; p90: number; p99: number };
  autocannonRate: { p50: number; p90: number; p99: number };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Latency each intended send would truly see: the rest of the stall window it falls into, else ~0. */
export function truthFromSchedule(
  startEpochMs: number,
  seconds: number,
  ratePerSec: number,
  originEpochMs: number,
  stallMs: number,
  periodMs: number,
) {
  const latencies: number[] = [];
  const count = Math.round(seconds * ratePerSec);
  for (let k = 0; k < count; k++) {
    const t = startEpochMs + (k * 1_000) / ratePerSec;
    const phase = (((t - originEpochMs) % periodMs) + periodMs) % periodMs;
    latencies.push(phase < stallMs ? stallMs - phase : 0);
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99) };
}

async function autocannonLatency(url: string, args: string[], seconds: number) {
  const out = await runPinned(1, process.execPath, [
    path.join(ROOT, 'node_modules/autocannon/autocannon.js'),
    ...args,
    '-d',
    String(seconds),
    '-j',
    url,
  ]);
  const latency = (JSON.parse(out) as { latency: { p50: number; p90: number; p99: number } }).latency;
  return { p50: latency.p50, p90: latency.p90, p99: latency.p99 };
}

export async function benchCoordinatedOmission(
  stallMs = 1_000,
  periodMs = 5_000,
  ratePerSec = 200,
  seconds = 20,
): Promise<CoResult> {
  const target = await startPinnedTarget<{ port: number; originEpochMs: number }>(
    path.join(ROOT, 'bench/targets/stall-server.ts'),
    [String(stallMs), String(periodMs)],
    0,
  );
  const url = `http://127.0.0.1:${target.info.port}/`;
  try {
    const report = (
      await runOrdealTimed(1, url, { duration: `${seconds}s`, rate: ratePerSec }, { model: 'open', workers: 1 })
    ).report;
    const phase = report.phases[0]!;
    const truth = truthFromSchedule(
      Date.parse(phase.start!),
      seconds,
      ratePerSec,
      target.info.originEpochMs,
      stallMs,
      periodMs,
    );
    const ordeal = { p50: phase.latencyMs!.p50, p90: phase.latencyMs!.p90, p99: phase.latencyMs!.p99 };
    const autocannonClosed = await autocannonLatency(url, ['-c', '10'], seconds);
    const autocannonRate = await autocannonLatency(url, ['-c', '300', '-R', String(ratePerSec)], seconds);
    return { stallMs, periodMs, ratePerSec, seconds, truth, ordeal, autocannonClosed, autocannonRate };
  } finally {
    await target.stop();
  }
}

export function coTable(r: CoResult): string {
  const row = (name: string, v: { p50: number; p90: number; p99: number }) =>
    `| ${name} | ${v.p50.toFixed(1)} | ${v.p90.toFixed(1)} | ${v.p99.toFixed(1)} | ${(v.p99 / r.truth.p99).toFixed(2)} |`;
  return [
    `Coordinated-omission trap — target stalls ${r.stallMs} ms every ${r.periodMs} ms, fixed rate ${r.ratePerSec} req/s, ${r.seconds} s`,
    '',
    '| measured by | p50 ms | p90 ms | p99 ms | p99 ÷ truth |',
    '|---|---:|---:|---:|---:|',
    row('truth (from the schedule; service time ≈ 0)', r.truth),
    row('ordeal, open model', r.ordeal),
    row('autocannon, closed model (-c 10)', r.autocannonClosed),
    row(`autocannon -R ${r.ratePerSec} (-c 300)`, r.autocannonRate),
    '',
    `ordeal's p99 is ${(Math.abs(r.ordeal.p99 / r.truth.p99 - 1) * 100).toFixed(1)} % from the truth (goal ≤ 10 %). autocannon reports whole milliseconds; its closed model sent almost nothing during the stalls, so the stalls barely appear in its percentiles.`,
  ].join('\n');
}

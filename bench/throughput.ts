/**
 * Generator throughput, closed model, same connection count: ordeal vs wrk vs
 * autocannon's CLI, each pinned to core 1, against nginx pinned to core 0.
 */
import path from 'node:path';
import { startNginx } from './support/nginx-target.ts';
import { runOrdeal } from './support/ordeal-cli.ts';
import { median, ROOT, runPinned } from './support/processes.ts';

const GENERATOR_CORE = 1;
const TARGET_CORE = 0;

export interface ThroughputResult {
  connections: number;
  seconds: number;
  rounds: number;
  rps: { wrk: number; autocannon: number; ordeal: number };
}

async function wrkRps(url: string, connections: number, seconds: number): Promise<number> {
  const out = await runPinned(GENERATOR_CORE, 'wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, url]);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]);
}

async function autocannonRps(url: string, connections: number, seconds: number): Promise<number> {
  const out = await runPinned(GENERATOR_CORE, process.execPath, [path.join(ROOT, 'node_modules/autocannon/autocannon.js'), '-c', String(connections), '-d', String(seconds), '-j', url]);
  const result = JSON.parse(out) as { requests: { total: number }; duration: number };
  return result.requests.total / result.duration;
}

async function ordealRps(url: string, connections: number, seconds: number): Promise<number> {
  const report = await runOrdeal(url, { duration: `${seconds}s`, vus: connections }, { model: 'closed', workers: 1 }, GENERATOR_CORE);
  return report.phases[0]!.achievedRate ?? 0;
}

export async function benchThroughput(connections = 50, seconds = 10, rounds = 3): Promise<ThroughputResult> {
  const nginx = await startNginx(TARGET_CORE);
  try {
    const samples = { wrk: [] as number[], autocannon: [] as number[], ordeal: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      samples.wrk.push(await wrkRps(nginx.url, connections, seconds));
      samples.autocannon.push(await autocannonRps(nginx.url, connections, seconds));
      samples.ordeal.push(await ordealRps(nginx.url, connections, seconds));
    }
    return { connections, seconds, rounds, rps: { wrk: median(samples.wrk), autocannon: median(samples.autocannon), ordeal: median(samples.ordeal) } };
  } finally {
    await nginx.stop();
  }
}

export function throughputTable(r: ThroughputResult): string {
  const rows = [
    ['wrk', r.rps.wrk],
    ['autocannon CLI', r.rps.autocannon],
    ['ordeal (closed model)', r.rps.ordeal],
  ] as const;
  return [
    `Generator throughput — nginx on core 0, generator on core 1, closed model, ${r.connections} connections, ${r.seconds} s, median of ${r.rounds}`,
    '',
    '| generator | req/s | × wrk | × autocannon |',
    '|---|---:|---:|---:|',
    ...rows.map(([name, rps]) => `| ${name} | ${Math.round(rps)} | ${(rps / r.rps.wrk).toFixed(2)} | ${(rps / r.rps.autocannon).toFixed(2)} |`),
    '',
    `ordeal ÷ autocannon CLI = ${(r.rps.ordeal / r.rps.autocannon).toFixed(2)} (goal ≥ 0.95)`,
  ].join('\n');
}

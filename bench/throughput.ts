/**
 * Generator throughput, closed model, same connection count: ordeal vs wrk vs
 * autocannon's CLI, each pinned to core 1, against nginx pinned to core 0.
 * Rounds interleaved; medians and ranges. Both Node generators warm up first
 * (ordeal's load.warmup, autocannon's --warmup), so neither is charged its
 * JIT start.
 */
import { autocannonRun } from './peers/autocannon.ts';
import { runOrdealTimed } from './peers/ordeal.ts';
import { startNginx } from './support/nginx-target.ts';
import { runPinned } from './support/processes.ts';
import { spread } from './support/spread.ts';

const GENERATOR_CORE = 1;
const TARGET_CORE = 0;

export interface ThroughputResult {
  connections: number;
  seconds: number;
  rounds: number;
  rps: { wrk: number[]; autocannon: number[]; ordeal: number[] };
}

async function wrkRps(url: string, connections: number, seconds: number): Promise<number> {
  const out = await runPinned(GENERATOR_CORE, 'wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, url]);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]);
}

async function autocannonRps(url: string, connections: number, seconds: number): Promise<number> {
  const result = await autocannonRun(
    GENERATOR_CORE,
    url,
    ['-c', String(connections), '--warmup', '[', '-c', String(connections), '-d', '1', ']'],
    seconds,
  );
  return result.requests.total / result.duration;
}

async function ordealRps(url: string, connections: number, seconds: number): Promise<number> {
  const run = await runOrdealTimed(
    GENERATOR_CORE,
    url,
    { duration: `${seconds}s`, vus: connections },
    { model: 'closed', workers: 1, warmup: '1s' },
  );
  return run.report.phases[0]!.achievedRate ?? 0;
}

export async function benchThroughput(connections = 50, seconds = 10, rounds = 3): Promise<ThroughputResult> {
  const nginx = await startNginx(TARGET_CORE);
  try {
    const rps = { wrk: [] as number[], autocannon: [] as number[], ordeal: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      rps.wrk.push(await wrkRps(nginx.url, connections, seconds));
      rps.autocannon.push(await autocannonRps(nginx.url, connections, seconds));
      rps.ordeal.push(await ordealRps(nginx.url, connections, seconds));
      process.stderr.write(
        `throughput: round ${round + 1}/${rounds}: wrk ${Math.round(rps.wrk.at(-1)!)}, autocannon ${Math.round(rps.autocannon.at(-1)!)}, ordeal ${Math.round(rps.ordeal.at(-1)!)} req/s\n`,
      );
    }
    return { connections, seconds, rounds, rps };
  } finally {
    await nginx.stop();
  }
}

export function throughputTable(r: ThroughputResult): string {
  const wrk = spread(r.rps.wrk);
  const autocannon = spread(r.rps.autocannon);
  const rows = [
    ['wrk', wrk],
    ['autocannon CLI', autocannon],
    ['ordeal (closed model)', spread(r.rps.ordeal)],
  ] as const;
  const perRound = r.rps.ordeal.map((o, i) => o / r.rps.autocannon[i]!);
  return [
    `Generator throughput — nginx on core 0, generator on core 1, closed model, ${r.connections} connections, ${r.seconds} s, ${r.rounds} interleaved rounds; median (min–max)`,
    '',
    '| generator | req/s | × wrk | × autocannon |',
    '|---|---:|---:|---:|',
    ...rows.map(
      ([name, s]) =>
        `| ${name} | ${s.format(0)} | ${(s.median / wrk.median).toFixed(2)} | ${(s.median / autocannon.median).toFixed(2)} |`,
    ),
    '',
    `ordeal ÷ autocannon CLI, per round: ${perRound.map((x) => x.toFixed(2)).join(', ')}; median ${spread(perRound).median.toFixed(2)} (goal ≥ 0.95)`,
  ].join('\n');
}

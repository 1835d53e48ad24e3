/**
 * The open model at fixed rates, side by side: what each generator costs in
 * CPU (whole process, start-up included, per 100k requests) and what it
 * measures (whole-run and first-second p99) against nginx. nginx on core 0,
 * each generator alone on core 1, rounds interleaved; medians and spread.
 */
import { autocannonPaced } from './peers/autocannon.ts';
import { ordealOpenModel } from './peers/ordeal.ts';
import { vegetaAttack } from './peers/vegeta.ts';
import { wrkPaced } from './peers/wrk.ts';
import { startNginx } from './support/nginx-target.ts';
import { cpuSecPer100k, type OpenModelSample } from './support/open-model-sample.ts';
import { spread } from './support/spread.ts';

const TARGET_CORE = 0;
const GENERATOR_CORE = 1;

export const OPEN_MODEL_GENERATORS = {
  ordeal: ordealOpenModel,
  vegeta: vegetaAttack,
  'autocannon -R': autocannonPaced,
  'wrk (paced)': wrkPaced,
} as const;
export type GeneratorName = keyof typeof OPEN_MODEL_GENERATORS;

export interface OpenModelResult {
  seconds: number;
  rounds: number;
  /** rate → generator → one sample per round */
  samples: Map<number, Map<GeneratorName, OpenModelSample[]>>;
}

export async function benchOpenModel(
  rates = [1_000, 5_000, 10_000],
  seconds = 20,
  rounds = 3,
  only?: GeneratorName[],
): Promise<OpenModelResult> {
  const nginx = await startNginx(TARGET_CORE);
  const samples = new Map<number, Map<GeneratorName, OpenModelSample[]>>();
  const names = (Object.keys(OPEN_MODEL_GENERATORS) as GeneratorName[]).filter((n) => !only || only.includes(n));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const rate of rates) {
        const byGenerator = samples.get(rate) ?? new Map<GeneratorName, OpenModelSample[]>();
        samples.set(rate, byGenerator);
        for (const name of names) {
          const sample = await OPEN_MODEL_GENERATORS[name](GENERATOR_CORE, nginx.url, rate, seconds);
          byGenerator.set(name, [...(byGenerator.get(name) ?? []), sample]);
          process.stderr.write(
            `open model: round ${round + 1}/${rounds}, ${rate} req/s, ${name}: ${cpuSecPer100k(sample).toFixed(2)} CPU-s/100k, p99 ${sample.whole?.p99.toFixed(2) ?? '—'} ms, first-second p99 ${sample.firstSecond?.p99.toFixed(2) ?? '—'} ms\n`,
          );
        }
      }
    }
  } finally {
    await nginx.stop();
  }
  return { seconds, rounds, samples };
}

export function openModelTable(r: OpenModelResult): string {
  const lines = [
    `Open model at fixed rates — nginx on core 0, each generator alone on core 1, ${r.seconds} s per run, ${r.rounds} interleaved rounds; median (min–max)`,
    '',
    '| rate req/s | generator | CPU-s per 100k | × vegeta | p99 ms | × vegeta | first-second p99 ms | requests |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [rate, byGenerator] of r.samples) {
    const vegeta = byGenerator.get('vegeta');
    const vegetaCpu = vegeta ? spread(vegeta.map(cpuSecPer100k)).median : NaN;
    const vegetaP99 = vegeta ? spread(vegeta.map((s) => s.whole?.p99 ?? NaN)).median : NaN;
    for (const [name, samples] of byGenerator) {
      const cpu = spread(samples.map(cpuSecPer100k));
      const p99 = spread(samples.map((s) => s.whole?.p99 ?? NaN));
      const first = samples.every((s) => s.firstSecond)
        ? spread(samples.map((s) => s.firstSecond!.p99)).format(2)
        : '—';
      lines.push(
        `| ${rate} | ${name} | ${cpu.format(2)} | ${(cpu.median / vegetaCpu).toFixed(2)} | ${p99.format(2)} | ${(p99.median / vegetaP99).toFixed(2)} | ${first} | ${spread(samples.map((s) => s.requests)).median} |`,
      );
    }
  }
  lines.push(
    '',
    'CPU is the whole process under GNU time (start-up included) divided by the requests it completed. autocannon -R and paced wrk are closed models held to a rate: their latency runs from the actual send, so a stall hides in them (see the coordinated-omission table); ordeal and vegeta are open models. First-second p99 is shown for the generators whose results give per-request times.',
  );
  return lines.join('\n');
}

/**
 * The highest rate one open-model worker holds: rising rates against nginx,
 * 5 s each, until the p99 send lag passes 10 ms (or the report says the
 * generator fell behind). Rounds interleaved; median and range of the highest
 * rate held.
 */
import { ordealOpenModel } from './peers/ordeal.ts';
import { startNginx } from './support/nginx-target.ts';
import { spread } from './support/spread.ts';

const LADDER = [5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000, 60_000, 80_000];

export interface MaxRateResult {
  seconds: number;
  /** Per round: the highest rate held, and the send lag p99 at each rate tried. */
  rounds: { held: number; tried: { rate: number; lagP99Ms: number; held: boolean }[] }[];
}

export async function benchMaxRate(seconds = 5, rounds = 3): Promise<MaxRateResult> {
  const nginx = await startNginx(0);
  const result: MaxRateResult = { seconds, rounds: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      const tried: MaxRateResult['rounds'][number]['tried'] = [];
      let held = 0;
      for (const rate of LADDER) {
        const sample = await ordealOpenModel(1, nginx.url, rate, seconds);
        const phase = sample.report.phases[0]!;
        const lagP99Ms = phase.sendLagMs?.p99 ?? Number.POSITIVE_INFINITY;
        const ok = lagP99Ms < 10 && phase.generatorBehind === undefined;
        tried.push({ rate, lagP99Ms, held: ok });
        process.stderr.write(
          `max rate: round ${round + 1}/${rounds}, ${rate} req/s: send lag p99 ${lagP99Ms.toFixed(2)} ms${ok ? '' : ' (not held)'}\n`,
        );
        if (!ok) break;
        held = rate;
      }
      result.rounds.push({ held, tried });
    }
  } finally {
    await nginx.stop();
  }
  return result;
}

export function maxRateTable(r: MaxRateResult): string {
  const held = spread(r.rounds.map((x) => x.held));
  return [
    `Highest rate one worker holds — open model against nginx, ${r.seconds} s per rate, send lag p99 < 10 ms; ${r.rounds.length} rounds`,
    '',
    '| round | highest rate held req/s | send lag p99 ms at each rate tried |',
    '|---:|---:|---|',
    ...r.rounds.map(
      (x, i) =>
        `| ${i + 1} | ${x.held} | ${x.tried.map((t) => `${t.rate / 1_000}k: ${t.lagP99Ms.toFixed(1)}${t.held ? '' : ' ✗'}`).join(', ')} |`,
    ),
    '',
    `median ${held.format(0)} req/s per worker`,
  ].join('\n');
}

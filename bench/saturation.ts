/**
 * Saturation: one worker asked for far more than it can send. The report must
 * say so (INCONCLUSIVE, the generator could not keep up) and give the rate the
 * target really received: nginx's own request count over the phase's real
 * duration, side by side with ordeal's achievedRate.
 */
import { runOrdealTimed } from './peers/ordeal.ts';
import { startNginx } from './support/nginx-target.ts';
import { spread } from './support/spread.ts';

export interface SaturationRound {
  verdict: string;
  achievedRate: number;
  receivedRate: number;
  unsent: number;
  sendLagP99Ms: number;
  reason: string;
}

export interface SaturationResult {
  askedRatePerSec: number;
  seconds: number;
  rounds: SaturationRound[];
}

export async function benchSaturation(askedRatePerSec = 200_000, seconds = 10, rounds = 3): Promise<SaturationResult> {
  const nginx = await startNginx(0);
  const result: SaturationResult = { askedRatePerSec, seconds, rounds: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      const before = await nginx.requestsServed();
      const run = await runOrdealTimed(
        1,
        nginx.url,
        { duration: `${seconds}s`, rate: askedRatePerSec },
        { model: 'open', workers: 1, warmup: false, maxInFlight: 10_000 },
      );
      const received = (await nginx.requestsServed()) - before;
      const phase = run.report.phases[0]!;
      const realSec = (Date.parse(phase.end!) - Date.parse(phase.start!)) / 1_000;
      result.rounds.push({
        verdict: run.report.verdict,
        achievedRate: phase.achievedRate ?? 0,
        receivedRate: received / realSec,
        unsent: phase.unsent,
        sendLagP99Ms: phase.sendLagMs?.p99 ?? 0,
        reason: run.report.checks[0]?.reason ?? phase.generatorBehind ?? '',
      });
      process.stderr.write(
        `saturation: round ${round + 1}/${rounds}: ${run.report.verdict}, achieved ${Math.round(phase.achievedRate ?? 0)} req/s, nginx received ${Math.round(received / realSec)} req/s\n`,
      );
    }
  } finally {
    await nginx.stop();
  }
  return result;
}

export function saturationTable(r: SaturationResult): string {
  const ratio = spread(r.rounds.map((x) => x.achievedRate / x.receivedRate));
  return [
    `Saturation — one worker asked for ${r.askedRatePerSec} req/s for ${r.seconds} s against nginx (core 0; ordeal on core 1), ${r.rounds.length} rounds`,
    '',
    '| round | verdict | ordeal achievedRate | nginx received ÷ real phase time | ratio | unsent | send lag p99 ms |',
    '|---:|---|---:|---:|---:|---:|---:|',
    ...r.rounds.map(
      (x, i) =>
        `| ${i + 1} | ${x.verdict} | ${Math.round(x.achievedRate)} | ${Math.round(x.receivedRate)} | ${(x.achievedRate / x.receivedRate).toFixed(3)} | ${x.unsent} | ${x.sendLagP99Ms.toFixed(0)} |`,
    ),
    '',
    `achievedRate ÷ what nginx received: median ${ratio.format(3)} (goal: within 5 %). Reason given: "${r.rounds[0]?.reason ?? ''}"`,
  ].join('\n');
}

/**
 * `ordeal capacity` against a service whose capacity is known by construction (issue 30): 4 workers at 20 ms each,
 * 200 req/s (test/support/fixed-capacity-server.ts, each worker's time kept on the clock, so a late timer does not
 * lower it), three searches one after another with the defaults a user gets (settle 5 s, hold 10 s, cool-down 5 s);
 * the answer against 200, the first failing rate, the knee and how long a search takes, median and range.
 */
import { findCapacity } from '../harness/capacity/find-capacity.ts';
import { validateScenario } from '../harness/scenario/validate-scenario.ts';
import { startFixedCapacityServer } from '../test/support/fixed-capacity-server.ts';
import { spread } from './support/spread.ts';

const WORKERS = 4;
const SERVICE_MS = 20;
const TRUE_CAPACITY = (WORKERS * 1_000) / SERVICE_MS;
const ROUNDS = 3;

export interface CapacityRound {
  heldRate: number;
  firstFailingRate: number | null;
  kneeRate: number | null;
  steps: number;
  minutes: number;
  /** Who limited the answer (capacity.json limitedBy) and why the search stopped. */
  limitedBy: string;
  stoppedBecause: string;
}

export async function benchCapacity(): Promise<CapacityRound[]> {
  const rounds: CapacityRound[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await using service = await startFixedCapacityServer(WORKERS, SERVICE_MS);
    const report = await findCapacity(
      validateScenario({
        name: 'fixed-capacity',
        target: { baseUrl: service.url },
        requests: [{ path: '/' }],
        phases: [{ name: 'peak', duration: '1m', rate: 100 }],
        slos: [{ http_req_duration: ['p(99)<100'], http_req_failed: ['rate<0.01'] }],
      }),
    );
    rounds.push({
      heldRate: report.heldRate ?? Number.NaN,
      firstFailingRate: report.firstFailing?.rate ?? null,
      kneeRate: report.kneeRate,
      steps: report.steps.length,
      minutes: report.durationMs / 60_000,
      limitedBy: report.limitedBy,
      stoppedBecause: report.stoppedBecause,
    });
  }
  return rounds;
}

export function capacityTable(rounds: readonly CapacityRound[]): string {
  const held = spread(rounds.map((r) => r.heldRate));
  return [
    `Capacity search — a service of ${WORKERS} workers at ${SERVICE_MS} ms each (${TRUE_CAPACITY} req/s by construction), p(99)<100 ms, the defaults (settle 5 s, hold 10 s, cool-down 5 s), ${ROUNDS} searches`,
    '',
    '| search | held req/s | ÷ true capacity | first failing req/s | knee req/s | steps | minutes | limited by |',
    '|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rounds.map(
      (r, i) =>
        `| ${i + 1} | ${r.heldRate} | ${(r.heldRate / TRUE_CAPACITY).toFixed(3)} | ${r.firstFailingRate ?? '—'} | ${r.kneeRate ?? '—'} | ${r.steps} | ${r.minutes.toFixed(1)} | ${r.limitedBy}${r.limitedBy === 'service' ? '' : `: ${r.stoppedBecause}`} |`,
    ),
    '',
    `Held: median ${held.format(0)} req/s, ${((held.median / TRUE_CAPACITY) * 100).toFixed(1)} % of the true ${TRUE_CAPACITY} (goal: within 10 %); a search takes ${spread(rounds.map((r) => r.minutes)).format(1)} minutes.`,
  ].join('\n');
}

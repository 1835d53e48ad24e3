/**
 * The search for the highest arrival rate a service holds under its SLOs (issue 30), as pure logic: `probe` runs
 * one step (a settle window, then a judged hold) and says how it went; the search steps up ×1.5 from a start rate
 * until a step fails, bisects between the last rate that held and the first that did not until they are within
 * 5 %, and repeats the answer to confirm it. A step the generator could not offer is never the service's limit.
 */

/** How a step went, from what ordeal measured (capacity-step.ts). */
export type StepKind =
  /** Every SLO held while the generator kept up. */
  | 'pass'
  /** An SLO failed while the generator kept up. */
  | 'breach'
  /** The service answered fewer than were sent (it sheds or queues) while the generator kept up. */
  | 'plateau'
  /** ordeal could not offer the rate (send lag over its bound, arrivals unsent): the service was not judged. */
  | 'generator-limited'
  /** A guard tripped, or the step could not be judged for another reason: the search stops. */
  | 'stopped';

export interface StepOutcome {
  kind: StepKind;
  /** Why, in words: the SLO that broke and by how much, the generator's lateness, the guard. */
  reason: string;
  /** What was sent per second over the hold, and the latency percentiles over it (ms). */
  achievedRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  errorRate: number | null;
  sendLagP99Ms: number | null;
  /**
   * The step said nothing of the service for a reason of the moment (ordeal behind, a check it could not judge: a
   * busy or paused host), not a guard or an abort: it is run once more before the search takes it as its answer.
   */
  retryable?: boolean;
}

export interface SearchStep extends StepOutcome {
  /** The arrival rate asked for (req/s). */
  rate: number;
  /** Which part of the search ran it. */
  stage: 'probe' | 'bisect' | 'confirm';
}

export interface SearchOptions {
  startRate: number;
  /** Never above this (the scenario's limits.maxRatePerSec, or --max-rate). */
  maxRate: number;
  /** Each probe's rate is this times the last (1.5). */
  growth: number;
  /** Bisect until the first failing rate is within this share of the last passing one (0.05). */
  precision: number;
  /** Steps at most (the time budget, said in steps). */
  maxSteps: number;
  /** Told of each step as it ends. */
  onStep?: (step: SearchStep) => void;
}

export interface SearchResult {
  steps: SearchStep[];
  /** The highest rate that held (and was confirmed, when `confirmed`); null: not even the start rate held. */
  heldRate: number | null;
  /** The lowest rate that failed (breach or plateau), with that step. */
  firstFailing: SearchStep | null;
  /** The rate at which ordeal itself could not keep up, when it was reached. */
  generatorLimit: number | null;
  /** Whether the answer held again when repeated. */
  confirmed: boolean;
  /** Why the search stopped where it did, in words. */
  stoppedBecause: string;
}

const failed = (kind: StepKind): boolean => kind === 'breach' || kind === 'plateau';
const rounded = (rate: number): number => (rate >= 100 ? Math.round(rate) : Math.round(rate * 10) / 10);

export async function searchCapacity(
  probe: (rate: number) => Promise<StepOutcome>,
  options: SearchOptions,
): Promise<SearchResult> {
  const steps: SearchStep[] = [];
  let held: number | null = null;
  let failing: SearchStep | null = null;
  let generatorLimit: number | null = null;
  const once = async (rate: number, stage: SearchStep['stage']): Promise<SearchStep> => {
    const step = { ...(await probe(rate)), rate, stage };
    steps.push(step);
    options.onStep?.(step);
    return step;
  };
  const run = async (rate: number, stage: SearchStep['stage']): Promise<SearchStep> => {
    const step = await once(rate, stage);
    return step.retryable && !outOfSteps() ? once(rate, stage) : step;
  };
  const result = (stoppedBecause: string, confirmed = false): SearchResult => ({
    steps,
    heldRate: held,
    firstFailing: failing,
    generatorLimit,
    confirmed,
    stoppedBecause,
  });
  const outOfSteps = (): boolean => steps.length >= options.maxSteps;

  // Up, ×growth a step, until one fails, ordeal cannot offer it, or the ceiling holds.
  for (let rate = rounded(Math.min(options.startRate, options.maxRate)); ;) {
    if (outOfSteps()) return result(`the time budget ran out after ${steps.length} steps, still stepping up`);
    const step = await run(rate, 'probe');
    if (step.kind === 'stopped') return result(step.reason);
    if (step.kind === 'generator-limited') {
      generatorLimit = rate;
      return result(`ordeal could not offer ${rate} req/s on this machine (${step.reason})`);
    }
    if (failed(step.kind)) {
      failing = step;
      break;
    }
    held = rate;
    if (rate >= options.maxRate)
      return result(`the service held the ceiling, ${options.maxRate} req/s (limits.maxRatePerSec or --max-rate)`);
    rate = rounded(Math.min(rate * options.growth, options.maxRate));
  }
  if (held === null) return result(`the service did not hold the start rate, ${failing.rate} req/s`);

  // Between the last rate that held and the first that failed, until they are within `precision`.
  const bisect = async (): Promise<string | undefined> => {
    while (failing && held !== null && failing.rate > held * (1 + options.precision)) {
      if (outOfSteps()) return `the time budget ran out after ${steps.length} steps, bisecting`;
      const rate = rounded((held + failing.rate) / 2);
      if (rate <= held || rate >= failing.rate) break;
      const step = await run(rate, 'bisect');
      if (step.kind === 'stopped') return step.reason;
      if (step.kind === 'generator-limited') {
        generatorLimit = rate;
        return `ordeal could not offer ${rate} req/s on this machine (${step.reason})`;
      }
      if (failed(step.kind)) failing = step;
      else held = rate;
    }
    return undefined;
  };
  // The answer once more: a rate that held once but not again is not the answer; the search bisects again between
  // the next lower one that held and it, and confirms that answer in turn.
  for (;;) {
    const stopped = await bisect();
    if (stopped) return result(stopped);
    if (outOfSteps()) return result(`the time budget ran out after ${steps.length} steps, before confirming`);
    const answer: number = held;
    const repeat = await run(answer, 'confirm');
    if (repeat.kind === 'pass')
      return result(`bisected to within ${Math.round(options.precision * 1_000) / 10} % and confirmed`, true);
    if (repeat.kind === 'stopped' || repeat.kind === 'generator-limited') return result(repeat.reason);
    failing = repeat;
    const lower = steps.filter((s) => s.kind === 'pass' && s.rate < answer).map((s) => s.rate);
    held = lower.length > 0 ? Math.max(...lower) : null;
    if (held === null) return result(`${answer} req/s held once but not when repeated, and no lower rate was tried`);
  }
}

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

/** A step ordeal could not judge even on its second try: not held, and not the service's failure either. */
const undecided = (step: SearchStep): boolean => step.kind === 'stopped' && step.retryable === true;
/** Ends the search early, with why. */
class SearchOver extends Error {}

/** One search's state: the steps so far, the highest rate that held, the lowest that failed or could not be judged. */
class CapacitySearch {
  readonly steps: SearchStep[] = [];
  private held: number | null = null;
  private failing: SearchStep | null = null;
  private generatorLimit: number | null = null;
  /** The lowest rate not shown to hold: one that failed, or one ordeal could not judge (never counted as held). */
  private upper: number | null = null;

  constructor(
    private readonly probe: (rate: number) => Promise<StepOutcome>,
    private readonly options: SearchOptions,
  ) {}

  result(stoppedBecause: string, confirmed = false): SearchResult {
    const { steps, held: heldRate, failing: firstFailing, generatorLimit } = this;
    return { steps, heldRate, firstFailing, generatorLimit, confirmed, stoppedBecause };
  }

  private outOfSteps(): boolean {
    return this.steps.length >= this.options.maxSteps;
  }

  private async once(rate: number, stage: SearchStep['stage']): Promise<SearchStep> {
    const step = { ...(await this.probe(rate)), rate, stage };
    this.steps.push(step);
    this.options.onStep?.(step);
    return step;
  }

  /** One step, run once more if it said nothing of the service for a reason of the moment; ends the search on a guard, an abort or ordeal's own limit. */
  private async run(rate: number, stage: SearchStep['stage']): Promise<SearchStep> {
    const first = await this.once(rate, stage);
    const step = first.retryable && !this.outOfSteps() ? await this.once(rate, stage) : first;
    if (step.kind === 'stopped' && !undecided(step)) throw new SearchOver(step.reason);
    if (step.kind === 'generator-limited') {
      this.generatorLimit = rate;
      throw new SearchOver(`ordeal could not offer ${rate} req/s on this machine (${step.reason})`);
    }
    if (failed(step.kind) && (!this.failing || rate <= this.failing.rate)) this.failing = step;
    if (step.kind !== 'pass') this.upper = this.upper === null ? rate : Math.min(this.upper, rate);
    return step;
  }

  private budget(doing: string): void {
    if (this.outOfSteps()) throw new SearchOver(`the time budget ran out after ${this.steps.length} steps, ${doing}`);
  }

  /** Up, ×growth a step, until one fails or cannot be judged, or the ceiling holds. */
  async climb(): Promise<SearchResult | undefined> {
    const { options } = this;
    for (let rate = rounded(Math.min(options.startRate, options.maxRate)); ;) {
      this.budget('still stepping up');
      if ((await this.run(rate, 'probe')).kind !== 'pass') break;
      this.held = rate;
      if (rate >= options.maxRate)
        return this.result(
          `the service held the ceiling, ${options.maxRate} req/s (limits.maxRatePerSec or --max-rate)`,
        );
      rate = rounded(Math.min(rate * options.growth, options.maxRate));
    }
    if (this.held !== null) return undefined;
    return this.result(
      this.failing
        ? `the service did not hold the start rate, ${this.failing.rate} req/s`
        : `the start rate could not be judged: ${this.steps.at(-1)!.reason}`,
    );
  }

  /** Between the last rate that held and the lowest not shown to hold, until they are within `precision`. */
  async bisect(): Promise<void> {
    while (this.upper !== null && this.held !== null && this.upper > this.held * (1 + this.options.precision)) {
      this.budget('bisecting');
      const rate = rounded((this.held + this.upper) / 2);
      if (rate <= this.held || rate >= this.upper) break;
      if ((await this.run(rate, 'bisect')).kind === 'pass') this.held = rate;
    }
  }

  /**
   * The answer once more: a rate that held once but not again (or could not be judged again) is not the answer;
   * the search bisects again between the next lower one that held and it, and confirms that answer in turn.
   */
  async confirm(): Promise<SearchResult> {
    for (;;) {
      await this.bisect();
      this.budget('before confirming');
      const answer = this.held!;
      if ((await this.run(answer, 'confirm')).kind === 'pass') {
        const unjudged = this.steps.filter((s) => undecided(s) && s.rate > answer).map((s) => s.rate);
        const note =
          unjudged.length > 0 ? ` (${Math.min(...unjudged)} req/s could not be judged: counted as not held)` : '';
        return this.result(
          `bisected to within ${Math.round(this.options.precision * 1_000) / 10} % and confirmed${note}`,
          true,
        );
      }
      const lower = this.steps.filter((s) => s.kind === 'pass' && s.rate < answer).map((s) => s.rate);
      this.held = lower.length > 0 ? Math.max(...lower) : null;
      if (this.held === null)
        return this.result(`${answer} req/s held once but not when repeated, and no lower rate was tried`);
    }
  }
}

export async function searchCapacity(
  probe: (rate: number) => Promise<StepOutcome>,
  options: SearchOptions,
): Promise<SearchResult> {
  const search = new CapacitySearch(probe, options);
  try {
    return (await search.climb()) ?? (await search.confirm());
  } catch (error) {
    if (error instanceof SearchOver) return search.result(error.message);
    throw error;
  }
}

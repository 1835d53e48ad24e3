import { SecondBuckets, type SecondBucket } from './second-buckets.ts';
import { StepStats } from './step-stats.ts';

export type { SecondBucket } from './second-buckets.ts';

/**
 * A second of the run is complete in the main thread's record once it is
 * over and the load workers have handed it over (they flush every second):
 * two seconds behind the clock. Live readers (guards, telemetry, the live
 * console) look only that far.
 */
const SECONDS_UNTIL_HANDED_OVER = 2;

/** The last second of the run whose record is complete at `nowMs`. */
export function lastCompleteSecond(recorder: { runStartMs: number }, nowMs: number): number {
  return Math.floor((nowMs - recorder.runStartMs) / 1_000) - SECONDS_UNTIL_HANDED_OVER;
}

/** The run's record in the main thread: sparse per-second histograms kept for the whole run. */
export class PhaseRecorder extends SecondBuckets {
  /** Per flow step (and whole flow), per phase. */
  readonly steps = new StepStats('storage');
  /** Phases a "unique" data source ran out of rows in. */
  readonly rowsRanOut = new Set<string>();

  constructor(runStartMs: number) {
    super(runStartMs, 'storage');
  }

  seconds(phase: string): SecondBucket[] {
    return this.allSeconds().filter((b) => b.phase === phase);
  }

  /** Every phase's bucket for one second (two at a phase edge). */
  bucketsAt(second: number): SecondBucket[] {
    return [...(this.bySecond.get(second) ?? [])];
  }

  /** Every phase's buckets from second `first` through `last`, in order: a window, read without a pass over the run. */
  secondsBetween(first: number, last: number): SecondBucket[] {
    const window: SecondBucket[] = [];
    for (let second = Math.max(0, first); second <= Math.min(last, this.maxSecond); second++)
      window.push(...(this.bySecond.get(second) ?? []));
    return window;
  }

  allSeconds(): SecondBucket[] {
    return [...this.buckets.values()].sort((a, b) => a.second - b.second);
  }
}

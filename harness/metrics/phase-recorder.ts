import { SecondBuckets, type SecondBucket } from './second-buckets.ts';
import { StepStats } from './step-stats.ts';

export type { SecondBucket } from './second-buckets.ts';

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
    return [...this.buckets.values()].filter((b) => b.second === second);
  }

  allSeconds(): SecondBucket[] {
    return [...this.buckets.values()].sort((a, b) => a.second - b.second);
  }
}

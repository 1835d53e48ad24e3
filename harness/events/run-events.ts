import { EventEmitter } from 'node:events';
import type { AppliedFault, FaultRecord } from '../verdict/run-records.ts';
import type { SecondBucket } from '../metrics/second-buckets.ts';
import type { GuardTrip } from '../verdict/run-records.ts';
import type { RunReport } from '../report/run-report.ts';
import type { PlannedPhase, Timeline } from '../scenario/timeline.ts';
import type { PhaseStats } from '../verdict/phase-stats.ts';
import type { OperatorNote } from '../verdict/recorded-run.ts';

export interface ProgressSnapshot {
  phase: string;
  phaseIndex: number;
  phaseCount: number;
  elapsedMs: number;
  remainingMs: number;
  targetRatePerSec: number;
  /** Requests sent in the last whole second (open model: those due in it; closed model: those completed). */
  achievedRatePerSec: number;
  p95Ms: number | null;
  /** Open model: p99 of how late requests went out in the last whole second. */
  sendLagP99Ms: number | null;
  /** Set while the generator cannot keep up (send lag over load.maxSendLag, or arrivals left unsent): why. */
  generatorBehind?: string;
  phaseErrors: number;
  phaseRequests: number;
  activeFaults: string[];
}

export interface RunEventMap {
  infrastructure: { message: string };
  runStarted: { runId: string; target: string; timeline: Timeline };
  phaseStarted: { phase: PlannedPhase };
  faultApplied: { fault: AppliedFault };
  faultRemoved: { fault: FaultRecord };
  progress: ProgressSnapshot;
  phaseEnded: { phase: PlannedPhase; stats: PhaseStats };
  warning: { message: string };
  /** A checkpoint of the report so far was written (runScenario's reportDir): its number and its report.json. */
  checkpoint: { count: number; file: string };
  guardTripped: { trip: GuardTrip };
  /** An operator's note (live console, terminal). */
  annotation: { note: OperatorNote };
  /** What was recorded since the last such event, per phase-second (deltas: a second may come again when it grew). */
  secondsRecorded: { buckets: SecondBucket[] };
  runEnded: { report: RunReport };
}

/**
 * Reporters and the CLI subscribe to run events; the engine never calls them
 * directly. A listener that throws cannot take the run down (events are
 * emitted from timers, where a throw would end the process): its error
 * becomes a warning, and the other listeners still hear the event.
 */
export class RunEvents {
  private readonly emitter = new EventEmitter();

  on<K extends keyof RunEventMap>(name: K, listener: (event: RunEventMap[K]) => void): this {
    this.emitter.on(name, listener);
    return this;
  }

  emit<K extends keyof RunEventMap>(name: K, event: RunEventMap[K]): void {
    for (const listener of this.emitter.listeners(name) as ((event: RunEventMap[K]) => void)[]) {
      try {
        listener(event);
      } catch (error) {
        if (name !== 'warning')
          this.emit('warning', { message: `a listener of "${name}" threw: ${(error as Error).message}` });
      }
    }
  }
}

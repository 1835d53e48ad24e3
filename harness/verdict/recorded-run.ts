import type { FaultRecord, VanishedFault } from './run-records.ts';
import type { GuardOutcome } from './run-records.ts';
import type { PhaseRecorder } from '../metrics/phase-recorder.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { Timeline } from '../scenario/timeline.ts';
import type { RecordedSignals } from '../checks/recorded-signals.ts';
import type { ClockRecord } from './clock-evidence.ts';
import type { PhaseWindow } from '../checks/resilience-context.ts';

/** A note an operator typed during the run: it lands on the timeline and in report.json. */
export interface OperatorNote {
  atMs: number;
  /** The phase running when it was typed (none: between phases). */
  phase?: string;
  text: string;
  source: 'console' | 'terminal' | 'api';
}

/** Everything a run recorded: what the judge judges and the report shows. Data only. */
export interface RecordedRun {
  runId: string;
  scenario: Scenario;
  scenarioFile?: string;
  timeline: Timeline;
  target: string;
  driver: { name: string; model: 'open' | 'closed' };
  timeScale: number;
  startedAtMs: number;
  endedAtMs: number;
  windows: ReadonlyMap<string, PhaseWindow>;
  faults: readonly FaultRecord[];
  recorder: PhaseRecorder;
  abortedBy?: string;
  infrastructureError?: string;
  guards?: readonly GuardOutcome[];
  signals: RecordedSignals;
  /** The end of the recorded data. */
  observedUntilMs: number;
  /** Untimed warm-up requests sent before the first phase. */
  warmupRequests?: number;
  /** How long the readiness gate waited before the first phase (none: no gate). */
  readinessWaitMs?: number;
  /** Phases an operator cut short (skip), with why. */
  skippedPhases?: ReadonlyMap<string, string>;
  /** Notes operators typed during the run. */
  annotations?: readonly OperatorNote[];
  /** Faults of this run that someone else removed while they should have been in place. */
  vanishedFaults?: readonly VanishedFault[];
  /** Per check (index in scenario.checks): what the name lookup before the run warned about (a selector that matched nothing yet). */
  lookupNotes?: ReadonlyMap<number, readonly string[]>;
  /** What ordeal's clock watch saw: stretches it did not run, wall-clock steps and drift (absent: not watched). */
  clock?: ClockRecord;
  /** ordeal's own health every few seconds (run/self-watch.ts); absent: not watched. */
  self?: SelfSample[];
  /** Where it ran (read by the run, so that judging and reporting stay pure). */
  environment: { ordeal: string; node: string; platform: string; cpus: number; hostname: string; maxRssBytes: number };
}

/** ordeal looking at itself: memory, the main thread's event-loop lag and GC pauses since the last sample. */
export interface SelfSample {
  atMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** The load workers' heaps (each thread has its own), when the driver has workers. */
  workersHeapUsedBytes?: number;
  loopDelayP99Ms: number;
  /** Milliseconds GC paused the main thread since the previous sample. */
  gcMs: number;
  /** CPU time the whole process (every thread) used since the previous sample, ms. */
  cpuMs?: number;
}

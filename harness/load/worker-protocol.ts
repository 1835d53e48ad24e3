import type { CompiledFlow, DataRows } from '../flows/compiled-flow.ts';
import type { ErrorCounts } from '../metrics/error-kind.ts';
import type { EncodedStepRecord } from '../metrics/step-stats.ts';

export interface WorkerSetup {
  workerIndex: number;
  workerCount: number;
  origin: string;
  /** The checked literal address to connect to (the origin's host resolved once, before the run). */
  connectAddress?: string;
  /** The scenario's requests (one-step flows) and flows, compiled. */
  flows: CompiledFlow[];
  data?: DataRows;
  /** The environment values the templates name. */
  env: Record<string, string>;
  /** What setup captured: visible to every iteration. */
  shared: Record<string, string>;
  /** Record plain requests per name (a scenario with flows, or SLOs by name). */
  recordPlainSteps: boolean;
  /** This worker's share of the in-flight cap (open model). */
  maxInFlight: number;
  timeoutMs: number;
  /** A body a step captures from is kept up to this many bytes. */
  maxCaptureBytes: number;
  /** The main thread's time base (time-base.ts): the worker schedules and buckets on the same clock. */
  timeBaseAnchorMs: number;
}

export interface PhaseCommand {
  type: 'phase';
  phase: string;
  /** Seconds of per-second buckets count from here. */
  runStartEpochMs: number;
  /** Epoch ms at which the phase starts; every worker uses the same instant. */
  startEpochMs: number;
  durationMs: number;
  model: 'open' | 'closed';
  fromRatePerSec: number;
  toRatePerSec: number;
  /** Closed model: this worker's virtual users. */
  vus: number;
  /** Closed model: this worker's share of limits.maxRatePerSec, which its virtual users together never exceed. */
  maxRatePerSec: number;
}

/**
 * Before a phase: send untimed, unrecorded requests at the phase's rate (or
 * with its virtual users) for `durationMs` (0: none), then open the
 * connections the phase will need.
 */
export interface WarmUpCommand {
  type: 'warmUp';
  durationMs: number;
  model: 'open' | 'closed';
  /** Open model: the whole phase's peak rate (this worker sends its share). */
  ratePerSec: number;
  /** Closed model: this worker's virtual users. */
  vus: number;
  /** Closed model: this worker's share of limits.maxRatePerSec. */
  maxRatePerSec: number;
}

export type MainToWorker = PhaseCommand | WarmUpCommand | { type: 'stop' } | { type: 'drain' };

export interface EncodedBucket {
  phase: string;
  second: number;
  requests: number;
  iterations: number;
  dropped: number;
  unsent: number;
  errors: ErrorCounts;
  /** HDR histogram of latencies in µs, compressed base64 (merged exactly in the main thread). */
  latency: string;
  /** HDR histogram of send lags in µs, encoded the same way. */
  sendLag: string;
}

export type WorkerToMain =
  | { type: 'ready' }
  | {
      type: 'buckets';
      buckets: EncodedBucket[];
      steps: EncodedStepRecord[];
      /** The worker's own V8 heap in use at this flush (each thread has its own): ordeal's self-watch sums them. */
      heapUsedBytes: number;
    }
  | { type: 'phaseDone'; phase: string; lastSendEpochMs?: number; rowsRanOut?: boolean }
  | { type: 'warmedUp'; sent: number; connections: number }
  | { type: 'drained' }
  | { type: 'error'; message: string };

import type { FlowInputs } from '../flows/compiled-flow.ts';
import type { PhaseRecorder } from '../metrics/phase-recorder.ts';
import type { RequestSpec } from '../scenario/scenario-schema.ts';
import type { PlannedPhase } from '../scenario/timeline.ts';

/** What the ordeal driver's workers run: compiled flows and their inputs. */
export interface FlowLoad {
  inputs: FlowInputs;
  /** What setup captured. */
  shared: Record<string, string>;
  /** Record plain requests per name (a scenario with flows, or SLOs by name). */
  recordPlainSteps: boolean;
}

export interface LoadTarget {
  baseUrl: URL;
  /** The checked literal address baseUrl's host resolved to: load connects there (the Host header stays the URL's). */
  connectAddress?: string;
  requests: readonly RequestSpec[];
  /** The requests and flows compiled, with their data, environment values and setup's captures (the ordeal driver runs these). */
  flows?: FlowLoad;
  connections: number;
  timeoutMs: number;
  /** A body a step captures from is kept up to this many bytes (load.maxCaptureBytes). */
  maxCaptureBytes?: number;
}

export interface PhaseLoad extends LoadTarget {
  phase: PlannedPhase;
  /** Closed model: virtual users (connections) for this phase. */
  vus?: number;
}

/** Epoch ms: when a phase's load began, and when it ended (its last request sent, or the planned end if later). */
export interface PhaseSendWindow {
  startMs: number;
  endMs: number;
}

/**
 * Drives one phase of load and records every outcome into the recorder.
 * Must return by itself once the phase's duration has passed, and promptly
 * (within about a second) after `signal` aborts.
 */
export interface LoadDriver {
  readonly name: string;
  /** "open" (arrival rate) or "closed" (fixed connections); shown in the report. */
  readonly model: 'open' | 'closed';
  /** Gets ready to send (threads started, code loaded) before the run's clock starts. */
  prepare?(target: LoadTarget): Promise<void>;
  /**
   * Before a phase (its faults not yet applied): opens the connections it will
   * need and, for `durationMs`, sends untimed requests at its rate that are
   * never recorded. Returns how many requests went to the target.
   */
  warmUp?(load: PhaseLoad, durationMs: number, signal: AbortSignal): Promise<{ requests: number }>;
  /** Returns the phase's send window when the driver knows it (so the achieved rate is sends over the time they really took). */
  runPhase(load: PhaseLoad, recorder: PhaseRecorder, signal: AbortSignal): Promise<PhaseSendWindow | void>;
  /** Waits (bounded by the request timeout) for requests still in flight, records them, frees resources. */
  close?(): Promise<void>;
  /** Drivers with worker threads: their heaps in use, summed (ordeal's self-watch); undefined when not known. */
  workersHeapUsedBytes?(): number | undefined;
}

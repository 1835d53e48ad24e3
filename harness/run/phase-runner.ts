import type { Clock } from '../clock/clock.ts';
import type { FaultController } from '../faults/fault-controller.ts';
import type { AppliedFault, FaultRecord } from '../verdict/run-records.ts';
import type { LoadDriver, LoadTarget, PhaseSendWindow } from '../load/load-driver.ts';
import type { PhaseRecorder } from '../metrics/phase-recorder.ts';
import type { PlannedPhase } from '../scenario/timeline.ts';
import type { PhaseWindow } from '../checks/resilience-context.ts';
import type { RunEvents } from '../events/run-events.ts';

export interface PhaseRunContext {
  driver: LoadDriver;
  load: LoadTarget;
  faults?: FaultController;
  recorder: PhaseRecorder;
  events: RunEvents;
  clock: Clock;
  /** Aborted when the run stops early. */
  signal: AbortSignal;
  /**
   * Before a phase's faults are applied: resolves when an operator confirms
   * them (the live console's --confirm-faults), rejects when nobody does in
   * time. Absent: faults go in as planned.
   */
  confirmFaults?: (phase: PlannedPhase, signal: AbortSignal) => Promise<void>;
  /** Before a phase removes its faults: a last look that they are still in place (someone may have removed one). */
  beforeRemovingFaults?: () => Promise<void>;
}

export interface PhaseOutcome {
  window: PhaseWindow;
  /** Every fault the phase applied, with when it was removed (unset if it could not be). */
  faults: FaultRecord[];
  /** What failed (applying or removing a fault, the load driver), if anything did. */
  error?: Error;
  /** Why the phase ended before its time, when an operator skipped the rest of it. */
  skipped?: string;
}

/**
 * One phase: the connections it needs opened, its faults applied, its load
 * driven, its faults removed (also when it is cut short or fails). Returns
 * its window, the record of its faults, and what failed; it does not throw.
 */
export class PhaseRunner {
  /** Faults of the phase now running that are in place: for live progress. */
  private active: AppliedFault[] = [];
  private running?: { name: string; startMs: number };
  /** Ends the running phase's load early (skip), without stopping the run. */
  private skip?: { controller: AbortController; reason?: string };

  /** Skips the rest of the running phase: its load stops, its faults are removed, the next phase begins. */
  skipCurrent(reason: string): boolean {
    if (!this.skip || this.skip.controller.signal.aborted) return false;
    this.skip.reason = reason;
    this.skip.controller.abort(reason);
    return true;
  }

  constructor(private readonly context: PhaseRunContext) {}

  activeFaults(): readonly AppliedFault[] {
    return this.active;
  }

  /** The phase running now, if any (guards that watch some phases only ask). */
  currentPhase(): string | undefined {
    return this.running?.name;
  }

  /** The phase running now and when it began (the live console's snapshot). */
  runningPhase(): { name: string; startMs: number } | undefined {
    return this.running;
  }

  /** `started` hears when the phase began (before its faults), for the live feed. */
  async run(phase: PlannedPhase, started: (startMs: number) => void = () => undefined): Promise<PhaseOutcome> {
    const { driver, load, faults, recorder, events, clock, signal } = this.context;
    const startMs = clock.nowMs();
    this.running = { name: phase.name, startMs };
    const skip = { controller: new AbortController() } as { controller: AbortController; reason?: string };
    this.skip = skip;
    // The phase's load stops on the run's stop or on a skip; a skip leaves the run going.
    const phaseSignal = AbortSignal.any([signal, skip.controller.signal]);
    started(startMs);
    events.emit('phaseStarted', { phase });
    const applied: AppliedFault[] = [];
    const records: FaultRecord[] = [];
    let loadWindow: PhaseSendWindow | void = undefined;
    let error: Error | undefined;
    try {
      // Connections this phase needs beyond those open, opened before its faults (nothing is sent).
      if (phase.index > 0) await driver.warmUp?.({ ...load, phase, vus: phase.vus }, 0, signal);
      if (phase.faults.length > 0 && this.context.confirmFaults && !signal.aborted)
        await this.context.confirmFaults(phase, signal);
      for (const fault of phase.faults) {
        if (signal.aborted) break;
        const done = await faults!.apply(fault, phase.name);
        applied.push(done);
        this.active = [...applied];
        events.emit('faultApplied', { fault: done });
      }
      if (!phaseSignal.aborted)
        loadWindow = await driver.runPhase({ ...load, phase, vus: phase.vus }, recorder, phaseSignal);
    } catch (failure) {
      error = failure as Error;
    }
    const window: PhaseWindow = { startMs, endMs: clock.nowMs(), ...(loadWindow ? { load: loadWindow } : {}) };
    if (applied.length > 0) await this.context.beforeRemovingFaults?.();
    for (const fault of applied.reverse()) {
      const removedAtMs = await faults!.remove(fault).catch((failure: Error) => void (error ??= failure));
      const record: FaultRecord = removedAtMs === undefined ? fault : { ...fault, removedAtMs };
      records.unshift(record);
      this.active = this.active.filter((f) => f.id !== fault.id);
      if (removedAtMs !== undefined) events.emit('faultRemoved', { fault: record });
    }
    this.running = undefined;
    this.skip = undefined;
    return {
      window,
      faults: records,
      ...(error ? { error } : {}),
      ...(skip.reason && !signal.aborted ? { skipped: skip.reason } : {}),
    };
  }
}

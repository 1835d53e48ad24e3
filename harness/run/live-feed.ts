import type { Clock } from '../clock/clock.ts';
import { BucketDeltas } from '../metrics/bucket-deltas.ts';
import { lastCompleteSecond, type PhaseRecorder } from '../metrics/phase-recorder.ts';
import { lastSecondOf, phaseTotals } from '../metrics/progress-window.ts';
import { formatMs } from '../report/format-number.ts';
import { describeFault, type Fault } from '../scenario/fault-schema.ts';
import { targetRateAt, type PlannedPhase, type Timeline } from '../scenario/timeline.ts';
import type { RunEvents } from '../events/run-events.ts';

export interface LiveFeedSources {
  events: RunEvents;
  recorder: PhaseRecorder;
  clock: Clock;
  timeline: Timeline;
  maxSendLagMs: number;
  /** The load's request timeout: how long after its send time a response can still land in its second. */
  requestTimeoutMs: number;
  /** The faults in place right now. */
  activeFaults: () => readonly { fault: Fault }[];
}

/**
 * What a run shows while it happens: a progress snapshot of the current
 * phase every second, and what was recorded, as deltas, for telemetry (a
 * second two behind the clock, when the workers have handed it over; the
 * rest at the end). Events go out through RunEvents, which keeps a
 * throwing listener from ending the run.
 */
export class LiveFeed {
  private readonly deltas: BucketDeltas;
  private recordedTimer?: NodeJS.Timeout;
  private progressTimer?: NodeJS.Timeout;

  constructor(private readonly sources: LiveFeedSources) {
    // A second can grow until its slowest request has timed out; a second more for a late hand-over.
    this.deltas = new BucketDeltas(Math.ceil(sources.requestTimeoutMs / 1_000) + 1);
  }

  start(): void {
    this.recordedTimer = setInterval(() => this.emitRecorded(false), 1_000);
  }

  phaseStarted(phase: PlannedPhase, phaseStartMs: number): void {
    clearInterval(this.progressTimer);
    this.progressTimer = setInterval(() => this.emitProgress(phase, phaseStartMs), 1_000);
  }

  phaseEnded(): void {
    clearInterval(this.progressTimer);
  }

  /** Stops the tickers and hands over everything not yet handed over. */
  stop(): void {
    clearInterval(this.progressTimer);
    clearInterval(this.recordedTimer);
    this.emitRecorded(true);
  }

  private emitRecorded(final: boolean): void {
    const { recorder, clock, events } = this.sources;
    const lastSecond = final ? Number.POSITIVE_INFINITY : lastCompleteSecond(recorder, clock.nowMs());
    // Only the seconds that can still change: each second costs the same, also in hour six.
    const open = final ? recorder.allSeconds() : recorder.secondsBetween(this.deltas.firstOpenSecond, lastSecond);
    const buckets = this.deltas.take(open, lastSecond);
    if (buckets.length > 0) events.emit('secondsRecorded', { buckets });
  }

  private emitProgress(phase: PlannedPhase, phaseStartMs: number): void {
    const { recorder, clock, events, timeline, maxSendLagMs } = this.sources;
    const nowMs = clock.nowMs();
    const elapsedMs = nowMs - phaseStartMs;
    const window = lastSecondOf(recorder, phase.name, Math.floor((nowMs - recorder.runStartMs) / 1_000) - 1);
    const totals = phaseTotals(recorder, phase.name);
    const behind =
      (window.sendLagP99Ms ?? 0) > maxSendLagMs || window.unsent > 0
        ? `generator behind: send lag p99 ${formatMs(window.sendLagP99Ms)} ms${window.unsent > 0 ? `, ${window.unsent} unsent` : ''}; add workers`
        : undefined;
    events.emit('progress', {
      phase: phase.name,
      phaseIndex: phase.index,
      phaseCount: timeline.phases.length,
      elapsedMs: nowMs - recorder.runStartMs,
      remainingMs: Math.max(0, timeline.totalDurationMs - (phase.startOffsetMs + elapsedMs)),
      targetRatePerSec: Math.round(targetRateAt(phase, elapsedMs)),
      achievedRatePerSec: window.sent,
      p95Ms: window.p95Ms,
      sendLagP99Ms: window.sendLagP99Ms,
      ...(behind ? { generatorBehind: behind } : {}),
      phaseErrors: totals.errors,
      phaseRequests: totals.requests,
      activeFaults: this.sources.activeFaults().map((f) => describeFault(f.fault)),
    });
  }
}

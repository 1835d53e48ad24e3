import { arrivalCount, arrivalOffsetMs, type ArrivalPlan } from './arrival-schedule.ts';
import { epochNowMs } from './precise-time.ts';
import type { WorkerBuckets } from './worker-buckets.ts';
import type { PhaseCommand } from './worker-protocol.ts';

/**
 * Starts one flow iteration (a plain request is a one-step flow) for the
 * phase at `startEpochMs`; `onEnd` when it is over. False: nothing to start
 * with (a "unique" data source has run out of rows).
 */
export type StartIteration = (
  phase: string,
  startEpochMs: number,
  turn: { think: boolean; stopAtEpochMs: number; stopped: () => boolean },
  onEnd: () => void,
) => boolean;

/** At most this many arrivals go out per turn of the event loop, so responses are read between batches when the generator is behind. */
const MAX_BATCH = 256;
/** Past its planned end, a phase still sends what is due for this long; what remains after it is counted unsent. */
export const SEND_GRACE_MS = 100;
/** A long gap between arrivals is slept in steps this long, so a stop is noticed promptly. */
const STOP_CHECK_MS = 250;

export interface InFlight {
  count: number;
}

export interface OpenPhaseResult {
  /** Requests this worker sent. */
  sent: number;
  /** When the last of them went out. */
  lastSendEpochMs?: number;
  /** The data rows ran out ("unique"): the phase ended early. */
  rowsRanOut?: boolean;
}

/**
 * One worker's share of one open-model phase. Between arrivals the thread
 * sleeps on a timer (Node's timers wake up to a millisecond or two late: that
 * lateness is recorded as send lag and is part of the latency), and every
 * wake sends all that has fallen due as one batch.
 */
class OpenPhaseRun {
  private readonly plan: ArrivalPlan;
  private readonly count: number;
  private readonly giveUpEpochMs: number;
  private k: number;
  private nextDueEpochMs: number;
  private done = false;
  private timer: NodeJS.Timeout | undefined;
  readonly result: OpenPhaseResult = { sent: 0 };

  constructor(
    private readonly command: PhaseCommand,
    private readonly worker: { index: number; count: number; maxInFlight: number },
    private readonly startIteration: StartIteration,
    private readonly buckets: WorkerBuckets,
    private readonly inFlight: InFlight,
    private readonly stopped: () => boolean,
    private readonly resolve: (result: OpenPhaseResult) => void,
  ) {
    this.plan = {
      durationMs: command.durationMs,
      fromRatePerSec: command.fromRatePerSec,
      toRatePerSec: command.toRatePerSec,
    };
    this.count = arrivalCount(this.plan);
    this.giveUpEpochMs = command.startEpochMs + command.durationMs + SEND_GRACE_MS;
    this.turn = { think: false, stopAtEpochMs: this.giveUpEpochMs, stopped };
    this.k = worker.index;
    this.nextDueEpochMs = this.dueOf(this.k);
  }

  /** A flow's later steps start until the phase's end (and its grace), never into the next phase. */
  private readonly turn: { think: boolean; stopAtEpochMs: number; stopped: () => boolean };

  private dueOf(k: number): number {
    return this.command.startEpochMs + arrivalOffsetMs(this.plan, k);
  }

  readonly tick = (): void => {
    this.timer = undefined;
    if (this.k >= this.count) return this.awaitPlannedEnd();
    this.sendDue();
    if (this.done) return;
    if (this.k >= this.count) return this.awaitPlannedEnd();
    // Behind: let responses in, then go on at once. Otherwise sleep until the next arrival is due.
    if (this.nextDueEpochMs <= epochNowMs()) setImmediate(this.tick);
    else this.timer = setTimeout(this.tick, Math.min(this.nextDueEpochMs - epochNowMs(), STOP_CHECK_MS));
  };

  private readonly ended = (): void => {
    this.inFlight.count -= 1;
  };

  /** Sends every arrival due by now (at most a batch); counts what the phase's end left unsent. */
  private sendDue(): void {
    if (this.done) return;
    if (this.stopped()) return this.finish();
    let nowMs = epochNowMs();
    const { phase } = this.command;
    if (nowMs > this.giveUpEpochMs) {
      for (; this.k < this.count; this.k += this.worker.count) this.buckets.recordUnsent(phase, this.dueOf(this.k));
      return this.finish();
    }
    let batch = 0;
    for (; this.k < this.count && batch < MAX_BATCH; this.k += this.worker.count, batch++) {
      const intendedEpochMs = this.dueOf(this.k);
      if (intendedEpochMs > nowMs && intendedEpochMs > (nowMs = epochNowMs())) break;
      if (this.inFlight.count >= this.worker.maxInFlight) {
        this.buckets.recordDropped(phase, intendedEpochMs);
        continue;
      }
      this.inFlight.count += 1;
      const sentEpochMs = epochNowMs();
      // Its latency runs from when it was due, not from when it was sent.
      if (!this.startIteration(phase, intendedEpochMs, this.turn, this.ended)) {
        this.inFlight.count -= 1;
        this.result.rowsRanOut = true;
        return this.finish();
      }
      this.buckets.recordSendLag(phase, intendedEpochMs, sentEpochMs - intendedEpochMs);
      this.result.sent += 1;
      this.result.lastSendEpochMs = sentEpochMs;
    }
    if (this.k < this.count) this.nextDueEpochMs = this.dueOf(this.k);
  }

  /** Every arrival is out: the phase still lasts its planned length (a sparse phase does not end at its last arrival). */
  private awaitPlannedEnd(): void {
    const remainingMs = this.command.startEpochMs + this.command.durationMs - epochNowMs();
    if (remainingMs <= 0 || this.stopped()) return this.finish();
    this.timer = setTimeout(this.tick, Math.min(remainingMs, STOP_CHECK_MS));
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.resolve(this.result);
  }
}

/**
 * Sends this worker's share of a phase's arrivals at their intended times,
 * whether or not earlier requests have returned. How late each request went
 * out (its send lag) is recorded, and its latency runs from the intended
 * time, so lateness and stalls show in full (coordinated omission
 * corrected). An arrival that finds the in-flight cap full is dropped and
 * counted; one the generator has not reached by the phase's end (plus
 * SEND_GRACE_MS) is counted unsent. Returns then, or on stop.
 */
export function runOpenPhase(
  command: PhaseCommand,
  worker: { index: number; count: number; maxInFlight: number },
  startIteration: StartIteration,
  buckets: WorkerBuckets,
  inFlight: InFlight,
  stopped: () => boolean,
): Promise<OpenPhaseResult> {
  return new Promise((resolve) =>
    new OpenPhaseRun(command, worker, startIteration, buckets, inFlight, stopped, resolve).tick(),
  );
}

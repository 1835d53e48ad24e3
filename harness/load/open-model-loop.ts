import { errorKindOfStatus } from '../metrics/error-kind.ts';
import { arrivalCount, arrivalOffsetMs } from './arrival-schedule.ts';
import { errorKindOfSendFailure, type HttpSender, type ResponseListener } from './http-sender.ts';
import { epochNowMs } from './precise-time.ts';
import type { PreparedRequest } from './request-mix.ts';
import type { WorkerBuckets } from './worker-buckets.ts';
import type { PhaseCommand } from './worker-protocol.ts';

/** At most this many arrivals go out per turn of the event loop, so responses are read between batches when the generator is behind. */
const MAX_BATCH = 256;
/** Past its planned end, a phase still sends what is due for this long; what remains after it is counted unsent. */
export const SEND_GRACE_MS = 100;

export interface InFlight {
  count: number;
}

export interface OpenPhaseResult {
  /** Requests this worker sent. */
  sent: number;
  /** When the last of them went out. */
  lastSendEpochMs?: number;
}

/** One open-model request: its latency runs from when it was due, not from when it was sent. */
class Arrival implements ResponseListener {
  constructor(
    private readonly phase: string,
    private readonly intendedEpochMs: number,
    private readonly buckets: WorkerBuckets,
    private readonly inFlight: InFlight,
  ) {}

  onStatus(status: number): void {
    this.inFlight.count -= 1;
    this.buckets.recordResponse(this.phase, this.intendedEpochMs, epochNowMs() - this.intendedEpochMs, errorKindOfStatus(status));
  }

  onFailure(error: Error): void {
    this.inFlight.count -= 1;
    this.buckets.recordFailure(this.phase, this.intendedEpochMs, errorKindOfSendFailure(error));
  }
}

/**
 * Sends this worker's share of a phase's arrivals at their intended times,
 * whether or not earlier requests have returned. Between arrivals the thread
 * sleeps on a timer, then sends everything that has fallen due as one batch;
 * how late each request went out (its send lag) is recorded, and its latency
 * runs from the intended time, so lateness and stalls show in full
 * (coordinated omission corrected). An arrival that finds the in-flight cap
 * full is dropped and counted; one the generator has not reached by the
 * phase's end (plus SEND_GRACE_MS) is counted unsent. Returns then, or on stop.
 */
export function runOpenPhase(
  command: PhaseCommand,
  worker: { index: number; count: number; maxInFlight: number },
  sender: HttpSender,
  pick: () => PreparedRequest,
  buckets: WorkerBuckets,
  inFlight: InFlight,
  stopped: () => boolean,
): Promise<OpenPhaseResult> {
  const plan = { durationMs: command.durationMs, fromRatePerSec: command.fromRatePerSec, toRatePerSec: command.toRatePerSec };
  const count = arrivalCount(plan);
  const { phase, startEpochMs } = command;
  const giveUpEpochMs = startEpochMs + command.durationMs + SEND_GRACE_MS;
  const result: OpenPhaseResult = { sent: 0 };
  let k = worker.index;
  return new Promise((resolve) => {
    const tick = (): void => {
      let nowMs = epochNowMs();
      if (stopped()) return resolve(result);
      if (nowMs > giveUpEpochMs) {
        for (; k < count; k += worker.count) buckets.recordUnsent(phase, startEpochMs + arrivalOffsetMs(plan, k));
        return resolve(result);
      }
      let batch = 0;
      for (; k < count && batch < MAX_BATCH; k += worker.count, batch++) {
        const intendedEpochMs = startEpochMs + arrivalOffsetMs(plan, k);
        if (intendedEpochMs > nowMs && intendedEpochMs > (nowMs = epochNowMs())) break;
        if (inFlight.count >= worker.maxInFlight) {
          buckets.recordDropped(phase, intendedEpochMs);
          continue;
        }
        inFlight.count += 1;
        const sentEpochMs = epochNowMs();
        sender.send(pick(), new Arrival(phase, intendedEpochMs, buckets, inFlight));
        buckets.recordSendLag(phase, intendedEpochMs, sentEpochMs - intendedEpochMs);
        result.sent += 1;
        result.lastSendEpochMs = sentEpochMs;
      }
      if (k >= count) return resolve(result);
      // Behind: let responses in, then go on at once. Otherwise sleep until the next arrival is due.
      if (batch >= MAX_BATCH) setImmediate(tick);
      else setTimeout(tick, startEpochMs + arrivalOffsetMs(plan, k) - epochNowMs());
    };
    tick();
  });
}

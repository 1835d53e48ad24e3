import { errorKindOfStatus } from '../metrics/error-kind.ts';
import { arrivalCount, arrivalOffsetMs } from './arrival-schedule.ts';
import { errorKindOfSendFailure, type HttpSender, type ResponseListener } from './http-sender.ts';
import { epochNowMs, sleepUntilEpochMs } from './precise-time.ts';
import type { PreparedRequest } from './request-mix.ts';
import type { WorkerBuckets } from './worker-buckets.ts';
import type { PhaseCommand } from './worker-protocol.ts';

const MAX_BURST = 256;

export interface InFlight {
  count: number;
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
 * whether or not earlier requests have returned. Latency is measured from the
 * intended time, so a stall shows in full (coordinated omission corrected).
 * An arrival that finds the in-flight cap full is dropped and counted, never
 * sent late. Returns once every arrival was sent or dropped, or on stop.
 */
export async function runOpenPhase(
  command: PhaseCommand,
  worker: { index: number; count: number; maxInFlight: number },
  sender: HttpSender,
  pick: () => PreparedRequest,
  buckets: WorkerBuckets,
  inFlight: InFlight,
  stopped: () => boolean,
): Promise<void> {
  const plan = { durationMs: command.durationMs, fromRatePerSec: command.fromRatePerSec, toRatePerSec: command.toRatePerSec };
  const count = arrivalCount(plan);
  const phase = command.phase;
  let k = worker.index;
  while (k < count && !stopped()) {
    const dueEpochMs = command.startEpochMs + arrivalOffsetMs(plan, k);
    if (dueEpochMs > epochNowMs()) {
      await sleepUntilEpochMs(dueEpochMs);
      continue;
    }
    let burst = 0;
    for (; k < count && burst < MAX_BURST; k += worker.count, burst++) {
      const intendedEpochMs = command.startEpochMs + arrivalOffsetMs(plan, k);
      if (intendedEpochMs > epochNowMs()) break;
      if (inFlight.count >= worker.maxInFlight) {
        buckets.recordDropped(phase, intendedEpochMs);
        continue;
      }
      inFlight.count += 1;
      sender.send(pick(), new Arrival(phase, intendedEpochMs, buckets, inFlight));
    }
    if (burst >= MAX_BURST) await new Promise((resolve) => setImmediate(resolve));
  }
}

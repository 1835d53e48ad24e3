import { errorKindOfStatus } from '../metrics/error-kind.ts';
import { errorKindOfSendFailure, type HttpSender } from './http-sender.ts';
import type { InFlight } from './open-model-loop.ts';
import { epochNowMs, sleepUntilEpochMs } from './precise-time.ts';
import type { PreparedRequest } from './request-mix.ts';
import type { WorkerBuckets } from './worker-buckets.ts';
import type { PhaseCommand } from './worker-protocol.ts';

/**
 * Closed model (autocannon's and wrk's default): each virtual user sends, waits
 * for the response, and sends again. Latency is from the actual send, so a
 * stall is under-reported (coordinated omission); reports label it closed-model.
 */
export async function runClosedPhase(
  command: PhaseCommand,
  sender: HttpSender,
  pick: () => PreparedRequest,
  buckets: WorkerBuckets,
  inFlight: InFlight,
  stopped: () => boolean,
): Promise<void> {
  await sleepUntilEpochMs(command.startEpochMs);
  const endEpochMs = command.startEpochMs + command.durationMs;
  const virtualUser = async (): Promise<void> => {
    while (!stopped() && epochNowMs() < endEpochMs) {
      const sentEpochMs = epochNowMs();
      inFlight.count += 1;
      try {
        const status = await sender.send(pick());
        buckets.response(command.phase, sentEpochMs, epochNowMs() - sentEpochMs, errorKindOfStatus(status));
      } catch (error) {
        buckets.failure(command.phase, sentEpochMs, errorKindOfSendFailure(error));
      } finally {
        inFlight.count -= 1;
      }
    }
  };
  await Promise.all(Array.from({ length: command.vus }, virtualUser));
}

import { errorKindOfStatus } from '../metrics/error-kind.ts';
import { errorKindOfSendFailure, type HttpSender, type ResponseListener } from './http-sender.ts';
import type { InFlight } from './open-model-loop.ts';
import { epochNowMs, sleepUntilEpochMs } from './precise-time.ts';
import type { PreparedRequest } from './request-mix.ts';
import type { WorkerBuckets } from './worker-buckets.ts';
import type { PhaseCommand } from './worker-protocol.ts';

/**
 * Spaces the sends of all of a worker's virtual users so that together they
 * stay at or under `maxRatePerSec` (the scenario's limits.maxRatePerSec, this
 * worker's share): a closed model against a fast service is otherwise
 * unbounded. Hands out send slots 1/rate apart.
 */
export class SendPacer {
  private nextSlotEpochMs = 0;
  private readonly intervalMs: number;

  constructor(maxRatePerSec: number) {
    this.intervalMs = 1_000 / maxRatePerSec;
  }

  /** The epoch ms at which the next send may go (now, or later). */
  take(nowMs: number): number {
    const slot = Math.max(nowMs, this.nextSlotEpochMs);
    this.nextSlotEpochMs = slot + this.intervalMs;
    return slot;
  }
}

/** One virtual user: send, wait for the response, record it, send again, until the phase ends. */
class VirtualUser implements ResponseListener {
  private sentEpochMs = 0;
  sent = 0;

  constructor(
    private readonly command: PhaseCommand,
    private readonly sender: HttpSender,
    private readonly pick: () => PreparedRequest,
    private readonly buckets: WorkerBuckets,
    private readonly inFlight: InFlight,
    private readonly stopped: () => boolean,
    private readonly done: (sent: number) => void,
    private readonly pacer: SendPacer,
  ) {}

  readonly next = (): void => {
    const now = epochNowMs();
    if (this.stopped() || now >= this.command.startEpochMs + this.command.durationMs) return this.done(this.sent);
    const slot = this.pacer.take(now);
    if (slot - now >= 1) {
      setTimeout(this.send, slot - now);
      return;
    }
    this.send();
  };

  private readonly send = (): void => {
    if (this.stopped()) return this.done(this.sent);
    const now = epochNowMs();
    this.sentEpochMs = now;
    this.sent += 1;
    this.inFlight.count += 1;
    this.sender.send(this.pick(), this);
  };

  onStatus(status: number): void {
    this.inFlight.count -= 1;
    this.buckets.recordResponse(this.command.phase, this.sentEpochMs, epochNowMs() - this.sentEpochMs, errorKindOfStatus(status));
    this.next();
  }

  onFailure(error: Error): void {
    this.inFlight.count -= 1;
    this.buckets.recordFailure(this.command.phase, this.sentEpochMs, errorKindOfSendFailure(error));
    // A failure can be reported synchronously (e.g. a closed pool): never recurse.
    setImmediate(this.next);
  }
}

/**
 * Closed model (autocannon's and wrk's default): each virtual user sends, waits
 * for the response, and sends again. Latency is from the actual send, so a
 * stall is under-reported (coordinated omission); reports label it closed-model.
 * Together they never exceed `command.maxRatePerSec`. Resolves with the number
 * of requests sent.
 */
export async function runClosedPhase(
  command: PhaseCommand,
  sender: HttpSender,
  pick: () => PreparedRequest,
  buckets: WorkerBuckets,
  inFlight: InFlight,
  stopped: () => boolean,
): Promise<number> {
  await sleepUntilEpochMs(command.startEpochMs);
  const pacer = new SendPacer(command.maxRatePerSec);
  const sent = await Promise.all(
    Array.from({ length: command.vus }, () => new Promise<number>((resolve) => new VirtualUser(command, sender, pick, buckets, inFlight, stopped, resolve, pacer).next())),
  );
  return sent.reduce((sum, n) => sum + n, 0);
}

import { errorKindOfStatus } from '../metrics/error-kind.ts';
import { errorKindOfSendFailure, type HttpSender, type ResponseListener } from './http-sender.ts';
import type { InFlight } from './open-model-loop.ts';
import { epochNowMs, sleepUntilEpochMs } from './precise-time.ts';
import type { PreparedRequest } from './request-mix.ts';
import type { WorkerBuckets } from './worker-buckets.ts';
import type { PhaseCommand } from './worker-protocol.ts';

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
  ) {}

  next(): void {
    const now = epochNowMs();
    if (this.stopped() || now >= this.command.startEpochMs + this.command.durationMs) return this.done(this.sent);
    this.sentEpochMs = now;
    this.sent += 1;
    this.inFlight.count += 1;
    this.sender.send(this.pick(), this);
  }

  onStatus(status: number): void {
    this.inFlight.count -= 1;
    this.buckets.recordResponse(this.command.phase, this.sentEpochMs, epochNowMs() - this.sentEpochMs, errorKindOfStatus(status));
    this.next();
  }

  onFailure(error: Error): void {
    this.inFlight.count -= 1;
    this.buckets.recordFailure(this.command.phase, this.sentEpochMs, errorKindOfSendFailure(error));
    // A failure can be reported synchronously (e.g. a closed pool): never recurse.
    setImmediate(() => this.next());
  }
}

/**
 * Closed model (autocannon's and wrk's default): each virtual user sends, waits
 * for the response, and sends again. Latency is from the actual send, so a
 * stall is under-reported (coordinated omission); reports label it closed-model.
 * Resolves with the number of requests sent.
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
  const sent = await Promise.all(
    Array.from({ length: command.vus }, () => new Promise<number>((resolve) => new VirtualUser(command, sender, pick, buckets, inFlight, stopped, resolve).next())),
  );
  return sent.reduce((sum, n) => sum + n, 0);
}

import type { StartIteration } from './open-model-loop.ts';
import { epochNowMs, sleepUntilEpochMs } from './precise-time.ts';
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

/** One virtual user: one flow iteration after another (with think time between steps), until the phase ends. */
class VirtualUser {
  constructor(
    private readonly command: PhaseCommand,
    private readonly startIteration: StartIteration,
    private readonly stopped: () => boolean,
    private readonly done: () => void,
  ) {}

  private readonly turn = { think: true, stopAtEpochMs: 0, stopped: (): boolean => this.stopped() };

  readonly next = (): void => {
    const now = epochNowMs();
    this.turn.stopAtEpochMs = this.command.startEpochMs + this.command.durationMs;
    if (this.stopped() || now >= this.turn.stopAtEpochMs) return this.done();
    // The next iteration after the event loop's turn: responses that came in together are all read before
    // new requests are written (measured: about 20 % more requests per second than sending from the callback).
    if (!this.startIteration(this.command.phase, now, this.turn, this.nextLater)) this.done();
  };

  private readonly nextLater = (): void => {
    setImmediate(this.next);
  };
}

/**
 * Closed model (autocannon's and wrk's default): each virtual user sends, waits
 * for the response, and sends again (a flow's steps in order, then the next
 * iteration). Latency is from the actual send, so a stall is under-reported
 * (coordinated omission); reports label it closed-model. Every request takes
 * a slot from one SendPacer (`command.maxRatePerSec`): together they never
 * exceed it. Resolves when every virtual user is done.
 */
export async function runClosedPhase(
  command: PhaseCommand,
  startIteration: StartIteration,
  stopped: () => boolean,
): Promise<void> {
  await sleepUntilEpochMs(command.startEpochMs);
  await Promise.all(
    Array.from(
      { length: command.vus },
      () => new Promise<void>((resolve) => new VirtualUser(command, startIteration, stopped, resolve).next()),
    ),
  );
}

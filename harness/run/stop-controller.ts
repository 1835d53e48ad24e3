/** Why a run stopped before its timeline ended. */
export type StopReason =
  /** The user: SIGINT, SIGTERM, SIGHUP, or an abort in code. */
  | { kind: 'user'; detail: string }
  /** A guard tripped: `guard "error storm" (rate 0.6 > 0.2 …)`. */
  | { kind: 'guard'; detail: string }
  /** The harness or its infrastructure failed mid-run (Toxiproxy gone, a load worker died). */
  | { kind: 'infrastructure'; detail: string };

/**
 * The one way a run stops early: the first reason wins, `onStop` (removing
 * every fault at once, not after the load loops wind down) runs exactly once,
 * and then `signal` aborts the load. Harness errors met along the way that do not
 * stop the run (a fault that could not be removed, a driver that would not
 * close) are kept too; the first one makes the run inconclusive.
 */
export class StopController {
  private readonly controller = new AbortController();
  private firstReason?: StopReason;
  private readonly errors: string[] = [];

  constructor(private readonly onStop: () => void) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopped(): boolean {
    return this.firstReason !== undefined;
  }

  get reason(): StopReason | undefined {
    return this.firstReason;
  }

  stop(reason: StopReason): void {
    if (this.firstReason) return;
    this.firstReason = reason;
    // Fault removal starts before the load is told to stop: faults go first.
    this.onStop();
    this.controller.abort(reason.detail);
  }

  /** Follows `signal` (the user's abort): aborting it stops the run. Returns the unsubscribe. */
  follow(signal: AbortSignal | undefined): () => void {
    if (!signal) return () => undefined;
    const onAbort = (): void => this.stop({ kind: 'user', detail: String(signal.reason ?? 'abort') });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }

  /** A harness error that does not stop the run by itself. */
  noteError(message: string): void {
    this.errors.push(message);
  }

  /** Set when a user or a guard stopped the run: the verdict is "aborted". */
  get abortedBy(): string | undefined {
    return this.firstReason && this.firstReason.kind !== 'infrastructure' ? this.firstReason.detail : undefined;
  }

  /** Set when the harness failed: the verdict is "inconclusive". */
  get infrastructureError(): string | undefined {
    return this.firstReason?.kind === 'infrastructure' ? this.firstReason.detail : this.errors[0];
  }
}

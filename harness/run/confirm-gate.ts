import type { PlannedPhase } from '../scenario/timeline.ts';

export interface ConfirmRequest {
  phase: PlannedPhase;
  timeoutMs: number;
}

/**
 * `--confirm-faults`: before a phase's faults go in, the run waits here until
 * an operator confirms — on the live console or in the terminal, whichever
 * comes first — and aborts when nobody does within the timeout. Listeners
 * hear each wait begin and end (the page shows a button, the terminal a prompt).
 */
export class ConfirmGate {
  private pending?: (confirmed: boolean) => void;
  private readonly waitingListeners: ((request: ConfirmRequest) => void)[] = [];
  private readonly settledListeners: ((request: ConfirmRequest, confirmed: boolean) => void)[] = [];

  constructor(private readonly timeoutMs: number) {}

  onWaiting(listener: (request: ConfirmRequest) => void): void {
    this.waitingListeners.push(listener);
  }

  onSettled(listener: (request: ConfirmRequest, confirmed: boolean) => void): void {
    this.settledListeners.push(listener);
  }

  /** Resolves true once confirmed; false when the timeout passes or `signal` aborts first. */
  wait(phase: PlannedPhase, signal: AbortSignal): Promise<boolean> {
    const request = { phase, timeoutMs: this.timeoutMs };
    return new Promise<boolean>((resolve) => {
      const done = (confirmed: boolean): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onStop);
        this.pending = undefined;
        for (const listener of this.settledListeners) listener(request, confirmed);
        resolve(confirmed);
      };
      const onStop = (): void => done(false);
      const timer = setTimeout(() => done(false), this.timeoutMs);
      signal.addEventListener('abort', onStop, { once: true });
      this.pending = done;
      for (const listener of this.waitingListeners) listener(request);
    });
  }

  /** Confirms the faults waiting; false when none wait. */
  confirm(): boolean {
    const pending = this.pending;
    pending?.(true);
    return pending !== undefined;
  }

  get waiting(): boolean {
    return this.pending !== undefined;
  }
}

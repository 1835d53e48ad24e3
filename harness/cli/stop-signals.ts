import { SIGNAL_EXIT_CODES } from '../verdict/run-verdict.ts';
import type { CliStream } from './cli-io.ts';

export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

/**
 * The run's stop switch for `ordeal run`: the first SIGINT, SIGTERM or SIGHUP (or q, or the live console's stop)
 * aborts the run, which removes its faults and writes its report; a second signal during clean-up is only
 * acknowledged. Listening from `listen` until `close`.
 */
export class StopSignals {
  readonly controller = new AbortController();
  /** The signal that stopped the run, if one did. */
  interruptedBy?: StopSignal;
  private readonly handlers = (Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]).map(
    (signal) => [signal, (): void => this.interrupt(signal)] as const,
  );

  constructor(private readonly stderr: CliStream) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  listen(): this {
    for (const [signal, handler] of this.handlers) process.on(signal, handler);
    return this;
  }

  /** Stops the run: for a signal's name, as that signal (its report says so); otherwise with `reason` as is. */
  interrupt(reason: string): void {
    if (!isStopSignal(reason)) {
      if (!this.controller.signal.aborted) this.controller.abort(reason);
      return;
    }
    if (this.interruptedBy) {
      this.stderr.write(`ordeal: ${reason} again: still removing faults and writing the report\n`);
      return;
    }
    this.interruptedBy = reason;
    this.stderr.write(`\nordeal: ${reason}: stopping load, removing faults, writing the report\n`);
    this.controller.abort(reason);
  }

  close(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
  }
}

function isStopSignal(reason: string): reason is StopSignal {
  return Object.hasOwn(SIGNAL_EXIT_CODES, reason);
}

import { formatDurationMs } from '../../notation/duration.ts';
import { describeFault } from '../../scenario/fault-schema.ts';
import { attachTerminalKeys, inTerminalForeground, type TerminalKeys } from '../terminal-keys.ts';
import type { AddOnContext, RunAddOn } from './run-add-on.ts';

/** True when ordeal runs in a terminal's foreground, not --json: keys work (q, s, c, n). */
export function terminalKeysUsable(json: boolean | undefined, stderrIsTty: boolean): boolean {
  return process.stdin.isTTY === true && !json && stderrIsTty && inTerminalForeground();
}

/** The terminal's keys: q stops, s skips the phase, c confirms faults, n takes a note. */
export class TerminalKeysAddOn implements RunAddOn {
  readonly name = 'terminal keys';
  keys?: TerminalKeys;

  async start(context: AddOnContext): Promise<void> {
    const { io, style, confirmGate, controls, options } = context;
    this.keys = attachTerminalKeys(process.stdin, io.stderr, {
      interrupt: () => context.interrupt('SIGINT'),
      skip: () => controls()?.skipPhase('skipped from the terminal') ?? false,
      confirm: () => confirmGate?.confirm() ?? false,
      note: (text) => {
        const given = controls();
        if (!given) return 'the run has not started yet';
        try {
          given.annotate(text, 'terminal');
          return undefined;
        } catch (error) {
          return (error as Error).message;
        }
      },
      phase: () => controls()?.runningPhase(),
    });
    confirmGate?.onWaiting(({ phase, timeoutMs }) =>
      io.stderr.write(
        style.yellow(
          `ordeal: phase ${phase.name} will apply ${phase.faults.map(describeFault).join('; ')}: press c to confirm${options.ui !== undefined ? ' (or on the live console)' : ''}; not confirmed within ${formatDurationMs(timeoutMs)}, the run aborts\n`,
        ),
      ),
    );
  }

  /** The report is written: the terminal is the user's again before the summary prints. */
  async published(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    this.keys?.detach();
    this.keys = undefined;
  }
}

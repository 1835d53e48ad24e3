import type { CliIo } from '../cli-io.ts';
import type { OutputStyle } from '../output-style.ts';
import type { ConfirmGate } from '../../run/confirm-gate.ts';
import type { OperatorControls } from '../../run/operator.ts';
import type { RunEvents } from '../../events/run-events.ts';
import type { RunReport } from '../../report/run-report.ts';
import type { Scenario } from '../../scenario/scenario-schema.ts';
import type { RunCommandOptions } from '../run-command-options.ts';

/** What every add-on of `ordeal run` is given when it starts. */
export interface AddOnContext {
  scenario: Scenario;
  options: RunCommandOptions;
  io: CliIo;
  style: OutputStyle;
  events: RunEvents;
  /** Set when --confirm-faults holds each fault phase for an operator. */
  confirmGate?: ConfirmGate;
  /** The operator's controls, once the run has started (undefined before). */
  controls: () => OperatorControls | undefined;
  /** Stops the run as a signal would (its report says why). */
  interrupt: (reason: string) => void;
  /** Where the run's folder is written (--report-dir, resolved). */
  reportDir: string;
}

/**
 * An add-on to `ordeal run` (the terminal's keys, the live console, ordeal's own metrics, the pushgateway),
 * like vitest's reporters: hooks called in order, each optional but `stop`, which is called on every way out
 * (also when the add-on never started) and must not throw. A start that fails is bad input (exit 2): nothing
 * has been sent yet.
 */
export interface RunAddOn {
  readonly name: string;
  start?(context: AddOnContext): Promise<void>;
  /** The run has started: the operator's controls. */
  attach?(controls: OperatorControls): void;
  /** The run has ended; its report is about to be written. */
  runEnded?(): Promise<void>;
  /** The report is written (files: where). */
  published?(report: RunReport, files: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

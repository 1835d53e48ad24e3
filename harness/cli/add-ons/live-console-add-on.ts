import { OrdealError } from '../../errors/ordeal-error.ts';
import type { LiveConsole } from '../../console/live-console.ts';
import type { OperatorControls } from '../../run/operator.ts';
import type { RunReport } from '../../report/run-report.ts';
import type { AddOnContext, RunAddOn } from './run-add-on.ts';

/** --ui: the live console on 127.0.0.1; at the end its page becomes the final report. */
export class LiveConsoleAddOn implements RunAddOn {
  readonly name = 'live console';
  private console?: LiveConsole;

  constructor(private readonly port: number) {}

  async start({ events, confirmGate, interrupt, io }: AddOnContext): Promise<void> {
    const { startLiveConsole } = await import('../../console/live-console.ts');
    this.console = await startLiveConsole(events, {
      port: this.port,
      onAbort: () => interrupt('the live console'),
      ...(confirmGate ? { confirmGate } : {}),
    }).catch((cause: Error) => {
      throw new OrdealError(
        'ORDEAL_ERR_USAGE',
        `--ui ${this.port}: cannot listen on 127.0.0.1 (${cause.message}; pick a free port, or leave it out)`,
        { cause },
      );
    });
    io.stderr.write(`ordeal: live console at ${this.console.pageUrl}\n`);
  }

  attach(controls: OperatorControls): void {
    this.console?.attach(controls);
  }

  /** The page becomes the final report (it keeps it after ordeal exits; report.html is the same). */
  async published(report: RunReport, files: readonly string[]): Promise<void> {
    await this.console?.reportWritten(
      report,
      files.find((file) => file.endsWith('report.html')),
    );
    await this.stop();
  }

  /** Stopped on every way out: an open console would keep ordeal alive after a failed run. */
  async stop(): Promise<void> {
    const console = this.console;
    this.console = undefined;
    await console?.stop();
  }
}

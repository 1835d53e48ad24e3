import path from 'node:path';
import { checkpointReport } from '../../report/checkpoint-report.ts';
import { publishReport } from '../../report/publish-report.ts';
import type { OperatorControls } from '../../run/operator.ts';
import type { AddOnContext, RunAddOn } from './run-add-on.ts';

/**
 * report.checkpointEvery: the report so far, written atomically into the run's folder (report.json, report.html,
 * junit.xml, summary.md, and the run index) while the run goes. A run that dies — ordeal and its watchdog killed,
 * the machine stopped — keeps everything up to its last checkpoint; `ordeal report <folder>` finishes it as
 * interrupted. The final report replaces the last checkpoint: none is written once the run has ended.
 */
export class CheckpointAddOn implements RunAddOn {
  readonly name = 'checkpoints';
  private context?: AddOnContext;
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private ended = false;
  private count = 0;

  async start(context: AddOnContext): Promise<void> {
    this.context = context;
  }

  attach(controls: OperatorControls): void {
    const everyMs = this.context!.scenario.report.checkpointEvery.ms;
    this.timer = setInterval(() => {
      // One at a time: a checkpoint that takes longer than the interval is not overtaken by the next.
      if (this.writing || this.ended) return;
      this.writing = this.write(controls).finally(() => (this.writing = undefined));
    }, everyMs);
  }

  private async write(controls: OperatorControls): Promise<void> {
    const { io, reportDir } = this.context!;
    try {
      const soFar = await controls.snapshot();
      if (this.ended) return;
      // Stamped on the run's one time base (the snapshot's now), like every other time in the report.
      const report = checkpointReport(soFar);
      const { files } = await publishReport(report, reportDir, { compare: false });
      this.count += 1;
      const json = files.find((file) => file.endsWith('report.json')) ?? path.join(reportDir, report.runId);
      io.stderr.write(`ordeal: checkpoint ${this.count} written: ${path.relative(process.cwd(), json)}\n`);
    } catch (error) {
      // A checkpoint that cannot be written costs the run nothing: said, and tried again at the next one.
      io.stderr.write(`ordeal: warning: checkpoint not written: ${(error as Error).message}\n`);
    }
  }

  /** The run has ended: no checkpoint after this one (the final report is about to replace them). */
  async runEnded(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    this.ended = true;
    clearInterval(this.timer);
    await this.writing;
  }
}

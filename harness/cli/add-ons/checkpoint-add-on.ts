import path from 'node:path';
import { publishReport } from '../../report/publish-report.ts';
import type { OperatorControls } from '../../run/operator.ts';
import { Checkpoints } from '../../run/checkpoints.ts';
import type { AddOnContext, RunAddOn } from './run-add-on.ts';

/**
 * report.checkpointEvery: the report so far, written atomically into the run's folder (report.json, report.html,
 * junit.xml, summary.md, and the run index) while the run goes. A run that dies — ordeal and its watchdog killed,
 * the machine stopped — keeps everything up to its last checkpoint; `ordeal report <folder>` finishes it as
 * interrupted. The final report replaces the last checkpoint: none is written once the run has ended.
 */
export class CheckpointAddOn implements RunAddOn {
  readonly name = 'checkpoints';
  private checkpoints?: Checkpoints;

  async start(context: AddOnContext): Promise<void> {
    const { io, reportDir } = context;
    this.checkpoints = new Checkpoints(context.scenario.report.checkpointEvery.ms, {
      write: async (report) => {
        const { files } = await publishReport(report, reportDir, { compare: false });
        return files.find((file) => file.endsWith('report.json')) ?? path.join(reportDir, report.runId);
      },
      written: (count, file) =>
        io.stderr.write(`ordeal: checkpoint ${count} written: ${path.relative(process.cwd(), file)}\n`),
      failed: (error) => io.stderr.write(`ordeal: warning: checkpoint not written: ${error.message}\n`),
    });
  }

  attach(controls: OperatorControls): void {
    this.checkpoints?.attach(controls);
  }

  /** The run has ended: no checkpoint after this one (the final report is about to replace them). */
  async runEnded(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    await this.checkpoints?.stop();
  }
}

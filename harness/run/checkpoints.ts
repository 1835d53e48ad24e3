import { checkpointReport } from '../report/checkpoint-report.ts';
import type { RunReport } from '../report/run-report.ts';
import type { OperatorControls } from './operator.ts';

export interface CheckpointSink {
  /** Writes one checkpoint report; returns the report.json it wrote (said to the user). */
  write(report: RunReport): Promise<string>;
  written(count: number, file: string): void;
  failed(error: Error): void;
}

/**
 * report.checkpointEvery, for the CLI and the library alike: every interval the report so far (settled phases as
 * judged, the rest inconclusive "so far") goes to the sink, one at a time — a checkpoint that takes longer than
 * the interval is not overtaken by the next. A checkpoint that cannot be written costs the run nothing: said,
 * and tried again at the next one. None is written once the run has ended (the final report replaces them).
 */
export class Checkpoints {
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private ended = false;
  private count = 0;

  constructor(
    private readonly everyMs: number,
    private readonly sink: CheckpointSink,
  ) {}

  attach(controls: OperatorControls): void {
    this.timer = setInterval(() => {
      if (this.writing || this.ended) return;
      this.writing = this.write(controls).finally(() => (this.writing = undefined));
    }, this.everyMs);
  }

  private async write(controls: OperatorControls): Promise<void> {
    try {
      const soFar = await controls.snapshot();
      if (this.ended) return;
      const file = await this.sink.write(checkpointReport(soFar));
      this.count += 1;
      this.sink.written(this.count, file);
    } catch (error) {
      this.sink.failed(error as Error);
    }
  }

  /** The run has ended: no checkpoint after the one being written, if any. */
  async stop(): Promise<void> {
    this.ended = true;
    clearInterval(this.timer);
    await this.writing;
  }
}

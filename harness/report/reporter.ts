import type { RunReport } from './run-report.ts';

/** Turns a finished run's report into one file in the run's folder; returns the path written. */
export interface Reporter {
  readonly name: string;
  write(report: RunReport, runDir: string): Promise<string>;
}
